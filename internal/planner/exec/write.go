package exec

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/internal/rest"
)

// runWrite lists the targets if needed, then sends every request in
// order. Rows are the resources as Twilio returned them (none for
// DELETE); Affected counts the resources changed.
func runWrite(ctx context.Context, env *Env, w *plan.Write) (*Rows, error) {
	// What a write changes is read from Twilio, never from the cache.
	ctx = rest.WithoutCache(ctx)
	reqs := w.Requests
	if w.Target != nil {
		var err error
		if reqs, err = listTargets(ctx, env, w); err != nil {
			return nil, err
		}
	}
	if err := checkCount(w, len(reqs)); err != nil {
		return nil, err
	}
	t := w.Table
	dec := NewDecoder(t)
	var out [][]driver.Value
	var done []string
	for i, req := range reqs {
		var body []byte
		var err error
		if req.Method == "DELETE" {
			err = env.Client.Delete(ctx, req.Path)
		} else {
			body, err = env.Client.Post(ctx, req.Path, req.Form)
		}
		if err != nil {
			if rest.IsNotFound(err) && req.Sid != "" && w.Verb != "INSERT" {
				continue // gone already: like MySQL, no row changed
			}
			if len(reqs) == 1 {
				return nil, err // nothing else was to be written
			}
			return nil, &PartialWriteError{Verb: w.Verb, Table: t.Name, Done: done, Total: len(reqs), Failed: req.Sid, Index: i, Err: err}
		}
		if body != nil {
			row := make([]driver.Value, len(t.Columns))
			if err := dec.Decode(body, row); err != nil {
				// Twilio answered 2xx: the write was applied, only its
				// answer is unreadable. Say so; never "nothing changed".
				applied := fmt.Errorf("Twilio applied it (it answered with success) but its answer could not be read, so the row is not returned: %w", err)
				if req.Sid != "" {
					done = append(done, req.Sid)
				} else {
					done = append(done, "(a new row whose Sid could not be read)")
				}
				return nil, &PartialWriteError{Verb: w.Verb, Table: t.Name, Done: done, Total: len(reqs), Failed: req.Sid, Index: i, Err: applied}
			}
			out = append(out, row)
			if i := SidColumn(t); i >= 0 {
				if sid, ok := row[i].(string); ok {
					req.Sid = sid
				}
			}
		}
		done = append(done, req.Sid)
	}
	rows := &Rows{Ctx: ctx, Src: &SliceSource{Rows: out}, Limit: -1, Affected: int64(len(done))}
	if w.Verb != "DELETE" {
		for i, col := range t.Columns {
			rows.Cols = append(rows.Cols, ResultColumn{Name: col.Name, Type: col.Type, Nullable: col.Nullable})
			rows.Project = append(rows.Project, ColumnAt(i))
		}
	}
	return rows, nil
}

// listTargets reads every row the WHERE clause matches before the first
// write, so writing never shifts the pages still to be read.
func listTargets(ctx context.Context, env *Env, w *plan.Write) ([]plan.WriteRequest, error) {
	rows, err := Build(ctx, env, w.Target)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var reqs []plan.WriteRequest
	dest := make([]driver.Value, 1)
	for {
		err := rows.Next(dest)
		if err == io.EOF {
			if g := w.Guard; g != nil && g.Matched > 0 && g.Matched == g.Listed {
				return nil, g.Refuse(g.Listed, g.Matched)
			}
			return reqs, nil
		}
		if err != nil {
			return nil, err
		}
		row := append([]driver.Value(nil), dest[0].([]driver.Value)...)
		req, err := w.Build(row)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, req)
		if err := checkCount(w, len(reqs)); err != nil {
			return nil, err // stop listing: the statement is refused anyway
		}
	}
}

// checkCount enforces max_write_rows before the first write.
func checkCount(w *plan.Write, n int) error {
	if n <= w.MaxRows {
		return nil
	}
	what := fmt.Sprintf("%d", n)
	if w.Target != nil {
		what = fmt.Sprintf("more than %d", w.MaxRows)
	}
	return fmt.Errorf("twilio: %s %s would change %s rows, over max_write_rows=%d; nothing was changed: narrow the WHERE clause or raise max_write_rows in the DSN", w.Verb, w.Table.Name, what, w.MaxRows)
}
