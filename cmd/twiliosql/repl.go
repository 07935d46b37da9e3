package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"unicode"
)

const (
	prompt         = "twilio> "
	continuePrompt = "     -> "
)

// script runs every statement read from r, in order, stopping at the first
// error, which it reports and returns.
func (s *session) script(ctx context.Context, r io.Reader) error {
	var sp splitter
	br := bufio.NewReader(r)
	for {
		line, readErr := br.ReadString('\n')
		stmts := sp.feed(line)
		if readErr == io.EOF {
			stmts = append(stmts, sp.flush()...)
		}
		for _, q := range stmts {
			if err := s.execute(ctx, q); err != nil {
				s.report(err)
				return err
			}
		}
		if readErr == io.EOF {
			return nil
		}
		if readErr != nil {
			s.report(readErr)
			return readErr
		}
	}
}

// interactive prompts for statements until end of input or "exit"; an error
// is reported and the prompt comes back.
func (s *session) interactive(ctx context.Context, r io.Reader) {
	fmt.Fprintln(s.stdout, `Enter SQL statements ending with ';'. Ctrl-C cancels a running statement; "exit" or Ctrl-D quits.`)
	var sp splitter
	br := bufio.NewReader(r)
	for {
		if sp.empty() {
			fmt.Fprint(s.stdout, prompt)
		} else {
			fmt.Fprint(s.stdout, continuePrompt)
		}
		line, readErr := br.ReadString('\n')
		if sp.empty() {
			switch strings.TrimRight(strings.TrimSpace(line), ";") {
			case "exit", "quit", `\q`:
				return
			}
		}
		stmts := sp.feed(line)
		if readErr != nil {
			fmt.Fprintln(s.stdout)
			stmts = append(stmts, sp.flush()...)
		}
		for _, q := range stmts {
			if err := s.execute(ctx, q); err != nil {
				s.report(err)
			}
		}
		if readErr != nil {
			return
		}
	}
}

// execute runs one statement and prints its result. Ctrl-C cancels it.
func (s *session) execute(ctx context.Context, query string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	switch kind(query) {
	case "DELETE":
		res, err := s.db.ExecContext(ctx, query)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		noun := "rows"
		if n == 1 {
			noun = "row"
		}
		_, err = fmt.Fprintf(s.stdout, "%d %s deleted\n", n, noun)
		return err
	default: // SELECT; INSERT and UPDATE print the rows they produce
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		out := s.newOut(s.stdout)
		if isTTY(s.stderr) {
			p := withProgress(out, s.stderr)
			defer p.(*progressOutput).stop()
			out = p
		}
		return printRows(rows, out)
	}
}

// kind is the statement's first keyword, upper-cased.
func kind(query string) string {
	q := strings.TrimLeftFunc(query, func(r rune) bool { return unicode.IsSpace(r) || r == '(' })
	end := strings.IndexFunc(q, func(r rune) bool { return !unicode.IsLetter(r) })
	if end >= 0 {
		q = q[:end]
	}
	return strings.ToUpper(q)
}

// splitter cuts SQL text into statements at semicolons outside quotes,
// backticks and comments. Comments are dropped. Text arrives in pieces
// (lines), so the state carries over between calls to feed.
type splitter struct {
	buf     strings.Builder
	quote   rune // ', " or ` while inside one
	escape  bool // the previous rune was a backslash inside a quote
	comment byte // '-' in a line comment, '*' in a block comment
	star    bool // the previous rune ended "*" inside a block comment
}

func (sp *splitter) empty() bool { return strings.TrimSpace(sp.buf.String()) == "" }

// feed adds text and returns the statements it completed.
func (sp *splitter) feed(text string) []string {
	var out []string
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case sp.comment == '-':
			if r == '\n' {
				sp.comment = 0
				sp.buf.WriteRune('\n')
			}
		case sp.comment == '*':
			if sp.star && r == '/' {
				sp.comment = 0
				sp.buf.WriteRune(' ')
			}
			sp.star = r == '*'
		case sp.quote != 0:
			sp.buf.WriteRune(r)
			switch {
			case sp.escape:
				sp.escape = false
			case r == '\\' && sp.quote != '`':
				sp.escape = true
			case r == sp.quote:
				sp.quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			sp.quote = r
			sp.buf.WriteRune(r)
		case r == '#' || r == '-' && next == '-' && (i+2 >= len(rs) || unicode.IsSpace(rs[i+2])):
			sp.comment = '-'
		case r == '/' && next == '*':
			sp.comment, sp.star = '*', false
			i++
		case r == ';':
			if q := strings.TrimSpace(sp.buf.String()); q != "" {
				out = append(out, q)
			}
			sp.buf.Reset()
		default:
			sp.buf.WriteRune(r)
		}
	}
	return out
}

// flush returns the statement left without a final ';', if any.
func (sp *splitter) flush() []string {
	q := strings.TrimSpace(sp.buf.String())
	sp.buf.Reset()
	*sp = splitter{}
	if q == "" {
		return nil
	}
	return []string{q}
}
