package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
)

// isTTY reports whether f is a terminal. A character device is not enough:
// /dev/null is one too, and twiliosql </dev/null must not prompt.
func isTTY(x any) bool {
	f, ok := x.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// progressAfter is how long a statement runs before its progress shows.
const progressAfter = 2 * time.Second

// withProgress counts the rows written to out and, once a statement has run
// for progressAfter, keeps one line on stderr (a terminal) saying how many
// rows came so far; the line is erased when the result ends.
func withProgress(out output, stderr io.Writer) output {
	p := &progressOutput{output: out, stderr: stderr, start: time.Now(), done: make(chan struct{})}
	p.wg.Add(1)
	go p.run()
	return p
}

type progressOutput struct {
	output
	stderr io.Writer
	start  time.Time
	rows   atomic.Int64
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
	shown  bool
}

func (p *progressOutput) row(vals []any) error {
	p.rows.Add(1)
	return p.output.row(vals)
}

func (p *progressOutput) run() {
	defer p.wg.Done()
	t := time.NewTimer(progressAfter)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			if p.shown {
				fmt.Fprint(p.stderr, "\r\033[K")
			}
			return
		case <-t.C:
			p.shown = true
			fmt.Fprintf(p.stderr, "\r\033[Ktwiliosql: %d rows so far (%s)", p.rows.Load(), time.Since(p.start).Round(time.Second))
			t.Reset(time.Second)
		}
	}
}

// stop erases the progress line; the table is printed after it.
func (p *progressOutput) stop() {
	p.once.Do(func() { close(p.done) })
	p.wg.Wait()
}

func (p *progressOutput) end(count int) error {
	p.stop()
	return p.output.end(count)
}

// isFlagSet reports whether the command line gave flag name, even empty
// (-e "" runs no statement rather than opening the prompt).
func isFlagSet(fs interface{ Visit(func(*flag.Flag)) }, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
