package driver_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the reference engine

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// The differential test runs the same SELECTs through the driver (against
// the emulator) and through SQLite loaded with the emulator's records, read
// from its raw JSON pages (reference_test.go), and compares the answers:
// column names and count, value types, then rows, row for row where ORDER
// BY fixes the order (every ORDER BY here ends in a unique column), as
// multisets otherwise.
//
// The driver speaks MySQL, with strings compared exactly (as Twilio's
// filters do) and LIKE ignoring case. Where MySQL and SQLite differ, each
// query is written twice (dialect.my for the driver, dialect.lite for
// SQLite) so that SQLite computes the MySQL answer:
//   - CONCAT(a, b) is a || b in SQLite (SQLite's concat() skips NULLs;
//     MySQL's CONCAT is NULL if any argument is).
//   - a / b on integers is integer division in SQLite, DECIMAL in MySQL
//     (scale 4: div_precision_increment): SQLite gets a * 1.0 / b where
//     the quotient has at most 4 decimals, round(…, 4) otherwise. MySQL's
//     DIV is SQLite's / on integers. AVG of integers is a DECIMAL of
//     scale 4 too: SQLite gets round(AVG(x), 4).
//   - Times are stored in SQLite as 'YYYY-MM-DD HH:MM:SS' text. MySQL
//     compares a DATETIME with '2026-06-01' as that day's midnight; SQLite
//     compares text, so date-only literals become '2026-06-01 00:00:00'.
//     YEAR/MONTH/DAY/DATE/DATE_ADD become strftime/date/datetime.
//   - MySQL's LENGTH counts bytes, SQLite's length characters: SQLite gets
//     length(CAST(x AS BLOB)).
//   - LIKE: both ignore ASCII case; MySQL (and the driver) also folds
//     non-ASCII letters, SQLite does not: those cases are written for
//     SQLite with the case it needs. MySQL's LIKE escapes with a backslash
//     by default, SQLite only with ESCAPE '\'.
//   - <=> is SQLite's IS; CAST(x AS SIGNED) rounds in MySQL and truncates
//     in SQLite (round() first); CAST AS CHAR is CAST AS TEXT.
//   - String = compares exactly in the driver and in SQLite (BINARY); a
//     MySQL server with a _ci collation would ignore case. NULLs sort first
//     ascending and last descending in both.
//   - Booleans are 0/1 in SQLite; the driver's true/false are compared as
//     1/0, as MySQL has them.

// liteAvg is SQLite's spelling of MySQL's AVG(col): AVG of integers is a
// DECIMAL of scale div_precision_increment (4) in MySQL, a REAL in SQLite.
// Price is the one DOUBLE column the generator averages.
func liteAvg(col string) string {
	if col == "Price" {
		return "AVG(" + col + ")"
	}
	return "round(AVG(" + col + "), 4)"
}

// dialect is one query in both dialects.
type dialect struct {
	my, lite string
	ordered  bool   // ORDER BY fixes the order
	what     string // category
}

// diffTable describes a table for the generator.
type diffTable struct {
	name, alias string
	strs        []string // text columns to filter on
	nums        []string // numeric columns
	times       []string // DATETIME columns
	bools       []string
	show        []string // columns to select
	rows        []map[string]any
}

func TestDifferentialSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test skipped in -short mode")
	}
	size := twiliotest.Size{Calls: 200, Messages: 250, Recordings: 60}
	// nodes=50: the rate limiter's 25 requests/s per node would make the
	// in-process emulator wait.
	db, srv := testdb.Open(t, testdb.Emulator(twiliotest.WithSize(size)), testdb.DSN("nodes=50"))
	lite, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	lite.SetMaxOpenConns(1) // one in-memory database
	t.Cleanup(func() { lite.Close() })

	start := time.Now()
	ref := loadReference(t, srv, lite)
	// Recordings are left out: a seeded recording may be in the "deleted"
	// state, which lists do not show (loadReference checked the count).
	for name, want := range map[string]int{"Calls": size.Calls, "Messages": size.Messages,
		"InboundPhoneNumbers": twiliotest.DefaultSize.IncomingPhoneNumbers, "OutgoingCallerIds": twiliotest.DefaultSize.OutgoingCallerIds} {
		if got := len(ref[name]); got != want {
			t.Fatalf("the reference has %d %s, the emulator was seeded with %d", got, name, want)
		}
	}
	if len(ref["Feedback"]) == 0 {
		t.Fatal("no feedback rows in the reference")
	}
	var loaded []string
	for _, tb := range refTables {
		loaded = append(loaded, fmt.Sprintf("%d %s", len(ref[tb.name]), tb.name))
	}
	t.Logf("reference: %s, read from raw pages in %v", strings.Join(loaded, ", "), time.Since(start))

	tables := []*diffTable{
		{name: "Calls", alias: "c",
			strs:  []string{"Status", "Direction", "`To`", "`From`", "AnsweredBy", "ParentCallSid", "CallerName", "ForwardedFrom"},
			nums:  []string{"Duration", "Price", "QueueTime"},
			times: []string{"StartTime", "EndTime", "DateCreated"},
			show:  []string{"Sid", "Status", "`To`", "`From`", "Duration", "Price", "StartTime", "EndTime", "Direction", "AnsweredBy", "ParentCallSid"}},
		{name: "Messages", alias: "m",
			strs:  []string{"Status", "Direction", "`To`", "`From`", "ErrorMessage", "MessagingServiceSid"},
			nums:  []string{"NumSegments", "NumMedia", "Price", "ErrorCode"},
			times: []string{"DateSent", "DateCreated"},
			show:  []string{"Sid", "Status", "`To`", "`From`", "Body", "NumSegments", "Price", "ErrorCode", "DateSent", "Direction"}},
		{name: "Recordings", alias: "r",
			strs:  []string{"CallSid", "ConferenceSid", "Status", "Source"},
			nums:  []string{"Duration", "Price", "Channels", "ErrorCode"},
			times: []string{"DateCreated", "StartTime"},
			show:  []string{"Sid", "CallSid", "ConferenceSid", "Status", "Source", "Duration", "Price", "Channels", "DateCreated"}},
		{name: "InboundPhoneNumbers", alias: "n",
			strs:  []string{"FriendlyName", "PhoneNumber", "Origin", "VoiceReceiveMode"},
			times: []string{"DateCreated"},
			bools: []string{"Beta", "VoiceCallerIdLookup"},
			show:  []string{"Sid", "FriendlyName", "PhoneNumber", "Origin", "Beta", "VoiceCallerIdLookup", "DateCreated"}},
		{name: "OutgoingCallerIds", alias: "o",
			strs:  []string{"FriendlyName", "PhoneNumber"},
			times: []string{"DateCreated"},
			show:  []string{"Sid", "FriendlyName", "PhoneNumber", "DateCreated"}},
	}
	for _, tb := range tables {
		tb.rows = ref[tb.name]
	}

	queries := handWritten()
	g := &gen{r: rand.New(rand.NewPCG(2026, 6)), tables: tables}
	queries = append(queries, g.queries(215, keepFewEmpty(t, lite))...)
	runDifferential(t, db, lite, queries, 300)
}

// keepFewEmpty accepts a generated query if SQLite's answer has rows, and
// at most three that have none: a handful keeps the empty answer tested,
// more would prove little.
func keepFewEmpty(t *testing.T, lite *sql.DB) func(dialect) bool {
	emptyLeft := 3
	return func(d dialect) bool {
		if len(runLite(t, lite, d.lite).rows) > 0 {
			return true
		}
		emptyLeft--
		return emptyLeft >= 0
	}
}

// runDifferential runs each query through the driver and through SQLite,
// in parallel subtests, and compares the answers; it wants at least
// minQueries queries, under 5% of them answered by no row on both sides.
func runDifferential(t *testing.T, db, lite *sql.DB, queries []dialect, minQueries int) {
	t.Helper()
	counts := map[string]int{}
	var bothEmpty atomic.Int64
	t.Run("queries", func(t *testing.T) {
		for i, q := range queries {
			counts[q.what]++
			t.Run(fmt.Sprintf("%03d_%s", i, q.what), func(t *testing.T) {
				t.Parallel()
				got := runDriver(t, db, q.my)
				want := runLite(t, lite, q.lite)
				if len(got.rows) == 0 && len(want.rows) == 0 {
					bothEmpty.Add(1)
				}
				compareResults(t, q, got, want)
			})
		}
	})
	var cats []string
	for k, n := range counts {
		cats = append(cats, fmt.Sprintf("%s=%d", k, n))
	}
	slices.Sort(cats)
	t.Logf("%d queries (%d answered by no row on both sides): %s", len(queries), bothEmpty.Load(), strings.Join(cats, " "))
	if len(queries) < minQueries {
		t.Errorf("only %d queries", len(queries))
	}
	// A query that no row answers agrees with any engine that returns
	// nothing: few such queries, or the comparison proves little.
	if n := bothEmpty.Load(); n*20 >= int64(len(queries)) {
		t.Errorf("%d of %d queries have no row on either side: keep it under 5%%", n, len(queries))
	}
}

// loadReference reads every table from the emulator's raw pages into
// SQLite and returns the rows by table name. Each table must hold as many
// rows as the emulator says it has.
func loadReference(t *testing.T, srv *twiliotest.Server, lite *sql.DB) map[string][]map[string]any {
	t.Helper()
	raw := rawClient{srv: srv, hc: &http.Client{Timeout: time.Minute}}
	ref := map[string][]map[string]any{}
	for _, tb := range refTables {
		var recs []map[string]json.RawMessage
		if tb.path == "" {
			recs = raw.feedbackRecords(t, ref["Calls"])
		} else {
			recs = raw.records(t, tb)
		}
		rows := refRows(t, tb, recs)
		if want := srv.Count(tb.resource); len(rows) != want {
			t.Fatalf("read %d %s from the raw pages, the emulator holds %d", len(rows), tb.name, want)
		}
		createLite(t, lite, tb, rows)
		ref[tb.name] = rows
	}
	return ref
}

func createLite(t *testing.T, lite *sql.DB, tb refTable, rows []map[string]any) {
	t.Helper()
	defs := make([]string, len(tb.columns))
	marks := make([]string, len(tb.columns))
	for i, c := range tb.columns {
		defs[i] = fmt.Sprintf("%q %s", c.name, c.sqliteType())
		marks[i] = "?"
	}
	if _, err := lite.Exec(fmt.Sprintf("CREATE TABLE %q (%s)", tb.name, strings.Join(defs, ", "))); err != nil {
		t.Fatal(err)
	}
	ins := fmt.Sprintf("INSERT INTO %q VALUES (%s)", tb.name, strings.Join(marks, ", "))
	for _, row := range rows {
		args := make([]any, len(tb.columns))
		for i, c := range tb.columns {
			args[i] = sqliteValue(row[c.name])
		}
		if _, err := lite.Exec(ins, args...); err != nil {
			t.Fatal(err)
		}
	}
}

// result is one engine's answer: column names, declared types (the
// driver's DatabaseTypeName; SQLite's declared type of a column reference,
// "" for an expression) and rows.
type result struct {
	cols, types []string
	rows        [][]any
}

func query(t *testing.T, engine string, db *sql.DB, q string) result {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %s: %v", engine, q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatalf("%s: %s: %v", engine, q, err)
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatalf("%s: %s: %v", engine, q, err)
	}
	types := make([]string, len(cts))
	for i, ct := range cts {
		types[i] = strings.ToUpper(ct.DatabaseTypeName())
	}
	out, err := testdb.ScanAll(rows)
	if err != nil {
		t.Fatalf("%s: %s: %v", engine, q, err)
	}
	return result{cols: cols, types: types, rows: out}
}

func runDriver(t *testing.T, db *sql.DB, q string) result {
	t.Helper()
	return query(t, "driver", db, q)
}

func runLite(t *testing.T, lite *sql.DB, q string) result {
	t.Helper()
	return query(t, "sqlite", lite, q)
}

// kind is a value's Go type as the comparison sees it.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case time.Time:
		return "time"
	case string, []byte:
		return "text"
	}
	return fmt.Sprintf("%T", v)
}

// driverKinds are the Go types a driver column of a declared type holds.
var driverKinds = map[string]string{
	"BIGINT": "int", "DOUBLE": "float", "DECIMAL": "float", "BOOLEAN": "bool", "DATETIME": "time", "DATE": "time", "VARCHAR": "text", "JSON": "text",
}

// liteKinds are the driver kinds a SQLite column reference of a declared
// type asks for.
var liteKinds = map[string]string{
	"INTEGER": "int", "REAL": "float", "BOOLEAN": "bool", "DATETIME": "time", "TEXT": "text",
}

// typeMismatch checks the value types of column j: every driver value
// has the kind of the driver's declared type; where SQLite's column is a
// column reference, the driver's kind is the one its declared type asks
// for (a DATETIME is a time, not text; a BOOLEAN a bool, not 0/1); for an
// expression, a number stays a number (or a bool) and a text a text (or a
// time: SQLite computes times as text).
func typeMismatch(got, want result, j int) string {
	declared, ok := driverKinds[got.types[j]]
	if !ok {
		return fmt.Sprintf("the driver declares column %d as %q", j, got.types[j])
	}
	for _, r := range got.rows {
		if k := kind(r[j]); k != "null" && k != declared {
			return fmt.Sprintf("column %d is declared %s by the driver but holds a %s (%v)", j, got.types[j], k, r[j])
		}
	}
	if k, ok := liteKinds[want.types[j]]; ok {
		if declared != k {
			return fmt.Sprintf("column %d: the driver gives %s (%s), the reference column is %s", j, declared, got.types[j], want.types[j])
		}
		return ""
	}
	for _, r := range want.rows {
		switch k := kind(r[j]); k {
		case "int", "float":
			if declared != "int" && declared != "float" && declared != "bool" {
				return fmt.Sprintf("column %d: the driver gives %s, SQLite a number (%v)", j, declared, r[j])
			}
		case "text":
			if declared != "text" && declared != "time" {
				return fmt.Sprintf("column %d: the driver gives %s, SQLite a text (%q)", j, declared, r[j])
			}
		case "time":
			if declared != "time" {
				return fmt.Sprintf("column %d: the driver gives %s, SQLite a time", j, declared)
			}
		}
	}
	return ""
}

// norm is a value reduced to what both engines agree on: NULL, a number or
// a text.
type norm struct {
	null bool
	num  bool
	f    float64
	s    string
}

func (n norm) String() string {
	switch {
	case n.null:
		return "NULL"
	case n.num:
		return strconv.FormatFloat(n.f, 'g', 10, 64)
	}
	return strconv.Quote(n.s)
}

// key renders a value for multiset comparison (numbers rounded).
func (n norm) key() string {
	if n.num {
		return "n" + strconv.FormatFloat(n.f, 'g', 9, 64)
	}
	return n.String()
}

func normalise(v any, typ string) norm {
	switch x := v.(type) {
	case nil:
		return norm{null: true}
	case bool:
		if x {
			return norm{num: true, f: 1}
		}
		return norm{num: true}
	case int64:
		return norm{num: true, f: float64(x)}
	case float64:
		return norm{num: true, f: x}
	case time.Time:
		if typ == "DATE" {
			return norm{s: x.UTC().Format(time.DateOnly)}
		}
		return norm{s: x.UTC().Format(time.DateTime)}
	case []byte:
		return norm{s: string(x)}
	case string:
		return norm{s: x}
	}
	return norm{s: fmt.Sprint(v)}
}

func sameValue(a, b norm) bool {
	if a.null || b.null {
		return a.null == b.null
	}
	if a.num != b.num {
		return false
	}
	if a.num {
		d := math.Abs(a.f - b.f)
		return d <= 1e-9 || d <= 1e-9*math.Max(math.Abs(a.f), math.Abs(b.f))
	}
	return a.s == b.s
}

func compareResults(t *testing.T, q dialect, gotRes, wantRes result) {
	t.Helper()
	fail := func(format string, a ...any) {
		t.Helper()
		t.Errorf("%s\n  driver: %s\n  sqlite: %s", fmt.Sprintf(format, a...), q.my, q.lite)
	}
	if len(gotRes.cols) != len(wantRes.cols) {
		fail("the driver has %d columns %q, sqlite %d %q", len(gotRes.cols), gotRes.cols, len(wantRes.cols), wantRes.cols)
		return
	}
	if q.my == q.lite {
		// Both name an expression by its text as written; backticks aside.
		unquote := strings.NewReplacer("`", "")
		for j := range gotRes.cols {
			if !strings.EqualFold(unquote.Replace(gotRes.cols[j]), unquote.Replace(wantRes.cols[j])) {
				fail("column %d is named %q by the driver, %q by sqlite", j, gotRes.cols[j], wantRes.cols[j])
				return
			}
		}
	}
	for j := range gotRes.cols {
		if msg := typeMismatch(gotRes, wantRes, j); msg != "" {
			fail("%s", msg)
			return
		}
	}
	types := gotRes.types
	got, want := gotRes.rows, wantRes.rows
	toNorm := func(rows [][]any) [][]norm {
		out := make([][]norm, len(rows))
		for i, r := range rows {
			out[i] = make([]norm, len(r))
			for j, v := range r {
				out[i][j] = normalise(v, types[j])
			}
		}
		return out
	}
	g, w := toNorm(got), toNorm(want)
	if len(g) != len(w) {
		fail("driver returned %d rows, sqlite %d\n  driver rows: %v\n  sqlite rows: %v", len(g), len(w), head(g), head(w))
		return
	}
	if !q.ordered {
		sortRows := func(rows [][]norm) {
			type keyed struct {
				key string
				row []norm
			}
			ks := make([]keyed, len(rows))
			for i, r := range rows {
				ks[i] = keyed{rowText(r), r}
			}
			slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
			for i := range ks {
				rows[i] = ks[i].row
			}
		}
		sortRows(g)
		sortRows(w)
	}
	for i := range g {
		for j := range g[i] {
			if !sameValue(g[i][j], w[i][j]) {
				fail("row %d column %d: driver %v, sqlite %v\n  driver row: %v\n  sqlite row: %v", i, j, g[i][j], w[i][j], g[i], w[i])
				return
			}
		}
	}
}

func rowText(r []norm) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = v.key()
	}
	return strings.Join(parts, "\x00")
}

func head(rows [][]norm) [][]norm {
	if len(rows) > 5 {
		return rows[:5]
	}
	return rows
}

// handWritten are the queries written out, each a point of MySQL semantics
// or a query shape.
func handWritten() []dialect {
	d := func(what, my, lite string, ordered bool) dialect {
		if lite == "" {
			lite = my
		}
		return dialect{my: my, lite: lite, ordered: ordered, what: what}
	}
	return []dialect{
		// Whole tables first: every row, column name, value and type the
		// driver lists must be the reference's.
		d("table", "SELECT * FROM Calls", "", false),
		d("table", "SELECT * FROM Messages", "", false),
		d("table", "SELECT * FROM Recordings", "", false),
		d("table", "SELECT * FROM InboundPhoneNumbers", "", false),
		d("table", "SELECT * FROM OutgoingCallerIds", "", false),
		d("table", "SELECT COUNT(*) FROM Calls", "", false),
		// Filters and NULLs.
		d("filter", "SELECT Sid, Status FROM Calls WHERE Status = 'busy'", "", false),
		d("filter", "SELECT Sid FROM Calls WHERE Status = 'Busy'", "", false), // exact: no row
		d("filter", "SELECT Sid FROM Calls WHERE Status <> 'completed' AND Duration > 0", "", false),
		d("filter", "SELECT Sid FROM Calls WHERE Status = ''", "", false),
		d("null", "SELECT Sid FROM Calls WHERE EndTime IS NULL", "", false),
		d("null", "SELECT Sid FROM Calls WHERE NOT (Duration > 10)", "", false),
		d("null", "SELECT Sid FROM Calls WHERE Duration > 10 OR AnsweredBy = 'human'", "", false),
		d("null", "SELECT Sid, AnsweredBy <=> NULL, AnsweredBy <=> 'human' FROM Calls", "SELECT Sid, AnsweredBy IS NULL, AnsweredBy IS 'human' FROM Calls", false),
		d("null", "SELECT Sid FROM Calls WHERE AnsweredBy IN ('human', NULL)", "", false),
		d("null", "SELECT Sid FROM Calls WHERE AnsweredBy NOT IN ('human', NULL)", "", false),
		d("null", "SELECT COALESCE(AnsweredBy, 'none'), IFNULL(ParentCallSid, Sid) FROM Calls", "", false),
		d("null", "SELECT Sid FROM Calls WHERE Price IS NOT NULL AND Price < -0.01", "", false),
		// IS TRUE is "non-zero" in MySQL; SQLite's IS TRUE is IS 1.
		d("null", "SELECT Sid, Duration IS TRUE, Duration IS NOT FALSE FROM Calls", "SELECT Sid, Duration IS NOT NULL AND Duration <> 0, Duration IS NULL OR Duration <> 0 FROM Calls", false),
		// IN and OR pushed as several listings.
		d("or", "SELECT Sid, Status FROM Calls WHERE Status IN ('busy', 'failed')", "", false),
		d("or", "SELECT Sid FROM Calls WHERE Status = 'busy' OR Status = 'no-answer' OR Status = 'nothing'", "", false),
		d("or", "SELECT Sid FROM Calls WHERE `To` = '+14155238886' OR `From` = '+14155238886'", "", false),
		d("or", "SELECT Sid FROM Calls WHERE (Status = 'completed' AND Duration > 600) OR (Status = 'busy' AND `From` = '+61487023091')", "", false),
		d("or", "SELECT Sid FROM Calls WHERE Status IN ('busy', 'completed') AND `To` IN ('+442062983615', '+18339264086')", "", false),
		d("or", "SELECT Sid FROM Calls WHERE Status IN ('busy', 'failed') AND Status = 'failed'", "", false),
		d("or", "SELECT Sid FROM Calls WHERE Status = 'busy' AND Status = 'failed'", "", false),
		d("or", "SELECT Sid FROM Messages WHERE `From` IN ('+14158881157', '+12122076742') AND DateSent >= '2026-01-01'", "SELECT Sid FROM Messages WHERE `From` IN ('+14158881157', '+12122076742') AND DateSent >= '2026-01-01 00:00:00'", false),
		d("or", "SELECT Sid FROM Calls WHERE Status NOT IN ('completed', 'busy')", "", false),
		// LIKE.
		d("like", "SELECT Sid FROM Calls WHERE `To` LIKE 'SIP:%'", "", false),
		d("like", "SELECT Sid FROM Calls WHERE Status LIKE '%-%' AND Status NOT LIKE 'in%'", "", false),
		d("like", "SELECT Sid FROM Messages WHERE Body LIKE '%code%'", "", false),
		d("like", "SELECT Sid FROM Messages WHERE Body LIKE '_our %'", "", false),
		// The driver folds non-ASCII case in LIKE (as MySQL does); SQLite does not.
		d("like", "SELECT Sid FROM Messages WHERE Body LIKE '%VÉRIFICATION%'", "SELECT Sid FROM Messages WHERE Body LIKE '%VéRIFICATION%'", false),
		d("like", "SELECT Sid FROM Messages WHERE Body LIKE '%30!%%' ESCAPE '!'", "", false),
		// MySQL's default LIKE escape is the backslash; SQLite needs ESCAPE.
		d("like", `SELECT Sid FROM Calls WHERE Status LIKE 'no\-answer'`, `SELECT Sid FROM Calls WHERE Status LIKE 'no\-answer' ESCAPE '\'`, false),
		d("like", `SELECT Sid FROM Messages WHERE Status LIKE 'partially\_%'`, `SELECT Sid FROM Messages WHERE Status LIKE 'partially\_%' ESCAPE '\'`, false),
		// Dates: day-granular pushdown, exact re-check.
		d("date", "SELECT Sid FROM Calls WHERE StartTime >= '2026-06-01'", "SELECT Sid FROM Calls WHERE StartTime >= '2026-06-01 00:00:00'", false),
		d("date", "SELECT Sid FROM Calls WHERE StartTime > '2026-03-05 10:00:00' AND StartTime < '2026-03-20'", "SELECT Sid FROM Calls WHERE StartTime > '2026-03-05 10:00:00' AND StartTime < '2026-03-20 00:00:00'", false),
		d("date", "SELECT Sid FROM Calls WHERE StartTime BETWEEN '2026-01-01' AND '2026-01-31 23:59:59'", "SELECT Sid FROM Calls WHERE StartTime BETWEEN '2026-01-01 00:00:00' AND '2026-01-31 23:59:59'", false),
		d("date", "SELECT Sid FROM Calls WHERE EndTime <= '2025-09-01' OR EndTime > '2026-06-14 12:00:00'", "SELECT Sid FROM Calls WHERE EndTime <= '2025-09-01 00:00:00' OR EndTime > '2026-06-14 12:00:00'", false),
		d("date", "SELECT Sid FROM Calls WHERE DATE(StartTime) = '2026-06-15'", "SELECT Sid FROM Calls WHERE date(StartTime) = '2026-06-15'", false),
		d("date", "SELECT Sid FROM Messages WHERE DateSent > '2026-06-10' AND DateSent < '2026-06-10'", "SELECT Sid FROM Messages WHERE DateSent > '2026-06-10 00:00:00' AND DateSent < '2026-06-10 00:00:00'", false),
		d("date", "SELECT Sid FROM Recordings WHERE DateCreated >= '2026-01-01' AND CallSid IS NOT NULL", "SELECT Sid FROM Recordings WHERE DateCreated >= '2026-01-01 00:00:00' AND CallSid IS NOT NULL", false),
		d("date", "SELECT YEAR(StartTime), MONTH(StartTime), DAY(StartTime), COUNT(*) FROM Calls GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
			"SELECT CAST(strftime('%Y', StartTime) AS INTEGER), CAST(strftime('%m', StartTime) AS INTEGER), CAST(strftime('%d', StartTime) AS INTEGER), COUNT(*) FROM Calls GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", true),
		d("date", "SELECT Sid, DATE_ADD(StartTime, INTERVAL 1 DAY), DATE_SUB(StartTime, INTERVAL 2 HOUR) FROM Calls WHERE StartTime > '2026-05-01'",
			"SELECT Sid, datetime(StartTime, '+1 day'), datetime(StartTime, '-2 hours') FROM Calls WHERE StartTime > '2026-05-01 00:00:00'", false),
		d("date", "SELECT DATE(DateSent) AS d, COUNT(*) FROM Messages WHERE DateSent >= '2026-06-01' GROUP BY d ORDER BY d DESC",
			"SELECT date(DateSent) AS d, COUNT(*) FROM Messages WHERE DateSent >= '2026-06-01 00:00:00' GROUP BY d ORDER BY d DESC", true),
		// Expressions.
		d("expr", "SELECT Sid, Duration * 2 + 1, Duration DIV 7, Duration % 7, -Duration FROM Calls", "SELECT Sid, Duration * 2 + 1, Duration / 7, Duration % 7, -Duration FROM Calls", false),
		d("expr", "SELECT Sid, Duration / 4 FROM Calls", "SELECT Sid, Duration * 1.0 / 4 FROM Calls", false),
		d("expr", "SELECT Sid, Duration / 0 FROM Calls", "", false), // NULL in both
		// / of integers is a DECIMAL of scale 4, rounded half away from
		// zero; inside an expression the quotient keeps 9 digits, so
		// Duration / 3 * 3 is Duration again.
		d("expr", "SELECT Sid, Duration / 3, Duration / 7, Duration / 32, -Duration / 32 FROM Calls", "SELECT Sid, round(Duration * 1.0 / 3, 4), round(Duration * 1.0 / 7, 4), round(Duration * 1.0 / 32, 4), round(-Duration * 1.0 / 32, 4) FROM Calls", false),
		d("expr", "SELECT Sid, Duration / 3 * 3, (Duration + 1) / 3 - Duration / 3 FROM Calls", "SELECT Sid, Duration * 1.0, round((Duration + 1) * 1.0 / 3 - Duration * 1.0 / 3, 4) FROM Calls", false),
		d("expr", "SELECT COUNT(*) / 3, SUM(Duration) / COUNT(*), COUNT(*) DIV 3 FROM Calls", "SELECT round(COUNT(*) * 1.0 / 3, 4), round(SUM(Duration) * 1.0 / COUNT(*), 4), COUNT(*) / 3 FROM Calls", false),
		d("expr", "SELECT Status, SUM(Duration) / COUNT(*), AVG(Duration) FROM Calls GROUP BY Status ORDER BY Status", "SELECT Status, round(SUM(Duration) * 1.0 / COUNT(*), 4), round(AVG(Duration), 4) FROM Calls GROUP BY Status ORDER BY Status", true),
		d("expr", "SELECT CONCAT(Status, '/', Direction), CONCAT(Status, AnsweredBy) FROM Calls", "SELECT Status || '/' || Direction, Status || AnsweredBy FROM Calls", false),
		d("expr", "SELECT LOWER(Status), UPPER(Direction), LENGTH(Body), CHAR_LENGTH(Body) FROM Messages", "SELECT lower(Status), upper(Direction), length(CAST(Body AS BLOB)), length(Body) FROM Messages", false),
		d("expr", "SELECT SUBSTRING(Sid, 3, 4), SUBSTRING(Status, -3), TRIM(CONCAT('  ', Status, ' ')) FROM Calls", "SELECT substr(Sid, 3, 4), substr(Status, -3), trim('  ' || Status || ' ') FROM Calls", false),
		d("expr", "SELECT Sid, CASE Status WHEN 'busy' THEN 1 WHEN 'failed' THEN 2 ELSE 3 END, CASE WHEN Duration > 100 THEN 'long' WHEN Duration > 0 THEN 'short' END FROM Calls", "", false),
		d("expr", "SELECT Sid, ABS(Price), ROUND(Duration / 7, 1), ROUND(Duration) FROM Calls", "SELECT Sid, abs(Price), round(Duration * 1.0 / 7, 1), round(Duration) FROM Calls", false),
		d("expr", "SELECT CAST(Duration AS CHAR), CAST('12' AS SIGNED) + Duration, CAST(Price * 1000 AS SIGNED) FROM Calls", "SELECT CAST(Duration AS TEXT), CAST('12' AS INTEGER) + Duration, CAST(round(Price * 1000) AS INTEGER) FROM Calls", false),
		d("expr", "SELECT Sid FROM Calls WHERE Duration BETWEEN 10 AND 60 AND Duration NOT BETWEEN 20 AND 30", "", false),
		d("expr", "SELECT Sid FROM Calls WHERE LOWER(AnsweredBy) = 'human' OR UPPER(Status) = 'BUSY'", "", false),
		d("expr", "SELECT Sid, Duration > 100, Price < 0, Status = 'busy' FROM Calls", "", false),
		d("expr", "SELECT Sid, Beta, NOT Beta, Beta AND VoiceCallerIdLookup FROM InboundPhoneNumbers", "", false),
		d("expr", "SELECT Sid FROM InboundPhoneNumbers WHERE Beta = FALSE", "SELECT Sid FROM InboundPhoneNumbers WHERE Beta = 0", false),
		d("expr", "SELECT Sid FROM InboundPhoneNumbers WHERE Beta", "", false),
		// ORDER BY, LIMIT, OFFSET, DISTINCT.
		d("order", "SELECT Sid, Duration FROM Calls ORDER BY Duration DESC, Sid LIMIT 10", "", true),
		d("order", "SELECT Sid, AnsweredBy FROM Calls ORDER BY AnsweredBy, Sid LIMIT 20", "", true), // NULLs first
		d("order", "SELECT Sid, AnsweredBy FROM Calls ORDER BY AnsweredBy DESC, Sid LIMIT 20", "", true),
		d("order", "SELECT Sid, Price AS p FROM Calls ORDER BY p, 1 LIMIT 15 OFFSET 30", "", true),
		d("order", "SELECT Sid, Status FROM Calls WHERE Status = 'completed' ORDER BY Sid LIMIT 5 OFFSET 5", "", true),
		d("order", "SELECT Sid FROM Calls ORDER BY LENGTH(`To`) DESC, Sid LIMIT 7", "SELECT Sid FROM Calls ORDER BY length(`To`) DESC, Sid LIMIT 7", true),
		d("order", "SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-06-01' ORDER BY StartTime DESC, Sid", "SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-06-01 00:00:00' ORDER BY StartTime DESC, Sid", true),
		d("limit", "SELECT Sid FROM Calls WHERE Status = 'busy' ORDER BY Sid LIMIT 3", "", true),
		d("limit", "SELECT Sid FROM Calls WHERE Status IN ('busy', 'failed') ORDER BY Sid LIMIT 4 OFFSET 2", "", true),
		d("limit", "SELECT Sid FROM Calls ORDER BY Sid LIMIT 0", "", true),
		d("distinct", "SELECT DISTINCT Status FROM Calls", "", false),
		d("distinct", "SELECT DISTINCT Direction, AnsweredBy FROM Calls ORDER BY Direction, AnsweredBy", "", true),
		d("distinct", "SELECT DISTINCT `To` FROM Messages WHERE Direction = 'inbound'", "", false),
		// Numbers of equal value are one value, whatever their type (MySQL
		// and SQLite compare them numerically): BIGINT 5, DECIMAL 5.0 and
		// DOUBLE 5e0 are one key of DISTINCT, GROUP BY and UNION.
		d("distinct", "SELECT COUNT(DISTINCT CASE WHEN Direction = 'inbound' THEN Duration WHEN Sid < 'CA8' THEN Duration * 1.0 ELSE Duration * 1e0 END), COUNT(DISTINCT Duration) FROM Calls", "", false),
		d("distinct", "SELECT SUM(DISTINCT CASE WHEN Direction = 'inbound' THEN Duration * 1.0 ELSE Duration END) FROM Calls", "", false),
		d("distinct", "SELECT COUNT(*) FROM (SELECT CASE WHEN Direction = 'inbound' THEN Duration * 1.0 ELSE Duration END AS g FROM Calls GROUP BY g) t", "", false),
		d("distinct", "SELECT COUNT(*) FROM (SELECT Duration * 1.0 AS d FROM Calls UNION SELECT Duration FROM Calls UNION SELECT Duration * 1e0 FROM Calls) t", "", false),
		// Aggregates.
		d("aggregate", "SELECT COUNT(*), COUNT(EndTime), COUNT(DISTINCT Status), SUM(Duration), AVG(Duration), MIN(Duration), MAX(Duration) FROM Calls", "SELECT COUNT(*), COUNT(EndTime), COUNT(DISTINCT Status), SUM(Duration), round(AVG(Duration), 4), MIN(Duration), MAX(Duration) FROM Calls", false),
		d("aggregate", "SELECT MIN(StartTime), MAX(StartTime), MIN(Status), MAX(`To`), SUM(Price), AVG(Price) FROM Calls", "", false),
		d("aggregate", "SELECT COUNT(*), SUM(Duration), MAX(Price) FROM Calls WHERE Status = 'nothing'", "", false),
		d("aggregate", "SELECT Status, COUNT(*) AS n FROM Calls GROUP BY Status ORDER BY n DESC, Status", "", true),
		d("aggregate", "SELECT Status, COUNT(*), SUM(Duration), AVG(Price) FROM Calls GROUP BY Status HAVING COUNT(*) > 3 ORDER BY Status", "", true),
		d("aggregate", "SELECT Direction, AnsweredBy, COUNT(*) FROM Calls GROUP BY Direction, AnsweredBy ORDER BY Direction, AnsweredBy", "", true),
		d("aggregate", "SELECT AnsweredBy, COUNT(*) FROM Calls GROUP BY AnsweredBy ORDER BY AnsweredBy", "", true), // a NULL group
		d("aggregate", "SELECT Status, ErrorCode, COUNT(*), MIN(DateSent) FROM Messages GROUP BY 1, 2 HAVING MIN(DateSent) IS NOT NULL ORDER BY 1, 2", "", true),
		d("aggregate", "SELECT `From`, COUNT(DISTINCT `To`) AS k FROM Messages GROUP BY `From` HAVING k >= 5 ORDER BY k DESC, `From`", "", true),
		d("aggregate", "SELECT Source, SUM(Duration) s, COUNT(CallSid) FROM Recordings GROUP BY Source ORDER BY s DESC, Source", "", true),
		d("aggregate", "SELECT COUNT(*) FROM Messages WHERE Body LIKE '%!%' ESCAPE '!'", "", false),
		d("aggregate", "SELECT Status FROM Calls GROUP BY Status HAVING SUM(Duration) > 0 ORDER BY COUNT(*) DESC, Status", "", true),
		d("aggregate", "SELECT LOWER(Direction) AS dir, COUNT(*) FROM Calls GROUP BY LOWER(Direction) ORDER BY dir", "", true),
		// Joins.
		d("join", "SELECT c.Sid, r.Sid, r.Duration FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid", "", false),
		d("join", "SELECT c.Sid, r.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status = 'completed' AND r.Duration > 30", "", false),
		d("join", "SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status IN ('busy', 'completed') ORDER BY c.Sid, r.Sid", "", true),
		d("join", "SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid AND r.Channels = 2 WHERE c.`To` = '+442062983615'", "", false),
		d("join", "SELECT c.Sid, COUNT(r.Sid) FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid GROUP BY c.Sid HAVING COUNT(r.Sid) > 1 ORDER BY c.Sid", "", true),
		d("join", "SELECT r.Sid, c.Status FROM Recordings r JOIN Calls c ON c.Sid = r.CallSid WHERE r.Status = 'completed'", "", false),
		d("join", "SELECT c.Sid, f.QualityScore FROM Calls c JOIN Feedback f ON f.Sid = c.Sid", "", false),
		d("join", "SELECT c.Sid, f.QualityScore FROM Calls c LEFT JOIN Feedback f ON f.Sid = c.Sid WHERE c.Status = 'completed' AND c.StartTime >= '2026-04-01'", "SELECT c.Sid, f.QualityScore FROM Calls c LEFT JOIN Feedback f ON f.Sid = c.Sid WHERE c.Status = 'completed' AND c.StartTime >= '2026-04-01 00:00:00'", false),
		d("join", "SELECT f.QualityScore, COUNT(*) FROM Calls c JOIN Feedback f ON f.Sid = c.Sid GROUP BY f.QualityScore ORDER BY 1", "", true),
		d("join", "SELECT c.Sid, r.Sid FROM Calls c, Recordings r WHERE r.CallSid = c.Sid AND c.Direction = 'inbound'", "", false),
		d("join", "SELECT c.*, r.Sid FROM Calls c JOIN Recordings r USING (AccountSid) WHERE c.Status = 'failed' AND r.Channels = 2", "SELECT c.*, r.Sid FROM Calls c JOIN Recordings r ON c.AccountSid = r.AccountSid WHERE c.Status = 'failed' AND r.Channels = 2", false),
		d("join", "SELECT p.Sid, k.Sid FROM Calls p JOIN Calls k ON k.ParentCallSid = p.Sid WHERE p.Direction = 'inbound'", "", false),
		d("join", "SELECT c.Sid, r.Sid, f.QualityScore FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid LEFT JOIN Feedback f ON f.Sid = c.Sid", "", false),
		d("join", "SELECT n.FriendlyName, COUNT(*) FROM InboundPhoneNumbers n JOIN Calls c ON c.`To` = n.PhoneNumber GROUP BY n.FriendlyName ORDER BY 1", "", true),
		// Subqueries.
		d("subquery", "SELECT Sid FROM Recordings WHERE CallSid IN (SELECT Sid FROM Calls WHERE Status = 'completed')", "", false),
		d("subquery", "SELECT Sid, Status FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings WHERE Duration > 300)", "", false),
		d("subquery", "SELECT Sid FROM Calls WHERE Sid NOT IN (SELECT CallSid FROM Recordings WHERE CallSid IS NOT NULL) AND Status = 'completed'", "", false),
		d("subquery", "SELECT Sid FROM Calls WHERE Sid NOT IN (SELECT ParentCallSid FROM Calls)", "", false), // a NULL in the list: no row
		d("subquery", "SELECT Sid FROM Calls WHERE `To` IN (SELECT PhoneNumber FROM InboundPhoneNumbers WHERE Origin = 'hosted')", "", false),
		d("subquery", "SELECT Sid FROM Messages WHERE `From` IN (SELECT PhoneNumber FROM InboundPhoneNumbers WHERE FriendlyName LIKE '%Office%')", "", false),
		d("subquery", "SELECT Sid FROM Calls WHERE Duration > (SELECT AVG(Duration) FROM Calls WHERE Status = 'completed')", "SELECT Sid FROM Calls WHERE Duration > (SELECT round(AVG(Duration), 4) FROM Calls WHERE Status = 'completed')", false),
		d("subquery", "SELECT Sid FROM Calls WHERE Status = 'failed' AND EXISTS (SELECT Sid FROM Recordings WHERE Channels = 2)", "", false),
		d("subquery", "SELECT Status, COUNT(*) FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings) GROUP BY Status ORDER BY Status", "", true),
		// The catalog.
		d("meta", "SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_SCHEMA = 'twilio' AND TABLE_NAME IN ('Calls', 'Messages', 'Recordings', 'InboundPhoneNumbers', 'OutgoingCallerIds', 'Feedback', 'FeedbackSummary') ORDER BY TABLE_NAME",
			"SELECT name FROM (SELECT 'Calls' AS name UNION ALL SELECT 'Messages' UNION ALL SELECT 'Recordings' UNION ALL SELECT 'InboundPhoneNumbers' UNION ALL SELECT 'OutgoingCallerIds' UNION ALL SELECT 'Feedback' UNION ALL SELECT 'FeedbackSummary') ORDER BY name", true),
	}
}

// gen generates queries from the data: values that exist, values that do
// not, and case variants (strings compare exactly).
type gen struct {
	r      *rand.Rand
	tables []*diffTable
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// bare strips backticks for map lookups.
func bare(col string) string { return strings.Trim(col, "`") }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// value picks a literal for a column: mostly one in the data.
func (g *gen) value(tb *diffTable, col string) (string, bool) {
	var vals []any
	for _, row := range tb.rows {
		if v := row[bare(col)]; v != nil {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 || g.r.IntN(10) == 0 {
		return "'zz-none'", true
	}
	v := vals[g.r.IntN(len(vals))]
	switch x := v.(type) {
	case string:
		if strings.ContainsAny(x, `\`) {
			return "", false
		}
		if g.r.IntN(8) == 0 && strings.ToUpper(x) != x {
			x = strings.ToUpper(x) // a case variant: no match
		}
		return quote(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// timeLiteral is a time near the data's: date-only or full.
func (g *gen) timeLiteral(tb *diffTable, col string) (my, lite string) {
	var ts []time.Time
	for _, row := range tb.rows {
		if v, ok := row[col].(time.Time); ok {
			ts = append(ts, v)
		}
	}
	tm := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if len(ts) > 0 {
		tm = ts[g.r.IntN(len(ts))].UTC()
	}
	switch g.r.IntN(3) {
	case 0:
		d := tm.Format(time.DateOnly)
		return quote(d), quote(d + " 00:00:00")
	case 1:
		s := tm.Format(time.DateTime)
		return quote(s), quote(s)
	}
	s := tm.Add(time.Duration(g.r.IntN(7200)-3600) * time.Second).Format(time.DateTime)
	return quote(s), quote(s)
}

// pred is a random predicate over a table, in both dialects.
func (g *gen) pred(tb *diffTable, q string, depth int) (string, string) {
	qual := func(c string) string {
		if q == "" {
			return c
		}
		return q + "." + c
	}
	if depth > 0 && g.r.IntN(3) == 0 {
		a1, b1 := g.pred(tb, q, depth-1)
		a2, b2 := g.pred(tb, q, depth-1)
		switch g.r.IntN(3) {
		case 0:
			return "(" + a1 + " AND " + a2 + ")", "(" + b1 + " AND " + b2 + ")"
		case 1:
			return "(" + a1 + " OR " + a2 + ")", "(" + b1 + " OR " + b2 + ")"
		}
		return "NOT (" + a1 + ")", "NOT (" + b1 + ")"
	}
	for {
		switch k := g.r.IntN(10); {
		case k < 3 && len(tb.strs) > 0: // string comparison or IN
			col := g.pick(tb.strs)
			switch g.r.IntN(4) {
			case 0, 1:
				v, ok := g.value(tb, col)
				if !ok {
					continue
				}
				op := []string{"=", "=", "<>", "<", ">="}[g.r.IntN(5)]
				s := qual(col) + " " + op + " " + v
				return s, s
			case 2:
				var vs []string
				for range 2 + g.r.IntN(3) {
					if v, ok := g.value(tb, col); ok {
						vs = append(vs, v)
					}
				}
				if len(vs) == 0 {
					continue
				}
				if g.r.IntN(6) == 0 {
					vs = append(vs, "NULL")
				}
				not := ""
				if g.r.IntN(4) == 0 {
					not = "NOT "
				}
				s := qual(col) + " " + not + "IN (" + strings.Join(vs, ", ") + ")"
				return s, s
			default:
				s := qual(col) + " IS NULL"
				if g.r.IntN(2) == 0 {
					s = qual(col) + " IS NOT NULL"
				}
				return s, s
			}
		case k < 5 && len(tb.nums) > 0: // numbers
			col := g.pick(tb.nums)
			v, ok := g.value(tb, col)
			if !ok || strings.HasPrefix(v, "'") {
				continue
			}
			switch g.r.IntN(4) {
			case 0:
				s := qual(col) + " BETWEEN " + v + " AND " + v + " + 100"
				return s, s
			case 1:
				s := qual(col) + " * 2 > " + v
				return s, s
			}
			op := []string{"=", "<>", "<", "<=", ">", ">="}[g.r.IntN(6)]
			s := qual(col) + " " + op + " " + v
			return s, s
		case k < 7 && len(tb.times) > 0: // times
			col := g.pick(tb.times)
			my1, lite1 := g.timeLiteral(tb, col)
			if g.r.IntN(3) == 0 {
				my2, lite2 := g.timeLiteral(tb, col)
				return qual(col) + " BETWEEN " + my1 + " AND " + my2, qual(col) + " BETWEEN " + lite1 + " AND " + lite2
			}
			op := []string{"=", "<", "<=", ">", ">="}[g.r.IntN(5)]
			return qual(col) + " " + op + " " + my1, qual(col) + " " + op + " " + lite1
		case k < 9 && len(tb.strs) > 0: // LIKE, ASCII patterns
			col := g.pick(tb.strs)
			v, ok := g.value(tb, col)
			if !ok || !strings.HasPrefix(v, "'") {
				continue
			}
			s := strings.Trim(v, "'")
			ascii := true
			for _, r := range s {
				ascii = ascii && r < 0x80 && r != '%' && r != '_'
			}
			if !ascii || len(s) < 2 {
				continue
			}
			var pat string
			switch g.r.IntN(4) {
			case 0:
				pat = s[:1+g.r.IntN(len(s)-1)] + "%"
			case 1:
				i := g.r.IntN(len(s) - 1)
				pat = "%" + s[i:i+1+g.r.IntN(len(s)-i-1)+1] + "%"
			case 2:
				pat = "%" + s[len(s)/2:]
			default:
				b := []byte(s)
				b[g.r.IntN(len(b))] = '_'
				pat = string(b)
			}
			if g.r.IntN(2) == 0 {
				pat = strings.ToUpper(pat) // LIKE ignores case
			}
			not := ""
			if g.r.IntN(4) == 0 {
				not = "NOT "
			}
			e := qual(col) + " " + not + "LIKE " + quote(pat)
			return e, e
		case len(tb.bools) > 0:
			col := g.pick(tb.bools)
			vals := []string{"TRUE", "FALSE"}
			v := vals[g.r.IntN(2)]
			if g.r.IntN(3) == 0 {
				return qual(col) + " IS " + v, qual(col) + " IS " + map[string]string{"TRUE": "1", "FALSE": "0"}[v]
			}
			return qual(col) + " = " + v, qual(col) + " = " + map[string]string{"TRUE": "1", "FALSE": "0"}[v]
		}
	}
}

// queries generates n queries of every shape, those keep accepts.
func (g *gen) queries(n int, keep func(dialect) bool) []dialect {
	var out []dialect
	add := func(d dialect) {
		if keep(d) {
			out = append(out, d)
		}
	}
	for len(out) < n {
		tb := g.tables[g.r.IntN(len(g.tables))]
		if tb.name == "Calls" || tb.name == "Messages" || g.r.IntN(2) == 0 {
			// most queries on the big tables
		} else {
			tb = g.tables[g.r.IntN(3)]
		}
		cols := g.columns(tb)
		w1, w2 := g.pred(tb, "", 2)
		switch shape := g.r.IntN(9); shape {
		case 0, 1, 2:
			add(dialect{my: "SELECT " + cols + " FROM " + tb.name + " WHERE " + w1, lite: "SELECT " + cols + " FROM " + tb.name + " WHERE " + w2, what: "gen-filter"})
		case 3:
			ord := g.pick(tb.show)
			dir := []string{"", " DESC"}[g.r.IntN(2)]
			lim := ""
			if g.r.IntN(2) == 0 {
				lim = fmt.Sprintf(" LIMIT %d", 1+g.r.IntN(20))
				if g.r.IntN(2) == 0 {
					lim += fmt.Sprintf(" OFFSET %d", g.r.IntN(10))
				}
			}
			tail := " ORDER BY " + ord + dir + ", Sid" + lim
			add(dialect{my: "SELECT " + cols + " FROM " + tb.name + " WHERE " + w1 + tail, lite: "SELECT " + cols + " FROM " + tb.name + " WHERE " + w2 + tail, ordered: true, what: "gen-order"})
		case 4:
			col := g.pick(append(slices.Clone(tb.strs), tb.nums...))
			q := "SELECT DISTINCT " + col + " FROM " + tb.name + " WHERE "
			add(dialect{my: q + w1, lite: q + w2, what: "gen-distinct"})
		case 5:
			key := g.pick(tb.strs)
			aggs := []string{"COUNT(*)"}
			if len(tb.nums) > 0 {
				num := g.pick(tb.nums)
				aggs = append(aggs, "SUM("+num+")", "MIN("+num+")", "MAX("+num+")", "COUNT("+num+")")
			}
			if len(tb.times) > 0 {
				aggs = append(aggs, "MAX("+g.pick(tb.times)+")")
			}
			having := ""
			if g.r.IntN(3) == 0 {
				having = fmt.Sprintf(" HAVING COUNT(*) >= %d", 1+g.r.IntN(5))
			}
			q := "SELECT " + key + ", " + strings.Join(aggs, ", ") + " FROM " + tb.name + " WHERE "
			tail := " GROUP BY " + key + having + " ORDER BY " + key
			add(dialect{my: q + w1 + tail, lite: q + w2 + tail, ordered: true, what: "gen-group"})
		case 6:
			agg := "COUNT(*), COUNT(DISTINCT " + g.pick(tb.strs) + ")"
			liteAgg := agg
			if len(tb.nums) > 0 {
				num := g.pick(tb.nums)
				agg += ", SUM(" + num + "), AVG(" + num + ")"
				liteAgg += ", SUM(" + num + "), " + liteAvg(num)
			}
			add(dialect{my: "SELECT " + agg + " FROM " + tb.name + " WHERE " + w1, lite: "SELECT " + liteAgg + " FROM " + tb.name + " WHERE " + w2, what: "gen-aggregate"})
		case 7:
			calls, recs := g.tables[0], g.tables[2]
			p1, p2 := g.pred(calls, "c", 1)
			r1, r2 := g.pred(recs, "r", 0)
			kind := []string{"JOIN", "LEFT JOIN"}[g.r.IntN(2)]
			q := "SELECT c.Sid, c.Status, r.Sid, r.Duration FROM Calls c " + kind + " Recordings r ON r.CallSid = c.Sid WHERE "
			if g.r.IntN(2) == 0 {
				add(dialect{my: q + p1, lite: q + p2, what: "gen-join"})
			} else {
				add(dialect{my: q + p1 + " AND (" + r1 + " OR r.Sid IS NULL)", lite: q + p2 + " AND (" + r2 + " OR r.Sid IS NULL)", what: "gen-join"})
			}
		case 8:
			calls, recs := g.tables[0], g.tables[2]
			if g.r.IntN(2) == 0 {
				p1, p2 := g.pred(calls, "", 1)
				q := "SELECT Sid, CallSid, Duration FROM Recordings WHERE CallSid IN (SELECT Sid FROM Calls WHERE "
				add(dialect{my: q + p1 + ")", lite: q + p2 + ")", what: "gen-subquery"})
			} else {
				r1, r2 := g.pred(recs, "", 1)
				not := []string{"", "NOT "}[g.r.IntN(2)]
				q := "SELECT Sid, Status FROM Calls WHERE Sid " + not + "IN (SELECT CallSid FROM Recordings WHERE CallSid IS NOT NULL AND "
				add(dialect{my: q + r1 + ")", lite: q + r2 + ")", what: "gen-subquery"})
			}
		}
	}
	return out
}

// columns picks a select list.
func (g *gen) columns(tb *diffTable) string {
	if g.r.IntN(5) == 0 {
		return "*"
	}
	cols := []string{"Sid"}
	for _, c := range tb.show[1:] {
		if g.r.IntN(3) == 0 {
			cols = append(cols, c)
		}
	}
	return strings.Join(cols, ", ")
}
