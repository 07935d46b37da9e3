// Package schema is the table catalog: which Twilio resources are tables, their
// typed columns, the endpoints behind each SQL operation and which filters the
// Twilio API evaluates itself. It is data only and imports nothing of ours, so
// every other package can share one description of a table.
package schema

import (
	"reflect"
	"regexp"
	"slices"
	"time"
)

// Type is a column's SQL type. Twilio sends most numbers as strings and
// almost every field may be null, so each Type also says how to read JSON.
type Type uint8

const (
	String Type = iota // a JSON string
	Int                // a JSON number or a numeric string, read as int64
	Float              // a JSON number or a numeric string, read as float64
	Bool               // a JSON boolean
	Time               // an RFC 2822 timestamp ("Tue, 31 Aug 2010 20:36:28 +0000")
	Date               // a calendar date ("2014-06-01"), read as time.Time at UTC midnight
	JSON               // an object or array, kept as its JSON text
	// Decimal is an exact number computed by a query (1/3, AVG of
	// integers, a literal such as 0.1), never a table's column: database/sql
	// receives it as float64, DatabaseTypeName says DECIMAL as MySQL does.
	Decimal
)

// DatabaseTypeName is the name database/sql reports in ColumnType.DatabaseTypeName.
func (t Type) DatabaseTypeName() string {
	switch t {
	case Int:
		return "BIGINT"
	case Float:
		return "DOUBLE"
	case Decimal:
		return "DECIMAL"
	case Bool:
		return "BOOLEAN"
	case Time:
		return "DATETIME"
	case Date:
		return "DATE"
	case JSON:
		return "JSON"
	default:
		return "VARCHAR"
	}
}

// String returns the SQL type name.
func (t Type) String() string { return t.DatabaseTypeName() }

var (
	scanString = reflect.TypeFor[string]()
	scanInt    = reflect.TypeFor[int64]()
	scanFloat  = reflect.TypeFor[float64]()
	scanBool   = reflect.TypeFor[bool]()
	scanTime   = reflect.TypeFor[time.Time]()
)

// ScanType is the Go type a non-null value of this column scans into.
func (t Type) ScanType() reflect.Type {
	switch t {
	case Int:
		return scanInt
	case Float, Decimal:
		return scanFloat
	case Bool:
		return scanBool
	case Time, Date:
		return scanTime
	default:
		return scanString
	}
}

// Column is one field of a Twilio resource, named in PascalCase.
type Column struct {
	Name     string   // SQL name, e.g. "StartTime"
	Field    string   // JSON field in Twilio's responses, e.g. "start_time"
	Type     Type     //
	Nullable bool     // false only where Twilio always sends a value
	Aliases  []string // other names accepted wherever the column is, e.g. "Sender"
	// FoldCase: comparisons with the column ignore case, as with MySQL's
	// information_schema columns (utf8mb3_general_ci), where clients
	// write IS_NULLABLE = 'yes' and TABLE_NAME = 'calls'.
	FoldCase bool
}

// Param is a form parameter of a create or update request. INSERT columns and
// UPDATE assignments name params, not columns: a call is created with Url or
// Twiml, which the Call resource never returns.
type Param struct {
	Name     string // form name, e.g. "StatusCallback"
	Type     Type   // how a SQL value is rendered into the form
	Required bool   // Twilio answers 400 / 21604-style errors without it
	Multi    bool   // an array parameter: repeated key, values from a JSON array or a comma list
	InPath   bool   // the value fills {Sid} in the endpoint (Feedback's call Sid)
}

// Op is a comparison a list filter can carry to Twilio.
type Op uint8

const (
	Eq Op = 1 << iota
	Lt
	Le
	Gt
	Ge
)

// Has reports whether o includes every op of q.
func (o Op) Has(q Op) bool { return o&q == q }

// Filter is a query parameter of a list endpoint that filters on a column.
type Filter struct {
	Column string // the column it filters
	Param  string // query parameter; range forms append "<" or ">" ("StartTime<")
	Ops    Op     // the comparisons Twilio serves for it
	// DayGranular marks date filters: Twilio ignores the time of day and its
	// bounds are inclusive, so a pushed filter returns a superset that the
	// driver must re-check.
	DayGranular bool
	// Format of the value on the wire: "" for the value as it is, "date" for
	// YYYY-MM-DD.
	Format string
	// Exact marks a filter whose answer is exactly the SQL comparison it
	// serves (strings compared byte for byte): nothing is left to re-check,
	// so LIMIT may shrink the page. Without it the filter returns a superset
	// (day-granular dates, partial phone numbers, Beta) and the driver
	// re-checks every row; the zero value is the safe one.
	Exact bool
	// Only lists the values worth sending, when the parameter narrows the
	// list for some values alone (Beta: only false leaves rows out); empty:
	// every value.
	Only []string
	// Values are the values Twilio accepts for the parameter (the spec's
	// enum); it refuses any other with 400 / 20001, so another value is
	// not sent but checked here. Empty: any value.
	Values []string
	// Pattern is the spec's pattern for the parameter (a Sid: its prefix
	// and 32 hex digits); Twilio refuses any other value with 400 / 20001,
	// so another value is not sent but checked here. Nil: any value.
	Pattern *regexp.Regexp
	// Note says how Twilio matches, for SHOW FULL COLUMNS and EXPLAIN.
	Note string
}

// Serves reports whether the filter carries value v to Twilio.
func (f Filter) Serves(v string) bool {
	if v == "" {
		// Twilio ignores an empty filter parameter: it would list everything.
		return false
	}
	if len(f.Values) > 0 && !slices.Contains(f.Values, v) {
		return false
	}
	if f.Pattern != nil && !f.Pattern.MatchString(v) {
		return false
	}
	return len(f.Only) == 0 || slices.Contains(f.Only, v)
}

// Operation is a SQL statement kind a table serves.
type Operation uint8

const (
	List   Operation = 1 << iota // SELECT without Sid
	Get                          // SELECT ... WHERE Sid = ...
	Create                       // INSERT
	Update                       // UPDATE
	Delete                       // DELETE
)

// Table is one Twilio resource exposed as a table. Paths are relative to the
// account, "/2010-04-01/Accounts/{AccountSid}/"; "{Sid}" stands for the row's Sid.
type Table struct {
	Name        string   // "Calls"
	Aliases     []string // other names, e.g. "IncomingPhoneNumbers"
	Description string

	Operations Operation
	ListPath   string // GET for List
	ListKey    string // the array's key in a list page, e.g. "calls"
	ItemPath   string // GET for Get, POST for Update, DELETE for Delete
	CreatePath string // POST for Create

	// SidPrefixes are the two-letter prefixes of valid Sids ("SM", "MM").
	SidPrefixes []string

	Columns      []Column
	Filters      []Filter
	CreateParams []Param
	UpdateParams []Param

	// SplitColumn is the date column a listing filtered on a range of it
	// may be split on, into slices of whole days fetched at once (its
	// filter is DayGranular with range ops); "": never split.
	SplitColumn string
	// RetentionDays bounds how far back a filter on a date column may
	// reach: Twilio refuses Messages filters past 400 days. 0: no bound.
	RetentionDays int
	// SidOf names the resource whose Sid fetches a row when it is not the
	// table's own (Feedback is fetched by its call's Sid); "": the table's.
	SidOf string

	// Keys are the placeholders of the paths other than the row's own Sid:
	// {AccountSid} (the account the path is under; the credentials' account
	// when a query does not say) and the Sids of parent resources
	// ({ConferenceSid}, {CountryCode}). Each is a column of the table.
	Keys []PathKey
	// ItemKey is the column whose value fills {Sid} in ItemPath when it is
	// not Sid (a participant is fetched by its CallSid); "" for Sid.
	ItemKey string
	// Singleton marks a resource fetched without a key (Balance.json): a
	// SELECT reads ItemPath once per set of path keys.
	Singleton bool

	// Operation ids of the spec behind each statement, for docs and the
	// catalog test: "ListCall", "FetchCall", ...
	OperationIDs map[Operation]string
}

// SidKind says what Sid fetches a row, for messages: "call" (Feedback) or
// the table's first prefix ("SM…").
func (t *Table) SidKind() string {
	if t.SidOf != "" {
		return t.SidOf
	}
	if len(t.SidPrefixes) == 0 {
		return "a"
	}
	return t.SidPrefixes[0] + "…"
}

// SidPattern is the spec's pattern of a Sid with the given two-letter
// prefix: the prefix and 32 hex digits.
func SidPattern(prefix string) *regexp.Regexp {
	return regexp.MustCompile("^" + prefix + "[0-9a-fA-F]{32}$")
}

// PathKey is a placeholder of a table's paths filled from a key column.
type PathKey struct {
	Column string // the key column, e.g. "ConferenceSid"
	Param  string // the placeholder's name in the paths, e.g. "ConferenceSid"
	// Parent is the table whose rows give the values when a query does
	// not ("Conferences"), and ParentColumn the column of the parent that
	// holds them ("Sid"). Parent is "" for AccountSid, which defaults to
	// the credentials' account.
	Parent       string
	ParentColumn string
	// FromPath marks a key the resource itself does not return (a
	// CountryCode of available numbers): the value used in the path is
	// put into the column.
	FromPath bool
}
