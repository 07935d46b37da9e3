package driver_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the reference engine

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// TestDifferentialDerivedSQLite runs derived tables, UNION, RIGHT JOIN,
// correlated subqueries and common table expressions through the driver
// and through SQLite loaded with the same rows (the harness of
// differential_test.go: loadReference, runDriver, runLite, compareResults,
// which also compares column names and types). Where SQLite's syntax
// differs, the query is written twice: SQLite has no UNION DISTINCT (it is
// UNION) and no parenthesised UNION branches (a derived table instead). A
// LIMIT without ORDER BY picks any rows, so those queries count them.
func TestDifferentialDerivedSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test skipped in -short mode")
	}
	db, srv := testdb.Open(t, testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 200, Messages: 250, Recordings: 60})), testdb.DSN("nodes=50"))
	lite, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	lite.SetMaxOpenConns(1)
	t.Cleanup(func() { lite.Close() })
	data := loadReference(t, srv, lite)

	queries := derivedHandWritten()
	g := &derivedGen{r: rand.New(rand.NewPCG(9, 2026)), data: data}
	queries = append(queries, g.queries(170, keepFewEmpty(t, lite))...)
	runDifferential(t, db, lite, queries, 120)
}

func derivedHandWritten() []dialect {
	d := func(what, my, lite string, ordered bool) dialect {
		if lite == "" {
			lite = my
		}
		return dialect{my: my, lite: lite, ordered: ordered, what: what}
	}
	return []dialect{
		// Derived tables, filters and LIMIT pushed in.
		d("derived", "SELECT * FROM (SELECT * FROM Calls) s WHERE Status = 'busy'", "", false),
		d("derived", "SELECT COUNT(*) FROM (SELECT * FROM Calls WHERE Status = 'busy') s", "", false),
		d("derived", "SELECT COUNT(*) FROM (SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 5) s", "", false),
		d("derived", "SELECT COUNT(*) FROM (SELECT * FROM (SELECT * FROM Calls) a WHERE Status = 'completed' LIMIT 7) b", "", false),
		d("derived", "SELECT COUNT(*) FROM (SELECT Sid FROM Calls LIMIT 10 OFFSET 5) s", "", false),
		d("derived", "SELECT COUNT(*) FROM (SELECT * FROM Calls) s WHERE Status = 'busy' LIMIT 5", "", false),
		d("derived", "SELECT s.Sid, s.d FROM (SELECT Sid, Duration d FROM Calls WHERE Direction = 'inbound') s WHERE s.d > 30", "", false),
		d("derived", "SELECT x, n FROM (SELECT Status x, COUNT(*) n FROM Calls GROUP BY Status) s WHERE n > 10 ORDER BY x", "", true),
		d("derived", "SELECT x, n FROM (SELECT Status AS x, COUNT(*) AS n FROM Calls GROUP BY Status) s ORDER BY n DESC, x LIMIT 3", "", true),
		d("derived", "SELECT COUNT(*) FROM (SELECT DISTINCT Status FROM Calls) s", "", false),
		d("derived", "SELECT * FROM (SELECT Status, COUNT(*) AS n, AVG(Duration) FROM Calls GROUP BY Status) s WHERE Status = 'busy'", "SELECT * FROM (SELECT Status, COUNT(*) AS n, round(AVG(Duration), 4) FROM Calls GROUP BY Status) s WHERE Status = 'busy'", false),
		d("derived", "SELECT * FROM (SELECT Direction d, Status, COUNT(*) AS n FROM Calls GROUP BY 1, Status HAVING COUNT(*) > 2) s WHERE d = 'inbound' AND n < 100 AND Status <> 'completed'", "", false),
		d("derived", "SELECT * FROM (SELECT LOWER(Status) AS ls, MAX(Duration) AS m FROM Calls GROUP BY LOWER(Status)) s WHERE ls LIKE 'b%' OR m > 1000", "", false),
		d("derived", "SELECT d2 FROM (SELECT Duration * 2 AS d2 FROM Calls WHERE Status = 'completed') s WHERE d2 > 100", "", false),
		d("derived", "SELECT * FROM (SELECT Sid, Status FROM Calls WHERE Status IN ('busy', 'failed')) s WHERE Status <> 'busy'", "", false),
		d("derived", "SELECT * FROM (SELECT DISTINCT Direction, AnsweredBy FROM Calls) s WHERE AnsweredBy IS NOT NULL", "", false),
		d("derived", "SELECT Status, COUNT(*) FROM (SELECT * FROM Calls WHERE Duration > 10) s GROUP BY Status ORDER BY Status", "", true),
		d("derived", "SELECT * FROM (SELECT Sid, Duration FROM Calls ORDER BY Duration DESC, Sid LIMIT 10) s ORDER BY Sid", "", true),
		d("derived", "SELECT * FROM (SELECT Sid, Duration FROM Calls ORDER BY Duration DESC, Sid LIMIT 10) s WHERE Duration > 100 ORDER BY Sid", "", true),
		d("derived", "SELECT AVG(n) FROM (SELECT COUNT(*) n FROM Messages GROUP BY `From`) s", "SELECT round(AVG(n), 4) FROM (SELECT COUNT(*) n FROM Messages GROUP BY `From`) s", false), // AVG of integers: DECIMAL of scale 4
		d("derived", "SELECT s.Sid FROM (SELECT Sid, `To` FROM Messages WHERE Direction = 'inbound') s WHERE s.`To` LIKE '+1%'", "", false),
		d("derived", "SELECT MAX(p), MIN(p) FROM (SELECT Price p FROM Calls WHERE Price IS NOT NULL) s", "", false),
		d("derived", "SELECT COUNT(*) FROM (SELECT * FROM (SELECT * FROM (SELECT Sid, Status FROM Calls) a WHERE Status <> 'busy') b WHERE Status <> 'failed') c", "", false),
		d("derived", "SELECT Sid FROM Calls WHERE Sid IN (SELECT CallSid FROM (SELECT CallSid, Duration FROM Recordings) r WHERE Duration > 100)", "", false),
		d("derived", "SELECT s.Sid, r.Sid FROM (SELECT Sid FROM Calls WHERE Status = 'completed') s JOIN Recordings r ON r.CallSid = s.Sid", "", false),
		d("derived", "SELECT c.Sid, s.n FROM Calls c JOIN (SELECT CallSid, COUNT(*) n FROM Recordings GROUP BY CallSid) s ON s.CallSid = c.Sid", "", false),
		d("derived", "SELECT c.Sid, s.Sid FROM Calls c LEFT JOIN (SELECT Sid, CallSid FROM Recordings WHERE Channels = 2) s ON s.CallSid = c.Sid WHERE c.Status = 'completed'", "", false),
		d("derived", "SELECT c.Sid, s.n FROM Calls c JOIN (SELECT CallSid, COUNT(*) AS n FROM Recordings GROUP BY CallSid) s ON s.CallSid = c.Sid WHERE c.Status IN ('busy', 'completed') AND c.Direction = 'inbound'", "", false),
		d("derived", "SELECT c.Sid, s.n FROM Calls c LEFT JOIN (SELECT CallSid, COUNT(*) AS n FROM Recordings WHERE Duration > 10 GROUP BY CallSid) s ON s.CallSid = c.Sid WHERE c.Status = 'completed' ORDER BY c.Sid LIMIT 20", "", true),
		d("derived", "SELECT m.Sid, s.Sid FROM Messages m JOIN (SELECT Sid, `To` FROM Calls WHERE Direction = 'inbound') s ON s.`To` = m.`From` WHERE m.Direction = 'outbound-api' AND m.Status = 'failed'", "", false),
		d("derived", "SELECT c.Sid, s.Sid FROM Calls c LEFT JOIN (SELECT Sid, CallSid, Channels FROM Recordings) s ON s.CallSid = c.Sid AND s.Channels = 2 WHERE c.Direction = 'inbound'", "", false),
		d("derived", "SELECT s.Sid, t.r FROM (SELECT Sid FROM Calls WHERE Status = 'busy') s, (SELECT CallSid AS r FROM Recordings) t WHERE s.Sid = t.r", "", false),
		d("derived", "SELECT k, COUNT(*) FROM (SELECT Status k FROM Calls UNION ALL SELECT Status FROM Messages) u GROUP BY k ORDER BY k", "", true),
		d("derived", "SELECT * FROM (SELECT Status FROM Calls UNION SELECT Status FROM Messages) u WHERE Status LIKE '%e%'", "", false),
		d("derived", "SELECT COUNT(*), SUM(d) FROM (SELECT Duration d FROM Calls WHERE Status = 'busy' UNION ALL SELECT Duration FROM Recordings) u", "", false),
		d("derived", "SELECT Sid FROM (SELECT Sid, Duration FROM Calls UNION ALL SELECT Sid, Duration FROM Recordings) u WHERE Duration > 500", "", false),
		// UNION.
		d("union", "SELECT Sid FROM Calls WHERE Status = 'busy' UNION ALL SELECT Sid FROM Calls WHERE Status = 'failed'", "", false),
		d("union", "SELECT Status FROM Calls UNION SELECT Status FROM Messages ORDER BY 1", "", true),
		d("union", "SELECT Status FROM Calls UNION DISTINCT SELECT Direction FROM Calls ORDER BY Status DESC", "SELECT Status FROM Calls UNION SELECT Direction FROM Calls ORDER BY Status DESC", true),
		d("union", "SELECT Direction FROM Calls UNION ALL SELECT Direction FROM Messages UNION SELECT Status FROM Recordings ORDER BY 1", "", true),
		d("union", "SELECT Direction FROM Calls UNION SELECT Direction FROM Messages UNION ALL SELECT Source FROM Recordings", "", false),
		d("union", "SELECT Sid, Duration FROM Calls WHERE Status = 'busy' UNION ALL SELECT Sid, Duration FROM Recordings ORDER BY Duration DESC, Sid LIMIT 10", "", true),
		d("union", "SELECT Sid FROM Calls UNION ALL SELECT Sid FROM Messages ORDER BY Sid LIMIT 5 OFFSET 3", "", true),
		d("union", "SELECT COUNT(*) FROM (SELECT Sid FROM Calls UNION ALL SELECT Sid FROM Messages LIMIT 7) u", "", false),
		d("union", "SELECT COUNT(*) FROM (SELECT Sid FROM Calls WHERE Status = 'failed' UNION ALL SELECT Sid FROM Messages LIMIT 250) u", "", false),
		d("union", "(SELECT Sid FROM Calls ORDER BY Sid LIMIT 3) UNION ALL (SELECT Sid FROM Messages ORDER BY Sid DESC LIMIT 2)",
			"SELECT * FROM (SELECT Sid FROM Calls ORDER BY Sid LIMIT 3) UNION ALL SELECT * FROM (SELECT Sid FROM Messages ORDER BY Sid DESC LIMIT 2)", false),
		d("union", "SELECT `To` AS n FROM Calls WHERE Direction = 'inbound' UNION SELECT `From` FROM Messages WHERE Direction = 'inbound' ORDER BY n", "", true),
		d("union", "SELECT Status, COUNT(*) FROM Calls GROUP BY Status UNION ALL SELECT Status, COUNT(*) FROM Messages GROUP BY Status ORDER BY 1, 2", "", true),
		d("union", "SELECT Sid FROM Calls WHERE Status = 'zz' UNION SELECT Sid FROM Messages WHERE Status = 'zz'", "", false),
		d("union", "SELECT 1 AS a UNION ALL SELECT 2 UNION SELECT 2 ORDER BY a", "", true),
		d("union", "SELECT 1 AS a UNION ALL SELECT 1 UNION ALL SELECT 2", "", false),
		d("union", "SELECT Sid FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings UNION SELECT ParentCallSid FROM Calls)", "", false),
		d("union", "SELECT Status FROM Calls WHERE Status LIKE 'b%' UNION ALL SELECT Status FROM Messages WHERE Status LIKE 'f%' UNION ALL SELECT Status FROM Recordings WHERE Status LIKE 'c%'", "", false),
		d("union", "SELECT Sid, StartTime FROM Calls WHERE Status = 'busy' UNION ALL SELECT Sid, DateSent FROM Messages WHERE Status = 'failed' ORDER BY 2 DESC, 1 LIMIT 8", "", true),
		// RIGHT JOIN.
		d("right", "SELECT c.Sid, r.Sid FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid", "", false),
		d("right", "SELECT c.Sid, r.Sid FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid WHERE c.Status = 'completed' AND r.Sid IS NULL", "", false),
		d("right", "SELECT COUNT(*), COUNT(r.Sid) FROM Recordings r RIGHT OUTER JOIN Calls c ON r.CallSid = c.Sid", "", false),
		d("right", "SELECT * FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid AND r.Channels = 2 WHERE c.Direction = 'inbound'", "", false),
		d("right", "SELECT c.Status, COUNT(r.Sid) FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid GROUP BY c.Status ORDER BY c.Status", "", true),
		d("right", "SELECT p.Sid, k.Sid FROM Calls k RIGHT JOIN Calls p ON k.ParentCallSid = p.Sid WHERE p.Direction = 'inbound'", "", false),
		d("right", "SELECT r.Sid, c.Sid, m.Sid FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid JOIN Messages m ON m.`To` = c.`To` WHERE c.Status = 'busy'", "", false),
		d("right", "SELECT s.Sid, c.Sid FROM (SELECT Sid, CallSid FROM Recordings WHERE Duration > 100) s RIGHT JOIN Calls c ON s.CallSid = c.Sid WHERE c.Status IN ('busy', 'completed')", "", false),
		d("right", "SELECT c.Sid, r.Sid FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid ORDER BY c.Sid, r.Sid LIMIT 12", "", true),
		// Correlated subqueries.
		d("correlated", "SELECT c.Sid FROM Calls c WHERE EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid)", "", false),
		d("correlated", "SELECT c.Sid FROM Calls c WHERE NOT EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid) AND c.Status = 'completed'", "", false),
		d("correlated", "SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c WHERE c.Status = 'completed'", "", false),
		d("correlated", "SELECT c.Sid, (SELECT MAX(r.Duration) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c", "", false),
		d("correlated", "SELECT Sid FROM Calls c WHERE Duration > (SELECT AVG(Duration) FROM Calls k WHERE k.Status = c.Status)", "", false),
		d("correlated", "SELECT Sid FROM Calls c WHERE Duration >= (SELECT MAX(k.Duration) FROM Calls k WHERE k.Direction = c.Direction)", "", false),
		d("correlated", "SELECT c.Sid FROM Calls c WHERE c.Sid IN (SELECT r.CallSid FROM Recordings r WHERE r.Duration > c.Duration)", "", false),
		d("correlated", "SELECT c.Sid FROM Calls c WHERE c.Sid NOT IN (SELECT r.CallSid FROM Recordings r WHERE r.Channels = 2 AND r.CallSid = c.Sid)", "", false),
		d("correlated", "SELECT r.Sid FROM Recordings r WHERE EXISTS (SELECT 1 FROM Calls c WHERE c.Sid = r.CallSid AND c.Status = 'completed')", "", false),
		d("correlated", "SELECT r.Sid, (SELECT c.Status FROM Calls c WHERE c.Sid = r.CallSid) FROM Recordings r", "", false),
		d("correlated", "SELECT Status, COUNT(*) FROM Calls c WHERE EXISTS (SELECT 1 FROM Calls k WHERE k.ParentCallSid = c.Sid) GROUP BY Status ORDER BY Status", "", true),
		d("correlated", "SELECT Sid FROM Calls c WHERE (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) > 1", "", false),
		d("correlated", "SELECT Sid FROM Messages m WHERE EXISTS (SELECT 1 FROM Calls c WHERE c.`From` = m.`To`)", "", false),
		d("correlated", "SELECT c.Sid FROM Calls c WHERE EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid AND r.Duration >= (SELECT AVG(r2.Duration) FROM Recordings r2 WHERE r2.CallSid = c.Sid))", "", false),
		d("correlated", "SELECT c.Sid FROM Calls c WHERE EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid UNION ALL SELECT 1 FROM Calls k WHERE k.ParentCallSid = c.Sid)", "", false),
		d("correlated", "SELECT Sid FROM Calls c WHERE Status = 'completed' AND Duration < (SELECT AVG(Duration) FROM Calls)", "", false),
		d("correlated", "SELECT m.Sid FROM Messages m WHERE m.NumSegments > (SELECT AVG(k.NumSegments) FROM Messages k WHERE k.Direction = m.Direction AND k.Status = m.Status)", "", false),
		d("correlated", "SELECT n.PhoneNumber, (SELECT COUNT(*) FROM Calls c WHERE c.`To` = n.PhoneNumber) AS calls FROM InboundPhoneNumbers n", "", false),
		d("correlated", "SELECT c.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE r.Duration = (SELECT MAX(x.Duration) FROM Recordings x WHERE x.CallSid = c.Sid)", "", false),
		d("correlated", "SELECT c.Status, COUNT(*) FROM Calls c GROUP BY c.Status HAVING COUNT(*) > (SELECT COUNT(*) FROM Messages m WHERE m.Status = c.Status) ORDER BY 1", "", true),
		d("correlated", "SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c ORDER BY c.Sid LIMIT 3", "", true),
		d("correlated", "SELECT c.Sid FROM Calls c WHERE c.Direction = 'inbound' ORDER BY (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) DESC, c.Sid LIMIT 10", "", true),
		d("correlated", "SELECT COUNT(*) FROM Calls c WHERE EXISTS (SELECT 1 FROM (SELECT CallSid FROM Recordings) r WHERE r.CallSid = c.Sid)", "", false),
		d("correlated", "SELECT c.Status, (SELECT COUNT(*) FROM Messages m WHERE m.Status = c.Status) AS n FROM Calls c GROUP BY c.Status ORDER BY 1", "", true),
		d("derived", "SELECT COUNT(*) FROM (SELECT Sid FROM Calls WHERE Duration > 10 LIMIT 20) s", "", false),
		d("union", "SELECT COUNT(*) FROM (SELECT Sid, Status FROM Calls UNION ALL SELECT Sid, Status FROM Messages) u WHERE Status IN ('busy', 'failed')", "", false),
		// Two levels, each correlated with the one around it.
		d("correlated", "SELECT c.Sid FROM Calls c WHERE EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid AND r.Duration >= (SELECT AVG(r2.Duration) FROM Recordings r2 WHERE r2.Source = r.Source AND r2.Status = c.Status))", "", false),
		d("correlated", "SELECT c.Sid, (SELECT COUNT(*) FROM Calls k WHERE k.Status = c.Status AND EXISTS (SELECT 1 FROM Calls j WHERE j.Direction = k.Direction AND j.Sid = c.Sid)) AS n FROM Calls c WHERE c.Status IN ('busy', 'failed')", "", false),
		d("derived", "SELECT c.Sid, s.n FROM Calls c JOIN (SELECT k.CallSid, COUNT(*) AS n FROM Recordings k JOIN (SELECT CallSid, Sid FROM Recordings) x ON x.CallSid = k.CallSid GROUP BY k.CallSid) s ON s.CallSid = c.Sid WHERE c.Status = 'completed'", "", false),
		// Common table expressions.
		d("cte", "WITH busy AS (SELECT * FROM Calls WHERE Status = 'busy') SELECT COUNT(*) FROM busy", "", false),
		d("cte", "WITH a AS (SELECT Sid, Status, Duration FROM Calls), b AS (SELECT * FROM a WHERE Duration > 30) SELECT Status, COUNT(*) FROM b GROUP BY Status ORDER BY Status", "", true),
		d("cte", "WITH r AS (SELECT CallSid, COUNT(*) n FROM Recordings GROUP BY CallSid) SELECT c.Sid, r.n FROM Calls c JOIN r ON r.CallSid = c.Sid", "", false),
		d("cte", "WITH s AS (SELECT Status FROM Calls UNION SELECT Status FROM Messages) SELECT * FROM s ORDER BY Status", "", true),
		d("cte", "WITH x AS (SELECT Sid FROM Calls WHERE Status = 'failed') SELECT Sid FROM Recordings WHERE CallSid IN (SELECT Sid FROM x)", "", false),
		d("cte", "WITH a AS (SELECT Sid FROM Calls WHERE Status = 'busy'), b AS (SELECT Sid FROM Calls WHERE Status = 'failed') SELECT Sid FROM a UNION ALL SELECT Sid FROM b", "", false),
		d("cte", "WITH t AS (SELECT Sid, Duration FROM Calls) SELECT t.Sid FROM t WHERE t.Duration > (SELECT AVG(Duration) FROM t)", "", false),
		d("cte", "/* a comment ) */ WITH q AS (SELECT Sid, 'it''s )' AS s FROM Calls WHERE Status = 'busy' -- )\n) SELECT COUNT(*), MAX(s) FROM q", "", false),
		d("cte", "WITH c AS (SELECT * FROM Calls) SELECT c.Sid, r.Sid FROM Recordings r RIGHT JOIN c ON r.CallSid = c.Sid WHERE c.Status = 'failed'", "", false),
		d("cte", "WITH `busy calls` AS (SELECT Sid, `To` FROM Calls WHERE Status = 'busy') SELECT b.`To`, COUNT(*) FROM `busy calls` b GROUP BY b.`To` ORDER BY 2 DESC, 1", "", true),
		d("cte", "WITH a AS (SELECT Sid, Duration FROM Calls WHERE Status = 'completed'), b AS (SELECT Sid FROM a WHERE Duration > 60), c AS (SELECT COUNT(*) n FROM b) SELECT n FROM c", "", false),
		d("cte", "WITH m AS (SELECT `From` f, COUNT(*) n FROM Messages GROUP BY `From`) SELECT f, n FROM m WHERE n = (SELECT MAX(n) FROM m) ORDER BY f", "", true),
		d("cte", "WITH w AS (SELECT 'WITH' AS word, ')' AS p FROM Calls WHERE Status = 'failed') SELECT word, p, COUNT(*) FROM w GROUP BY word, p", "", false),
		d("cte", "WITH k AS (SELECT Sid, Status FROM Calls) SELECT k.Status, COUNT(*) FROM k WHERE EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = k.Sid) GROUP BY k.Status ORDER BY 1", "", true),
	}
}

// derivedGen generates wrapped forms of simple queries from the data.
type derivedGen struct {
	r    *rand.Rand
	data map[string][]map[string]any
}

// genTable: the columns the generator filters on.
type genTable struct {
	name       string
	strs, nums []string
}

var genTables = []genTable{
	{"Calls", []string{"Status", "Direction", "AnsweredBy"}, []string{"Duration", "Price"}},
	{"Messages", []string{"Status", "Direction"}, []string{"NumSegments", "Price", "ErrorCode"}},
	{"Recordings", []string{"Status", "Source"}, []string{"Duration", "Channels"}},
}

func (g *derivedGen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// value is a literal for a column: mostly one in the data.
func (g *derivedGen) value(tb genTable, col string) string {
	var vals []any
	for _, row := range g.data[tb.name] {
		if v := row[col]; v != nil {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 || g.r.IntN(8) == 0 {
		return "'zz-none'"
	}
	switch x := vals[g.r.IntN(len(vals))].(type) {
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return "NULL"
}

// pred is a predicate on a table's columns, qualified by q when given.
func (g *derivedGen) pred(tb genTable, q string) string {
	qual := func(c string) string {
		if q == "" {
			return c
		}
		return q + "." + c
	}
	switch g.r.IntN(6) {
	case 0, 1:
		col := g.pick(tb.strs)
		op := []string{"=", "=", "<>"}[g.r.IntN(3)]
		return qual(col) + " " + op + " " + g.value(tb, col)
	case 2:
		col := g.pick(tb.strs)
		return qual(col) + " IN (" + g.value(tb, col) + ", " + g.value(tb, col) + ")"
	case 3:
		col := g.pick(tb.nums)
		v := g.value(tb, col)
		if strings.HasPrefix(v, "'") {
			v = "0"
		}
		return qual(col) + " " + []string{">", "<", ">=", "<="}[g.r.IntN(4)] + " " + v
	case 4:
		col := g.pick(tb.strs)
		if g.r.IntN(2) == 0 {
			return qual(col) + " IS NULL"
		}
		return qual(col) + " IS NOT NULL"
	}
	return "(" + g.pred(tb, q) + " OR " + g.pred(tb, q) + ")"
}

func (g *derivedGen) queries(n int, keep func(dialect) bool) []dialect {
	var out []dialect
	add := func(what, q string, ordered bool) {
		if d := (dialect{my: q, lite: q, ordered: ordered, what: "gen-" + what}); keep(d) {
			out = append(out, d)
		}
	}
	calls, recs := genTables[0], genTables[2]
	for len(out) < n {
		tb := genTables[g.r.IntN(len(genTables))]
		col := g.pick(tb.strs)
		num := g.pick(tb.nums)
		switch g.r.IntN(14) {
		case 0:
			add("derived", fmt.Sprintf("SELECT Sid, %s FROM (SELECT * FROM %s) s WHERE %s", col, tb.name, g.pred(tb, "")), false)
		case 1:
			add("derived", fmt.Sprintf("SELECT COUNT(*) FROM (SELECT * FROM %s WHERE %s) s WHERE %s", tb.name, g.pred(tb, ""), g.pred(tb, "")), false)
		case 2:
			add("derived", fmt.Sprintf("SELECT COUNT(*) FROM (SELECT Sid FROM %s WHERE %s LIMIT %d) s", tb.name, g.pred(tb, ""), 1+g.r.IntN(30)), false)
		case 3:
			add("derived", fmt.Sprintf("SELECT k, n FROM (SELECT %s k, COUNT(*) n, SUM(%s) t FROM %s WHERE %s GROUP BY %s) s WHERE n > %d ORDER BY k", col, num, tb.name, g.pred(tb, ""), col, g.r.IntN(5)), true)
		case 4:
			other := genTables[g.r.IntN(len(genTables))]
			kind := []string{"UNION", "UNION ALL"}[g.r.IntN(2)]
			add("union", fmt.Sprintf("SELECT Status, Sid FROM %s WHERE %s %s SELECT Status, Sid FROM %s WHERE %s", tb.name, g.pred(tb, ""), kind, other.name, g.pred(other, "")), false)
		case 5:
			other := genTables[g.r.IntN(len(genTables))]
			add("union", fmt.Sprintf("SELECT Sid, %s FROM %s WHERE %s UNION ALL SELECT Sid, Status FROM %s ORDER BY 1 LIMIT %d", col, tb.name, g.pred(tb, ""), other.name, 1+g.r.IntN(20)), true)
		case 6:
			add("cte", fmt.Sprintf("WITH s AS (SELECT * FROM %s WHERE %s) SELECT Sid, %s FROM s WHERE %s", tb.name, g.pred(tb, ""), num, g.pred(tb, "")), false)
		case 7:
			not := []string{"", "NOT "}[g.r.IntN(2)]
			add("correlated", fmt.Sprintf("SELECT c.Sid FROM Calls c WHERE %sEXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid AND %s) AND %s", not, g.pred(recs, "r"), g.pred(calls, "c")), false)
		case 8:
			on := ""
			if g.r.IntN(2) == 0 {
				on = " AND " + g.pred(recs, "r")
			}
			add("right", fmt.Sprintf("SELECT c.Sid, r.Sid, r.%s FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid%s WHERE %s", g.pick(recs.nums), on, g.pred(calls, "c")), false)
		case 9:
			add("cte", fmt.Sprintf("WITH a AS (SELECT * FROM %s WHERE %s), b AS (SELECT Sid, %s FROM a WHERE %s) SELECT %s, COUNT(*) FROM b GROUP BY %s ORDER BY %s", tb.name, g.pred(tb, ""), col, g.pred(tb, ""), col, col, col), true)
		case 10:
			add("derived", fmt.Sprintf("SELECT s.Sid, r.Sid FROM (SELECT Sid, Status, Duration FROM Calls WHERE %s) s LEFT JOIN Recordings r ON r.CallSid = s.Sid AND %s", g.pred(calls, ""), g.pred(recs, "r")), false)
		case 11:
			other := genTables[g.r.IntN(len(genTables))]
			add("union", fmt.Sprintf("SELECT k, COUNT(*) FROM (SELECT %s k FROM %s WHERE %s UNION ALL SELECT Status FROM %s WHERE %s) u GROUP BY k ORDER BY k", col, tb.name, g.pred(tb, ""), other.name, g.pred(other, "")), true)
		case 12:
			add("correlated", fmt.Sprintf("SELECT c.Sid FROM Calls c WHERE c.Sid %sIN (SELECT r.CallSid FROM Recordings r WHERE r.Duration %s c.Duration AND %s) AND %s", []string{"", "NOT "}[g.r.IntN(2)], []string{">", "<"}[g.r.IntN(2)], g.pred(recs, "r"), g.pred(calls, "c")), false)
		default:
			add("correlated", fmt.Sprintf("SELECT t.Sid FROM %s t WHERE t.%s > (SELECT AVG(k.%s) FROM %s k WHERE k.%s = t.%s) AND %s", tb.name, num, num, tb.name, col, col, g.pred(tb, "t")), false)
		}
	}
	return out
}
