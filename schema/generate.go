package schema

// The spec tables are generated from the vendored Twilio spec; after a spec
// update, `go generate ./schema` is the one command to run.
//go:generate go run ../internal/tablegen/cmd spec_tables.go
