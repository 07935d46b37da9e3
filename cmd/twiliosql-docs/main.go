// Command twiliosql-docs prints the Markdown table reference of the twilio
// driver, generated from the schema catalog:
//
//	go run ./cmd/twiliosql-docs > docs/TABLES.md
//
// A test in this package fails when docs/TABLES.md is stale.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/twiliosql/twiliosql/schema"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	render(w, schema.Tables())
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "twiliosql-docs:", err)
		os.Exit(1)
	}
}

// regenerate is the command that rewrites the reference.
const regenerate = "go run ./cmd/twiliosql-docs > docs/TABLES.md"

// render writes the reference of tables as Markdown.
func render(w io.Writer, tables []*schema.Table) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }

	p("# Table reference\n\n")
	p("<!-- Generated from the schema catalog by `%s`. Do not edit. -->\n\n", regenerate)
	p("Every table is a Twilio REST resource of the 2010-04-01 API. Names of tables,\n")
	p("columns and parameters are matched without regard to case. `To` and `From`\n")
	p("are reserved words in SQL: write them in backticks (`` `To` ``).\n\n")
	p("- A **pushed-down filter** is sent to Twilio as a query parameter, so Twilio\n")
	p("  returns fewer pages. Every other condition of a WHERE clause is evaluated by\n")
	p("  the driver on the rows as they stream in, so any WHERE clause works; it only\n")
	p("  costs more requests. `Sid = …` and `Sid IN (…)` fetch rows one by one on\n")
	p("  every table that serves SELECT.\n")
	p("- An **exact** filter is answered by Twilio exactly as SQL would. The others\n")
	p("  return a superset (dates compared by whole day, partial phone numbers) and\n")
	p("  the driver re-checks every row, so results are always exact. When every\n")
	p("  condition is an exact filter, a LIMIT also shrinks the page Twilio sends.\n")
	p("- INSERT columns and UPDATE assignments name **parameters** of Twilio's create\n")
	p("  and update requests, not columns. A **list** parameter takes a JSON array or\n")
	p("  a comma-separated list and is sent as a repeated form key.\n")
	p("- UPDATE and DELETE with `WHERE Sid = …` (or `Sid IN (…)`) send one request\n")
	p("  per Sid; with any other WHERE clause they first list the matching rows, then\n")
	p("  write them one by one. Twilio has no transactions: a failure part way is\n")
	p("  reported with the Sids already changed.\n\n")

	p("| Table | Aliases | Statements | Description |\n|---|---|---|---|\n")
	for _, t := range tables {
		p("| [%s](#%s) | %s | %s | %s |\n", t.Name, anchor(t.Name), orDash(codeList(t.Aliases)),
			strings.Join(t.OperationNames(), ", "), cell(t.Description))
	}
	p("\n")

	for _, t := range tables {
		p("## %s\n\n", t.Name)
		p("%s\n\n", t.Description)
		if len(t.Aliases) > 0 {
			p("- Also named: %s\n", codeList(t.Aliases))
		}
		p("- Statements: %s\n", operations(t))
		if len(t.SidPrefixes) > 0 {
			p("- Sid: %s followed by 32 hex digits\n", codeOrList(t.SidPrefixes))
		}
		if t.ItemKey != "" {
			p("- A row is identified by `%s`\n", t.ItemKey)
		}
		if len(t.Keys) > 0 {
			p("- Key columns (filled into the path; `=`, `IN`, a subquery or a join gives them): %s\n", keyList(t))
		}
		if t.Singleton {
			p("- One row per set of key columns: SELECT fetches it, no list\n")
		}
		p("- Endpoints (under `/2010-04-01/Accounts/{AccountSid}/`): %s\n\n", endpoints(t))

		p("### Columns\n\n")
		p("| Column | Type | Nullable | Twilio field | Aliases |\n|---|---|---|---|---|\n")
		for _, c := range t.Columns {
			p("| `%s` | %s | %s | `%s` | %s |\n", c.Name, c.Type, yesNo(c.Nullable), c.Field, orDash(codeList(c.Aliases)))
		}
		p("\n")

		p("### Filters pushed down to Twilio\n\n")
		if !t.Supports(schema.List) && t.Singleton {
			p("Only the key columns.\n\n")
		} else if !t.Supports(schema.List) {
			p("None: %s has no list endpoint. SELECT needs `WHERE Sid = '…'` or `Sid IN (…)`.\n\n", t.Name)
		} else {
			p("| Column | Operators | Twilio parameter | Notes |\n|---|---|---|---|\n")
			if _, ok := t.Column("Sid"); ok && t.Supports(schema.Get) {
				p("| `Sid` | `=`, `IN` | (fetch by Sid) | one request per Sid |\n")
			}
			for _, f := range t.Filters {
				d := f.Describe()
				p("| `%s` | %s | %s | %s |\n", f.Column, codeList(d.Operators), codeList(d.Params), cell(strings.Join(d.Matching, "; ")))
			}
			p("\n")
		}

		if t.Supports(schema.Create) {
			p("### INSERT parameters\n\n")
			params(p, t.CreateParams)
		}
		if t.Supports(schema.Update) {
			p("### UPDATE parameters\n\n")
			params(p, t.UpdateParams)
		}
	}
}

func params(p func(string, ...any), ps []schema.Param) {
	if len(ps) == 0 {
		p("None.\n\n")
		return
	}
	p("| Parameter | Type | Required | Notes |\n|---|---|---|---|\n")
	for _, x := range ps {
		var notes []string
		if x.Multi {
			notes = append(notes, "list: a JSON array or a comma-separated list")
		}
		if x.InPath {
			notes = append(notes, "goes into the request path")
		}
		p("| `%s` | %s | %s | %s |\n", x.Name, x.Type, yesNo(x.Required), orDash(strings.Join(notes, "; ")))
	}
	p("\n")
}

// keyList names a table's key columns and where their values come from
// when a query does not give them.
func keyList(t *schema.Table) string {
	var out []string
	for _, k := range t.Keys {
		switch {
		case k.Parent != "":
			out = append(out, fmt.Sprintf("`%s` (else every `%s.%s`, listed first)", k.Column, k.Parent, k.ParentColumn))
		case k.Param == "AccountSid":
			out = append(out, "`AccountSid` (else the DSN's account; `IN (SELECT Sid FROM Accounts)` reads every subaccount)")
		default:
			out = append(out, "`"+k.Column+"`")
		}
	}
	return strings.Join(out, ", ")
}

func operations(t *schema.Table) string {
	var out []string
	if t.Supports(schema.List) {
		out = append(out, "SELECT (list)")
	}
	nested := slices.ContainsFunc(t.Keys, func(k schema.PathKey) bool { return k.Parent != "" })
	switch {
	case t.Singleton:
		out = append(out, "SELECT (one fetch)")
	case t.Supports(schema.Get) && t.ItemKey != "":
		out = append(out, "SELECT by "+t.ItemKey+" under its parent's key")
	case t.Supports(schema.Get) && nested:
		out = append(out, "SELECT by Sid under its parent's key")
	case t.Supports(schema.Get):
		out = append(out, "SELECT by Sid")
	}
	for _, o := range []struct {
		op   schema.Operation
		name string
	}{{schema.Create, "INSERT"}, {schema.Update, "UPDATE"}, {schema.Delete, "DELETE"}} {
		if t.Supports(o.op) {
			out = append(out, o.name)
		}
	}
	return strings.Join(out, ", ")
}

func endpoints(t *schema.Table) string {
	var out []string
	if t.Supports(schema.List) {
		out = append(out, "`GET "+t.ListPath+"`")
	}
	if t.Supports(schema.Get) {
		out = append(out, "`GET "+t.ItemPath+"`")
	}
	if t.Supports(schema.Create) {
		out = append(out, "`POST "+t.CreatePath+"`")
	}
	if t.Supports(schema.Update) {
		out = append(out, "`POST "+t.ItemPath+"`")
	}
	if t.Supports(schema.Delete) {
		out = append(out, "`DELETE "+t.ItemPath+"`")
	}
	return strings.Join(out, ", ")
}

func anchor(name string) string { return strings.ToLower(name) }

func codeList(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "`" + x + "`"
	}
	return strings.Join(out, ", ")
}

func codeOrList(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "`" + x + "`"
	}
	return strings.Join(out, " or ")
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
