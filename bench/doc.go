// Package bench holds the driver's benchmarks against a hand-written
// twilio-go loop (PageMessage / PageCall with PageSize 1000) on the same
// emulator, in the same run. It has no code of its own: see BENCHMARKS.md
// at the repository root for how to run them and the figures of the last
// run.
//
//	go test -run '^$' -bench . -benchtime 1x -count 5 ./bench | tee new.txt
//	benchstat new.txt
package bench
