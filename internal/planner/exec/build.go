package exec

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
)

// Build runs a plan tree: each node becomes a row iterator over the
// iterators of its children (one type switch, as go-mysql-server's
// rowexec builder), and the tree's top its result. The first page of the
// listing read first is fetched before it returns, so request errors
// surface here.
//
// A Project reads its child's rows through the filter below it in one
// loop (Rows: filter, projection, OFFSET, LIMIT), the Limit above it sets
// that loop's OFFSET and LIMIT and a Sort holds its result (Hold): the
// nodes of a plain query add no iterator of their own per row.
func Build(ctx context.Context, env *Env, n plan.Node) (*Rows, error) {
	switch n := n.(type) {
	case *plan.Subqueries:
		if n.Started != nil {
			n.Started(ctx)
		}
		for _, q := range n.Queries {
			if err := RunSubquery(ctx, env, q); err != nil {
				return nil, err
			}
		}
		return Build(ctx, env, n.Child)
	case *plan.Limit:
		if n.Limit == 0 {
			return &Rows{Ctx: ctx, Cols: ColumnsOf(n.Child), Src: &SliceSource{}, Limit: 0}, nil
		}
		rows, err := Build(ctx, env, n.Child)
		if err != nil {
			return nil, err
		}
		rows.Offset, rows.Limit = n.Offset, n.Limit
		return rows, nil
	case *plan.Sort:
		stream, err := Build(ctx, env, n.Child)
		if err != nil {
			return nil, err
		}
		return Hold(stream, stream.Cols, stream.Project, n.Keys, n.Distinct)
	case *plan.Project:
		src, filter, err := buildFiltered(ctx, env, n.Child)
		if err != nil {
			return nil, err
		}
		return &Rows{Ctx: ctx, Cols: n.Columns, Src: src, Filter: filter, Project: n.Exprs, Limit: -1}, nil
	case *plan.Write:
		return runWrite(ctx, env, n)
	case *plan.Union:
		src, err := openUnion(ctx, env, n)
		if err != nil {
			return nil, err
		}
		return &Rows{Ctx: ctx, Cols: n.Columns, Src: src, Project: columnsAt(len(n.Columns)), Limit: -1}, nil
	}
	return nil, fmt.Errorf("twilio: internal: %s does not make a result", n)
}

// ColumnsOf are the columns of the result a query's tree makes.
func ColumnsOf(n plan.Node) []ResultColumn {
	switch n := n.(type) {
	case *plan.Project:
		return n.Columns
	case *plan.Union:
		return n.Columns
	case *plan.Derived:
		return n.Columns
	}
	if kids := n.Children(); len(kids) == 1 {
		return ColumnsOf(kids[0])
	}
	if l, ok := n.(*plan.Limit); ok {
		return ColumnsOf(l.Child)
	}
	return nil
}

func columnsAt(n int) []eval.EvalFunc {
	out := make([]eval.EvalFunc, n)
	for i := range out {
		out[i] = ColumnAt(i)
	}
	return out
}

// buildFiltered builds a node whose rows a Rows reads, taking a Filter on
// top of it into that loop.
func buildFiltered(ctx context.Context, env *Env, n plan.Node) (Source, eval.EvalFunc, error) {
	if f, ok := n.(*plan.Filter); ok {
		src, err := BuildSource(ctx, env, f.Child)
		return src, f.Cond, err
	}
	src, err := BuildSource(ctx, env, n)
	return src, nil, err
}

// BuildSource turns a node whose rows are a table's (a leaf, a join, a
// derived table, groups) into its row iterator.
func BuildSource(ctx context.Context, env *Env, n plan.Node) (Source, error) {
	switch n := n.(type) {
	case *plan.Scan:
		return openScan(ctx, env, n, nil)
	case *plan.RangeScan:
		rs, _ := n.Slices.(*RangeScan)
		return openScan(ctx, env, n.Listing, rs)
	case *plan.MergedListing:
		if NeedsPathKeys(n.Table, n.Queries) {
			return OpenKeyed(ctx, env, n.Table, n.Queries, n.PageSize, n.Fresh)
		}
		uris := make([]string, len(n.Queries))
		for i, q := range n.Queries {
			uris[i] = firstPageURI(env, n.Table.ListPath, q, n.PageSize)
		}
		return OpenMerged(ctx, env, n.Table, uris, n.Fresh)
	case *plan.Get:
		src := &GetSource{Client: env.Client, Table: n.Table, Decoder: NewDecoder(n.Table), Sids: append([]string(nil), n.Sids...)}
		if err := src.Prime(ctx); err != nil {
			return nil, err
		}
		return src, nil
	case *plan.Empty:
		return &SliceSource{}, nil
	case *plan.Values:
		return &SliceSource{Rows: n.Rows()}, nil
	case *plan.Deferred:
		leaf, err := n.Resolve()
		if err != nil {
			return nil, err
		}
		return BuildSource(ctx, env, leaf)
	case *plan.Derived:
		rows, err := Build(ctx, env, n.Child)
		if err != nil {
			return nil, err
		}
		rows.Inner = true // a DECIMAL stays exact for the query reading it
		return &rowsSource{rows: rows, width: len(n.Columns), fresh: n.Fresh}, nil
	case *plan.Join:
		return openJoin(ctx, env, n)
	case *plan.Filter:
		src, err := BuildSource(ctx, env, n.Child)
		if err != nil {
			return nil, err
		}
		return &filterSource{src: src, cond: n.Cond}, nil
	case *plan.Aggregate:
		src, filter, err := buildFiltered(ctx, env, n.Child)
		if err != nil {
			return nil, err
		}
		groups, err := groupRows(ctx, n, src, filter)
		if err != nil {
			return nil, err
		}
		return &SliceSource{Rows: groups}, nil
	case *plan.Correlated:
		src, err := BuildSource(ctx, env, n.Child)
		if err != nil || n.Count == nil {
			return src, err
		}
		rows, err := readAll(ctx, src, true)
		if err != nil {
			return nil, err
		}
		if err := n.Count(rows); err != nil {
			return nil, err
		}
		return &SliceSource{Rows: rows}, nil
	}
	return nil, fmt.Errorf("twilio: internal: %s is not a source of rows", n)
}

// openScan reads a listing, its first page fetched now; then page after
// page as Ahead says, or as the time slices of rs when it is a range scan
// and a page follows the first.
func openScan(ctx context.Context, env *Env, n *plan.Scan, rs *RangeScan) (Source, error) {
	lists := []url.Values{n.Query}
	if NeedsPathKeys(n.Table, lists) {
		return OpenKeyed(ctx, env, n.Table, lists, n.PageSize, n.Fresh)
	}
	src := NewListSource(env.Client, n.Table, firstPageURI(env, n.Table.ListPath, n.Query, n.PageSize))
	src.Fresh = n.Fresh
	if err := src.Fetch(ctx); err != nil {
		return nil, err
	}
	if src.NextURI == "" || src.Ahead != nil || n.Ahead == plan.OnDemand {
		// No page follows, or every row read is returned up to a LIMIT:
		// the pages it needs are read on demand, none past it.
		return src, nil
	}
	if ps := NewParallelScan(ctx, env, rs, src); ps != nil {
		return ps, nil
	}
	src.PrefetchAt = len(src.Items)
	if n.Ahead == plan.PrefetchHalf {
		src.PrefetchAt = len(src.Items) / 2
	}
	return src, nil
}

func firstPageURI(env *Env, path string, q url.Values, pageSize int) string {
	q = CloneValues(q)
	q.Set("PageSize", strconv.Itoa(pageSize))
	return env.Client.FirstPageURI(path, q)
}

// RunSubquery runs an uncorrelated subquery once, keeping the first
// column of its rows.
func RunSubquery(ctx context.Context, env *Env, q *plan.Subquery) error {
	if q.Ran {
		return nil
	}
	rows, err := Build(ctx, env, q.Tree)
	if err != nil {
		return err
	}
	rows.Inner = true // a DECIMAL stays exact: (SELECT 0.1) + 0.2 = 0.3
	defer rows.Close()
	dest := make([]driver.Value, len(rows.Columns()))
	q.Values = nil
	for {
		err := rows.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		q.Values = append(q.Values, dest[0])
	}
	q.Ran = true
	return nil
}

// readAll reads every row of src and closes it; each row is copied unless
// the source already hands out new ones.
func readAll(ctx context.Context, src Source, copyRows bool) ([][]driver.Value, error) {
	defer src.Close()
	var rows [][]driver.Value
	for {
		row, err := src.Next(ctx)
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		if copyRows {
			row = append([]driver.Value(nil), row...)
		}
		rows = append(rows, row)
	}
}

// filterSource passes the rows for which cond is true.
type filterSource struct {
	src  Source
	cond eval.EvalFunc
}

func (s *filterSource) Next(ctx context.Context) ([]driver.Value, error) {
	for {
		row, err := s.src.Next(ctx)
		if err != nil {
			return nil, err
		}
		if s.cond == nil {
			return row, nil
		}
		v, err := s.cond(row)
		if err != nil {
			return nil, err
		}
		if ok, _ := eval.Truth(v); ok {
			return row, nil
		}
	}
}

func (s *filterSource) Close() { s.src.Close() }
