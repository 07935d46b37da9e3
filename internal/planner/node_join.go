package planner

import "context"

// joinsNode joins the driving rows with the other tables of FROM, step by
// step (joinStep): keys looked up row by row, or counted first and each
// table listed once per key or read whole.
type joinsNode struct{ p *selectPlan }

func (joinsNode) name() string { return "join" }

func (n joinsNode) describe(x *explainer, prefix string) {
	p := n.p
	// The most driving rows there can be, when Sids bound them.
	outer := -1
	if p.access.bySid && p.access.deferred == nil {
		outer = len(p.access.sids)
	}
	for _, st := range p.joins {
		st.explain(x, prefix, p.env().PageSize, outer)
	}
}

func (n joinsNode) run(ctx context.Context, pl *pipeline) error {
	js := &joinSource{plan: n.p, env: pl.env, outer: pl.src}
	if err := js.prime(ctx); err != nil {
		return err // open closes pl.src, the outer rows
	}
	pl.src = js
	return nil
}

// correlatedNode runs the correlated subqueries while rows are read; when
// one could go either way (key by key, or its table read once) it reads
// the rows first to count their keys.
type correlatedNode struct{ p *selectPlan }

func (correlatedNode) name() string { return "correlated" }

func (n correlatedNode) describe(x *explainer, prefix string) {
	n.p.explainCorrelated(x, prefix)
}

func (n correlatedNode) run(ctx context.Context, pl *pipeline) error {
	if !n.p.countsKeys() {
		return nil
	}
	src, err := n.p.countKeys(ctx, pl.src)
	if err != nil {
		pl.src = nil // countKeys closed it
		return err
	}
	pl.src = src
	return nil
}
