package server

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	"github.com/twiliosql/twiliosql/schema"
)

// intercept answers what clients send on connect and on introspection that
// the driver does not: session statements (SET, transactions, USE, KILL),
// system variables and session functions inside SELECT, and the SHOW forms
// beyond TABLES, COLUMNS and DATABASES. Statements are recognised from
// their tokens: the driver's parser drops the names of several SHOW forms.
// It returns a result, or a rewritten statement for the driver ("" for the
// statement as it is), or an error.
func (s *Server) intercept(ctx context.Context, ss *session, query string, ts []token, args []any) (*sqltypes.Result, string, error) {
	ok := &sqltypes.Result{}
	switch ts[0].lower {
	case "set", "commit", "rollback", "begin", "do", "savepoint", "release", "unlock", "lock":
		// Twilio has no transactions and the server no settable session
		// state: clients' session setup is accepted and has no effect.
		return ok, "", nil
	case "start":
		if len(ts) > 1 && ts[1].is("transaction") {
			return ok, "", nil
		}
	case "use":
		if len(ts) != 2 {
			return nil, "", mysql.NewSQLError(1064, "42000", "You have an error in your SQL syntax: write USE %s", DatabaseName)
		}
		db, err := knownDatabase(ts[1].text)
		if err != nil {
			return nil, "", err
		}
		ss.db = db
		return ok, "", nil
	case "kill":
		return s.kill(ss, ts[1:])
	case "show":
		return s.show(ss, ts[1:])
	case "select", "(":
		q, err := s.rewriteSelect(ss, query, ts)
		return nil, q, err
	}
	return nil, "", nil
}

// kill cancels another connection's statement (KILL QUERY n) or closes it
// (KILL [CONNECTION] n). A client may kill only its own user's connections.
func (s *Server) kill(ss *session, ts []token) (*sqltypes.Result, string, error) {
	query := false
	if len(ts) > 0 && (ts[0].is("query") || ts[0].is("connection")) {
		query = ts[0].is("query")
		ts = ts[1:]
	}
	if len(ts) != 1 {
		return nil, "", mysql.NewSQLError(1064, "42000", "You have an error in your SQL syntax: write KILL [QUERY] connection_id")
	}
	id, err := strconv.ParseUint(ts[0].text, 10, 32)
	if err != nil {
		return nil, "", mysql.NewSQLError(1064, "42000", "You have an error in your SQL syntax: KILL takes a connection id, not %q", ts[0].text)
	}
	s.mu.Lock()
	target := s.sessions[uint32(id)]
	if target == nil || target.user != ss.user {
		s.mu.Unlock()
		return nil, "", mysql.NewSQLError(1094, "HY000", "Unknown thread id: %d", id)
	}
	if target.cancel != nil {
		target.cancel(fmt.Errorf("KILL QUERY from connection %d", ss.id))
	}
	s.mu.Unlock()
	if !query && target != ss {
		target.closeSocket()
	}
	return &sqltypes.Result{}, "", nil
}

// sysvar is a system variable's value: a string or an int64.
func (s *Server) sysvars() map[string]any {
	ssl := "DISABLED"
	if s.cfg.TLS != nil {
		ssl = "YES"
	}
	maxConn := int64(s.cfg.MaxConnections)
	if maxConn == 0 {
		maxConn = 100000
	}
	timeout := int64(28800)
	if s.cfg.IdleTimeout > 0 {
		timeout = int64(s.cfg.IdleTimeout.Seconds())
	}
	port := int64(0)
	if a, ok := s.Addr().(*net.TCPAddr); ok {
		port = int64(a.Port)
	}
	return map[string]any{
		"auto_increment_increment":        int64(1),
		"auto_increment_offset":           int64(1),
		"autocommit":                      int64(1),
		"character_set_client":            "utf8mb4",
		"character_set_connection":        "utf8mb4",
		"character_set_database":          "utf8mb4",
		"character_set_filesystem":        "binary",
		"character_set_results":           "utf8mb4",
		"character_set_server":            "utf8mb4",
		"character_set_system":            "utf8mb3",
		"collation_connection":            "utf8mb4_0900_ai_ci",
		"collation_database":              "utf8mb4_0900_ai_ci",
		"collation_server":                "utf8mb4_0900_ai_ci",
		"default_storage_engine":          "Twilio",
		"div_precision_increment":         int64(4),
		"error_count":                     int64(0),
		"explicit_defaults_for_timestamp": int64(1),
		"group_concat_max_len":            int64(1024),
		"have_openssl":                    ssl,
		"have_ssl":                        ssl,
		"hostname":                        "twiliosql",
		"identity":                        int64(0),
		"init_connect":                    "",
		"interactive_timeout":             timeout,
		"last_insert_id":                  int64(0),
		"lc_messages":                     "en_US",
		"license":                         "Apache-2.0",
		"lower_case_table_names":          int64(0),
		"max_allowed_packet":              int64(67108864),
		"max_connections":                 maxConn,
		"max_execution_time":              int64(0),
		"net_buffer_length":               int64(16384),
		"net_read_timeout":                int64(30),
		"net_write_timeout":               int64(60),
		"performance_schema":              int64(0),
		"port":                            port,
		"protocol_version":                int64(10),
		"query_cache_size":                int64(0),
		"query_cache_type":                "OFF",
		"read_only":                       int64(0),
		"sql_auto_is_null":                int64(0),
		"sql_mode":                        "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
		"sql_safe_updates":                int64(0),
		"system_time_zone":                "UTC",
		"time_zone":                       "SYSTEM",
		"transaction_isolation":           "REPEATABLE-READ",
		"transaction_read_only":           int64(0),
		"tx_isolation":                    "REPEATABLE-READ",
		"tx_read_only":                    int64(0),
		"version":                         ServerVersion,
		"version_comment":                 "twiliosql: a Twilio account as a MySQL database",
		"version_compile_machine":         "x86_64",
		"version_compile_os":              "Linux",
		"wait_timeout":                    timeout,
		"warning_count":                   int64(0),
	}
}

func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return quoteString(x)
	}
	return quoteString(fmt.Sprint(v))
}

// sessionFunc is the value of a session function called with no arguments.
func (s *Server) sessionFunc(ss *session, name string) (any, bool) {
	switch name {
	case "version":
		return ServerVersion, true
	case "database", "schema":
		if ss.db == "" {
			return nil, true
		}
		return ss.db, true
	case "user", "session_user", "system_user":
		host := "localhost"
		if a, ok := ss.remote.(*net.TCPAddr); ok && !a.IP.IsLoopback() {
			host = a.IP.String()
		}
		return ss.user + "@" + host, true
	case "current_user":
		return ss.user + "@%", true
	case "connection_id":
		return int64(ss.id), true
	case "last_insert_id", "found_rows", "row_count":
		return int64(0), true
	}
	return nil, false
}

// rewriteSelect replaces system variables (@@x, @@session.x), user
// variables (NULL) and session functions (VERSION(), DATABASE(), USER(),
// CONNECTION_ID()) with their values, naming a select item after what the
// client wrote, as MySQL does. It returns "" when nothing was replaced.
func (s *Server) rewriteSelect(ss *session, q string, ts []token) (string, error) {
	var vars map[string]any
	var b strings.Builder
	last := 0
	depth := 0
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		if t.quote == 0 {
			switch t.text {
			case "(":
				depth++
			case ")":
				depth--
			}
		}
		var value any
		var end int // index of the expression's last token
		switch {
		case t.quote == 0 && strings.HasPrefix(t.text, "@@"):
			if vars == nil {
				vars = s.sysvars()
			}
			name := strings.TrimPrefix(t.lower, "@@")
			for _, scope := range []string{"session.", "global.", "local."} {
				name = strings.TrimPrefix(name, scope)
			}
			v, ok := vars[name]
			if !ok {
				return "", mysql.NewSQLError(1193, "HY000", "Unknown system variable '%s'", name)
			}
			value, end = v, i
		case t.quote == 0 && strings.HasPrefix(t.text, "@"):
			value, end = nil, i
		case t.quote == 0 && i+2 < len(ts) && ts[i+1].text == "(" && ts[i+2].text == ")" && ts[i+1].quote == 0 && ts[i+2].quote == 0 && (i == 0 || ts[i-1].text != "."):
			v, ok := s.sessionFunc(ss, t.lower)
			if !ok {
				continue
			}
			value, end = v, i+2
		default:
			continue
		}
		b.WriteString(q[last:t.start])
		if t.start > 0 && isWordByte(q[t.start-1]) {
			b.WriteByte(' ')
		}
		b.WriteString(literal(value))
		// A whole select item gets the name the client wrote.
		prev := ""
		if i > 0 {
			prev = ts[i-1].lower
		}
		next := ""
		if end+1 < len(ts) {
			next = ts[end+1].lower
		}
		if depth == 0 && (prev == "select" || prev == "," || prev == "distinct") &&
			(next == "" || next == "," || next == "from" || next == "limit" || next == "where" || next == "order" || next == "into" || next == ";") {
			b.WriteString(" AS ")
			b.WriteString(quoteIdent(q[t.start:ts[end].end]))
		}
		last = ts[end].end
		if last < len(q) && isWordByte(q[last]) {
			b.WriteByte(' ')
		}
		i = end
	}
	if last == 0 {
		return "", nil
	}
	b.WriteString(q[last:])
	return b.String(), nil
}

// result builds a server-made result set.
func result(fields []*querypb.Field, rows [][]any) *sqltypes.Result {
	res := &sqltypes.Result{Fields: fields, Rows: make([][]sqltypes.Value, 0, len(rows))}
	for _, r := range rows {
		row := make([]sqltypes.Value, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case nil:
				row[i] = sqltypes.NULL
			case int64:
				row[i] = sqltypes.MakeTrusted(fields[i].Type, strconv.AppendInt(nil, x, 10))
			default:
				row[i] = sqltypes.MakeTrusted(fields[i].Type, []byte(fmt.Sprint(x)))
			}
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

func fieldsOf(spec ...string) []*querypb.Field {
	out := make([]*querypb.Field, len(spec))
	for i, n := range spec {
		if strings.HasPrefix(n, "#") {
			out[i] = intField(n[1:])
		} else {
			out[i] = textField(n)
		}
	}
	return out
}

// show answers the SHOW forms the driver does not; the others (TABLES,
// COLUMNS, FIELDS, DATABASES, SCHEMAS) go to the driver.
func (s *Server) show(ss *session, ts []token) (*sqltypes.Result, string, error) {
	for len(ts) > 0 && (ts[0].is("global") || ts[0].is("session") || ts[0].is("local")) {
		ts = ts[1:]
	}
	full := false
	if len(ts) > 0 && ts[0].is("full") {
		full, ts = true, ts[1:]
	}
	if len(ts) == 0 {
		return nil, "", nil
	}
	kind, rest := ts[0].lower, ts[1:]
	switch kind {
	case "variables":
		vars := s.sysvars()
		names := make([]string, 0, len(vars))
		for n := range vars {
			names = append(names, n)
		}
		sort.Strings(names)
		rows := make([][]any, len(names))
		for i, n := range names {
			rows[i] = []any{n, fmt.Sprint(vars[n])}
		}
		return filtered(fieldsOf("Variable_name", "Value"), rows, rest)
	case "status":
		s.mu.Lock()
		n := len(s.sessions)
		s.mu.Unlock()
		rows := [][]any{{"Threads_connected", strconv.Itoa(n)}}
		return filtered(fieldsOf("Variable_name", "Value"), rows, rest)
	case "collation":
		return filtered(fieldsOf("Collation", "Charset", "#Id", "Default", "Compiled", "#Sortlen", "Pad_attribute"), [][]any{
			{"binary", "binary", int64(63), "Yes", "Yes", int64(1), "NO PAD"},
			{"utf8mb4_0900_ai_ci", "utf8mb4", int64(255), "Yes", "Yes", int64(0), "NO PAD"},
			{"utf8mb4_bin", "utf8mb4", int64(46), "", "Yes", int64(1), "PAD SPACE"},
			{"utf8mb4_general_ci", "utf8mb4", int64(45), "", "Yes", int64(1), "PAD SPACE"},
		}, rest)
	case "character", "charset":
		if kind == "character" {
			if len(rest) == 0 || !rest[0].is("set") {
				return nil, "", nil
			}
			rest = rest[1:]
		}
		return filtered(fieldsOf("Charset", "Description", "Default collation", "#Maxlen"), [][]any{
			{"binary", "Binary pseudo charset", "binary", int64(1)},
			{"utf8mb4", "UTF-8 Unicode", "utf8mb4_0900_ai_ci", int64(4)},
		}, rest)
	case "engines":
		return filtered(fieldsOf("Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"), [][]any{
			{"Twilio", "DEFAULT", "A Twilio account's resources through its REST API", "NO", "NO", "NO"},
		}, rest)
	case "warnings", "errors":
		// Statements leave no warnings; an error is returned with the statement.
		return filtered(fieldsOf("Level", "#Code", "Message"), nil, rest)
	case "processlist":
		return s.processList(ss, full)
	case "grants":
		return result(fieldsOf("Grants for "+ss.user+"@%"), [][]any{
			{"GRANT SELECT, INSERT, UPDATE, DELETE ON `" + DatabaseName + "`.* TO `" + ss.user + "`@`%`"},
		}), "", nil
	case "create":
		if len(rest) == 0 {
			return nil, "", nil
		}
		switch {
		case rest[0].is("table"):
			t, err := tableFromTokens(rest[1:])
			if err != nil {
				return nil, "", err
			}
			return result(fieldsOf("Table", "Create Table"), [][]any{{t.Name, createTable(t)}}), "", nil
		case rest[0].is("database") || rest[0].is("schema"):
			if len(rest) < 2 {
				return nil, "", mysql.NewSQLError(1064, "42000", "You have an error in your SQL syntax: write SHOW CREATE DATABASE %s", DatabaseName)
			}
			name := rest[len(rest)-1].text
			db, err := knownDatabase(name)
			if err != nil {
				return nil, "", err
			}
			return result(fieldsOf("Database", "Create Database"), [][]any{{db,
				"CREATE DATABASE `" + db + "` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin */"}}), "", nil
		}
	case "index", "indexes", "keys":
		if len(rest) < 2 || !(rest[0].is("from") || rest[0].is("in")) {
			return nil, "", mysql.NewSQLError(1064, "42000", "You have an error in your SQL syntax: write SHOW INDEX FROM <table>")
		}
		rest = rest[1:]
		var where []token
		for i, t := range rest {
			if t.is("where") {
				rest, where = rest[:i], rest[i:]
				break
			}
		}
		// SHOW INDEX FROM t FROM db: the database is the table's qualifier.
		for i := 1; i+1 < len(rest); i++ {
			if rest[i].is("from") || rest[i].is("in") {
				rest = append([]token{rest[i+1], {text: ".", lower: "."}}, rest[:i]...)
				break
			}
		}
		t, err := tableFromTokens(rest)
		if err != nil {
			return nil, "", err
		}
		var rows [][]any
		for _, ix := range t.Indexes() {
			nonUnique, null := int64(1), "YES"
			if ix.Unique {
				nonUnique, null = 0, ""
			}
			rows = append(rows, []any{t.Name, nonUnique, ix.Name, int64(1), ix.Column, "A", nil, nil, nil, null, "BTREE", "", "", "YES", nil})
		}
		return filtered(fieldsOf("Table", "#Non_unique", "Key_name", "#Seq_in_index", "Column_name", "Collation", "#Cardinality",
			"#Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Visible", "Expression"), rows, where)
	case "table":
		if len(rest) == 0 || !rest[0].is("status") {
			return nil, "", nil
		}
		rest = rest[1:]
		if len(rest) >= 2 && (rest[0].is("from") || rest[0].is("in")) {
			if _, err := knownDatabase(rest[1].text); err != nil {
				return nil, "", err
			}
			rest = rest[2:]
		}
		var rows [][]any
		for _, t := range schema.Tables() {
			rows = append(rows, []any{t.Name, "Twilio", int64(10), "Dynamic", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
				"utf8mb4_bin", nil, "", t.Description})
		}
		return filtered(fieldsOf("Name", "Engine", "#Version", "Row_format", "#Rows", "#Avg_row_length", "#Data_length",
			"#Max_data_length", "#Index_length", "#Data_free", "#Auto_increment", "Create_time", "Update_time", "Check_time",
			"Collation", "#Checksum", "Create_options", "Comment"), rows, rest)
	}
	return nil, "", nil
}

func (s *Server) processList(ss *session, full bool) (*sqltypes.Result, string, error) {
	s.mu.Lock()
	var rows [][]any
	for _, o := range s.sessions {
		if o.user != ss.user {
			continue
		}
		cmd := "Sleep"
		if o.cancel != nil {
			cmd = "Query"
		}
		var db any
		if o.db != "" {
			db = o.db
		}
		rows = append(rows, []any{int64(o.id), o.user, o.remoteAddr(), db, cmd, int64(0), "", nil})
	}
	s.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i][0].(int64) < rows[j][0].(int64) })
	_ = full
	return result(fieldsOf("#Id", "User", "Host", "db", "Command", "#Time", "State", "Info"), rows), "", nil
}

// tableFromTokens reads [db.]table and finds the table, or MySQL's 1146.
func tableFromTokens(ts []token) (*schema.Table, error) {
	var db, name string
	switch {
	case len(ts) == 1:
		name = ts[0].text
	case len(ts) == 3 && ts[1].text == ".":
		db, name = ts[0].text, ts[2].text
	default:
		return nil, mysql.NewSQLError(1064, "42000", "You have an error in your SQL syntax: expected a table name")
	}
	if db != "" && !strings.EqualFold(db, DatabaseName) {
		return nil, mysql.NewSQLError(1146, "42S02", "Table '%s.%s' doesn't exist", db, name)
	}
	t, ok := schema.Lookup(name)
	if !ok {
		return nil, mysql.NewSQLError(1146, "42S02", "Table '%s.%s' doesn't exist", DatabaseName, name)
	}
	return t, nil
}

// columnType is a column's type as SHOW CREATE TABLE writes it.
func columnType(t schema.Type) string {
	switch t {
	case schema.Int:
		return "bigint"
	case schema.Float:
		return "double"
	case schema.Decimal:
		return "decimal(65,30)"
	case schema.Bool:
		return "tinyint(1)"
	case schema.Time:
		return "datetime"
	case schema.Date:
		return "date"
	case schema.JSON:
		return "json"
	}
	return "varchar(65535)"
}

// createTable is SHOW CREATE TABLE's text: one backquoted column a line,
// then the primary key and indexes, as SQLAlchemy's reflection reads it.
func createTable(t *schema.Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n", quoteIdent(t.Name))
	idx := t.Indexes()
	pk := len(idx) > 0 && idx[0].Unique
	for i, c := range t.Columns {
		null := " DEFAULT NULL"
		if !c.Nullable || (pk && c.Name == idx[0].Column) {
			null = " NOT NULL"
		}
		fmt.Fprintf(&b, "  %s %s%s", quoteIdent(c.Name), columnType(c.Type), null)
		if i < len(t.Columns)-1 || len(idx) > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	for i, ix := range idx {
		if ix.Unique {
			fmt.Fprintf(&b, "  PRIMARY KEY (%s)", quoteIdent(ix.Column))
		} else {
			fmt.Fprintf(&b, "  KEY %s (%s)", quoteIdent(ix.Name), quoteIdent(ix.Column))
		}
		if i < len(idx)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, ") ENGINE=Twilio DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT=%s", quoteString(t.Description))
	return b.String()
}
