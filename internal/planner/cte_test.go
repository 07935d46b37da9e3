package planner

import (
	"strings"
	"testing"

	"github.com/xwb1989/sqlparser"
)

func TestRewriteWith(t *testing.T) {
	cases := []struct{ in, want string }{
		{"WITH a AS (SELECT Sid FROM Calls) SELECT * FROM a",
			"SELECT * FROM (SELECT Sid FROM Calls) AS `a`"},
		{"WITH a AS (SELECT Sid FROM Calls) SELECT * FROM a x WHERE x.Sid = 'a'",
			"SELECT * FROM (SELECT Sid FROM Calls) x WHERE x.Sid = 'a'"},
		{"WITH a AS (SELECT Sid FROM Calls) SELECT a.Sid FROM a AS a",
			"SELECT a.Sid FROM (SELECT Sid FROM Calls) AS a"},
		// Earlier CTEs inside later ones; a comma join; JOIN.
		{"WITH a AS (SELECT 1 AS n), b AS (SELECT n FROM a) SELECT * FROM a, b JOIN Calls c ON c.Sid = b.n",
			"SELECT * FROM (SELECT 1 AS n) AS `a`, (SELECT n FROM (SELECT 1 AS n) AS `a`) AS `b` JOIN Calls c ON c.Sid = b.n"},
		// Strings and comments holding WITH, parentheses and the name.
		{"WITH a AS (SELECT ')' AS p, 'WITH x AS (' AS q /* ) a */ FROM Calls -- ( FROM a\n) SELECT 'FROM a' FROM a",
			"SELECT 'FROM a' FROM (SELECT ')' AS p, 'WITH x AS (' AS q FROM Calls) AS `a`"},
		{"with `my cte` as (select `To` from Calls where Status = 'it''s') select * from `my cte`",
			"select * from (select `To` from Calls where Status = 'it''s') AS `my cte`"},
		// Nested parentheses and a subquery naming the CTE.
		{"WITH a AS (SELECT Sid FROM Calls WHERE (Duration > (1 + 2))) SELECT * FROM Calls WHERE Sid IN (SELECT Sid FROM a)",
			"SELECT * FROM Calls WHERE Sid IN (SELECT Sid FROM (SELECT Sid FROM Calls WHERE (Duration > (1 + 2))) AS `a`)"},
		// A column, a qualifier or a db-qualified table of the same name stays.
		{"WITH Status AS (SELECT 1 AS n) SELECT Status, Calls.Status FROM Calls, twilio.Status",
			"SELECT Status, Calls.Status FROM Calls, twilio.Status"},
		// A CTE does not see itself: Calls inside is the table.
		{"WITH Calls AS (SELECT Sid FROM Calls WHERE Status = 'busy') SELECT * FROM Calls",
			"SELECT * FROM (SELECT Sid FROM Calls WHERE Status = 'busy') AS `Calls`"},
		// Arguments keep their places when the text moves.
		{"WITH a AS (SELECT Sid FROM Calls WHERE Status = ?) SELECT * FROM Calls WHERE Duration > ? AND Sid IN (SELECT Sid FROM a)",
			"SELECT * FROM Calls WHERE Duration > :v2 AND Sid IN (SELECT Sid FROM (SELECT Sid FROM Calls WHERE Status = :v1) AS `a`)"},
		{"/* leading */ WITH a AS (SELECT 1 AS n) SELECT n FROM a UNION ALL SELECT n FROM a",
			"SELECT n FROM (SELECT 1 AS n) AS `a` UNION ALL SELECT n FROM (SELECT 1 AS n) AS `a`"},
	}
	for _, c := range cases {
		if !startsWithWith(c.in) {
			t.Errorf("startsWithWith(%q) = false", c.in)
			continue
		}
		got, err := rewriteWith(c.in)
		if err != nil {
			t.Errorf("rewriteWith(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("rewriteWith(%q)\n got  %s\n want %s", c.in, got, c.want)
		}
		if _, err := sqlparser.Parse(got); err != nil {
			t.Errorf("rewriteWith(%q) = %q, which does not parse: %v", c.in, got, err)
		}
	}
}

func TestRewriteWithErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"WITH RECURSIVE a AS (SELECT 1) SELECT * FROM a", "WITH RECURSIVE is not supported"},
		{"with recursive a as (select 1) select * from a", "WITH RECURSIVE is not supported"},
		{"WITH a (n) AS (SELECT 1) SELECT * FROM a", "name the columns inside the query"},
		{"WITH a (SELECT 1) SELECT * FROM a", "needs AS (SELECT …)"},
		{"WITH a AS SELECT 1 SELECT * FROM a", "in parentheses"},
		{"WITH a AS (SELECT (1) SELECT * FROM a", "never closed"},
		{"WITH a AS (SELECT 1), a AS (SELECT 2) SELECT * FROM a", "names a twice"},
		{"WITH a AS (SELECT 1)", "needs a statement after"},
		{"WITH AS (SELECT 1) SELECT 1", "needs a name"},
		{"WITH a AS (SELECT 'x) SELECT * FROM a", "unclosed quote"},
		{"WITH a AS (SELECT /*! 1 */ 2) SELECT * FROM a", "MySQL-specific comments"},
		{"WITH a AS (SELECT 1) WITH b AS (SELECT 2) SELECT 1", "a second WITH"},
	}
	for _, c := range cases {
		_, err := rewriteWith(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("rewriteWith(%q) error = %v, want it to contain %q", c.in, err, c.want)
		}
	}
}

// FuzzRewriteWith: any text either is refused with an error or becomes
// text with no WITH left at its head; nothing panics.
func FuzzRewriteWith(f *testing.F) {
	for _, s := range []string{
		"WITH a AS (SELECT 1) SELECT * FROM a",
		"WITH a AS (SELECT ')' FROM Calls -- (\n) SELECT * FROM a, a b",
		"WITH a AS (SELECT ?), b AS (SELECT * FROM a WHERE x = ?) SELECT * FROM b JOIN a ON 1",
		"WITH `x``y` AS (SELECT \"a\") SELECT 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !startsWithWith(s) {
			return
		}
		out, err := rewriteWith(s)
		if err != nil {
			return
		}
		if startsWithWith(out) {
			t.Errorf("rewriteWith(%q) = %q still starts with WITH", s, out)
		}
	})
}
