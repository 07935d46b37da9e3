package planner

import "context"

// writeNode is an INSERT, UPDATE or DELETE: its target rows read (a
// SELECT's plan, for UPDATE and DELETE), then one request per resource.
type writeNode struct{ w *writePlan }

func (writeNode) name() string { return "write" }

func (n writeNode) describe(x *explainer, _ string) { n.w.explain(x) }

func (n writeNode) run(ctx context.Context, pl *pipeline) error {
	rows, err := n.w.run(ctx, pl.env)
	pl.rows = rows
	return err
}
