package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// normalized renders a scanned value the same way whichever client read it.
func normalized(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(x)
	case string:
		return x
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999")
	case bool:
		if x {
			return "1"
		}
		return "0"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

func scanNormalized(t testing.TB, db *sql.DB, q string, args ...any) ([]string, [][]string) {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out [][]string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := make([]string, len(vals))
		for i, v := range vals {
			r[i] = normalized(v)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return cols, out
}

// TestGoClientMatchesDriver runs queries with arguments through
// go-sql-driver/mysql, prepared (COM_STMT_PREPARE/EXECUTE, binary rows)
// and interpolated (COM_QUERY, text rows), and compares with the driver.
func TestGoClientMatchesDriver(t *testing.T) {
	ts := startServer(t, serverOptions{})
	var sid string
	if err := ts.direct.QueryRow("SELECT Sid FROM Messages ORDER BY Sid LIMIT 1").Scan(&sid); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q    string
		args []any
	}{
		{"SELECT Sid, Status, Duration, Price, StartTime, SubresourceUris FROM Calls WHERE Status = ? ORDER BY Sid LIMIT 20", []any{"completed"}},
		{"SELECT Status, COUNT(*) AS n, SUM(Duration) AS total, AVG(Price) AS avg_price FROM Calls WHERE Duration > ? GROUP BY Status ORDER BY Status", []any{10}},
		{"SELECT Sid, Body, `From`, NumSegments, DateSent FROM Messages WHERE Sid = ?", []any{sid}},
		{"SELECT PhoneNumber, Beta, VoiceCallerIdLookup FROM InboundPhoneNumbers ORDER BY PhoneNumber", nil},
		{"SELECT COUNT(*) FROM Calls WHERE Price < ?", []any{-0.05}},
		{"SELECT '' AS empty, 'NULL' AS text, NULL AS nothing, Sid FROM Calls LIMIT 2", nil},
	}
	for _, mode := range []string{"parseTime=true", "parseTime=true&interpolateParams=true"} {
		client := ts.client(t, mode)
		if err := client.Ping(); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		for _, c := range cases {
			wantCols, want := scanNormalized(t, ts.direct, c.q, c.args...)
			cols, got := scanNormalized(t, client, c.q, c.args...)
			if !reflect.DeepEqual(cols, wantCols) {
				t.Errorf("%s: %s: columns %q, want %q", mode, c.q, cols, wantCols)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s:\n got %q\nwant %q", mode, c.q, got, want)
			}
			if len(want) == 0 {
				t.Errorf("%s: %s: no rows: the case tests nothing", mode, c.q)
			}
		}
	}
}

// TestColumnTypes checks the MySQL types clients map columns by.
func TestColumnTypes(t *testing.T) {
	ts := startServer(t, serverOptions{})
	client := ts.client(t, "")
	rows, err := client.Query("SELECT Sid, Duration, Price, StartTime, SubresourceUris FROM Calls LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	cts, _ := rows.ColumnTypes()
	rows.Close()
	var got []string
	for _, c := range cts {
		got = append(got, c.DatabaseTypeName())
	}
	if want := []string{"VARCHAR", "BIGINT", "DOUBLE", "DATETIME", "JSON"}; !reflect.DeepEqual(got, want) {
		t.Errorf("types %q, want %q", got, want)
	}
	rows, err = client.Query("SELECT Beta FROM InboundPhoneNumbers LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	cts, _ = rows.ColumnTypes()
	rows.Close()
	if n := cts[0].DatabaseTypeName(); n != "TINYINT" {
		t.Errorf("BOOLEAN column is %s, want TINYINT (TINYINT(1))", n)
	}
	// MySQL's / and AVG of integers are DECIMALs (NEWDECIMAL on the wire),
	// a DOUBLE operand makes a DOUBLE.
	rows, err = client.Query("SELECT 1/3, 7/2, AVG(Duration), 1/3e0, 7 DIV 2, 1/0 FROM Calls")
	if err != nil {
		t.Fatal(err)
	}
	cts, _ = rows.ColumnTypes()
	got = got[:0]
	for _, c := range cts {
		got = append(got, c.DatabaseTypeName())
	}
	if want := []string{"DECIMAL", "DECIMAL", "DECIMAL", "DOUBLE", "BIGINT", "DECIMAL"}; !reflect.DeepEqual(got, want) {
		t.Errorf("types %q, want %q", got, want)
	}
	var third, half, avg, double, div, null sql.NullString
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	if err := rows.Scan(&third, &half, &avg, &double, &div, &null); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if third.String != "0.3333" || half.String != "3.5000" || double.String != "0.3333333333333333" || div.String != "3" || null.Valid {
		t.Errorf("1/3, 7/2, 1/3e0, 7 DIV 2, 1/0 are %v, %v, %v, %v, %v", third, half, double, div, null)
	}
	if a, err := strconv.ParseFloat(avg.String, 64); err != nil || a != math.Round(a*1e4)/1e4 || !strings.Contains(avg.String, ".") || len(avg.String)-strings.Index(avg.String, ".") != 5 {
		t.Errorf("AVG(Duration) is %q, want a number of 4 decimals", avg.String)
	}
	// A prepared statement's binary rows carry the same text.
	var binHalf, binThird string
	if err := client.QueryRow("SELECT ? / 2, 1.00 / ?", 7, 3).Scan(&binHalf, &binThird); err != nil {
		t.Fatal(err)
	}
	if binHalf != "3.5000" || binThird != "0.333333" {
		t.Errorf("prepared ? / 2, 1.00 / ? with 7, 3: %q, %q; want 3.5000, 0.333333", binHalf, binThird)
	}
}

// TestIntrospection sends what clients send on connect and introspection
// and checks MySQL's column sets.
func TestIntrospection(t *testing.T) {
	ts := startServer(t, serverOptions{})
	client := ts.client(t, "")
	client.SetMaxOpenConns(1)
	cases := []struct {
		q        string
		cols     []string
		firstRow []string // nil: not checked
		rows     int      // -1: not checked
	}{
		{"SET NAMES utf8mb4", nil, nil, 0},
		{"set autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES')", nil, nil, 0},
		{"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", nil, nil, 0},
		{"START TRANSACTION READ ONLY", nil, nil, 0},
		{"COMMIT", nil, nil, 0},
		{"ROLLBACK", nil, nil, 0},
		{"select @@version_comment limit 1", []string{"@@version_comment"}, nil, 1},
		{"SELECT @@max_allowed_packet,@@system_time_zone,@@time_zone,@@auto_increment_increment",
			[]string{"@@max_allowed_packet", "@@system_time_zone", "@@time_zone", "@@auto_increment_increment"}, []string{"67108864", "UTC", "SYSTEM", "1"}, 1},
		{"SELECT @@session.transaction_isolation, @@tx_isolation, @@lower_case_table_names",
			[]string{"@@session.transaction_isolation", "@@tx_isolation", "@@lower_case_table_names"}, []string{"REPEATABLE-READ", "REPEATABLE-READ", "0"}, 1},
		{"SELECT @@character_set_client, @@character_set_results, @@collation_connection", nil, []string{"utf8mb4", "utf8mb4", "utf8mb4_0900_ai_ci"}, 1},
		{"SELECT VERSION(), DATABASE(), USER(), CURRENT_USER()", []string{"VERSION()", "DATABASE()", "USER()", "CURRENT_USER()"},
			[]string{ServerVersion, "twilio", "twilio@localhost", "twilio@%"}, 1},
		{"SHOW DATABASES", []string{"Database"}, []string{"information_schema"}, 2},
		{"SHOW SCHEMAS", []string{"Database"}, []string{"information_schema"}, 2},
		{"SHOW TABLES", []string{"Tables_in_twilio"}, []string{"Calls"}, len(schema.Tables())},
		{"SHOW FULL TABLES FROM `twilio`", []string{"Tables_in_twilio", "Table_type"}, []string{"Calls", "BASE TABLE"}, len(schema.Tables())},
		{"SHOW TABLES LIKE 'Feed%'", []string{"Tables_in_twilio"}, []string{"Feedback"}, 2},
		{"DESCRIBE Calls", []string{"Field", "Type", "Null", "Key", "Default", "Extra"}, []string{"Sid", "varchar", "YES", "PRI", "NULL", ""}, 26},
		{"SHOW COLUMNS FROM Calls", []string{"Field", "Type", "Null", "Key", "Default", "Extra"}, nil, 26},
		{"SHOW FULL COLUMNS FROM `Calls` FROM twilio", []string{"Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges", "Comment"}, nil, 26},
		{"SHOW CREATE TABLE Calls", []string{"Table", "Create Table"}, nil, 1},
		{"SHOW CREATE TABLE twilio.Messages", []string{"Table", "Create Table"}, nil, 1},
		{"SHOW INDEX FROM Calls", []string{"Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality", "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Visible", "Expression"},
			[]string{"Calls", "0", "PRIMARY", "1", "Sid", "A", "NULL", "NULL", "NULL", "", "BTREE", "", "", "YES", "NULL"}, -1},
		{"SHOW KEYS FROM Calls FROM twilio WHERE Key_name = 'PRIMARY'", nil, nil, 1},
		{"SHOW VARIABLES LIKE 'sql_mode'", []string{"Variable_name", "Value"}, nil, 1},
		{"SHOW SESSION VARIABLES WHERE Variable_name IN ('max_allowed_packet', 'time_zone') OR Variable_name = 'autocommit'", []string{"Variable_name", "Value"},
			[]string{"autocommit", "1"}, 3},
		{"SHOW COLLATION LIKE 'utf8mb4%'", []string{"Collation", "Charset", "Id", "Default", "Compiled", "Sortlen", "Pad_attribute"}, nil, 3},
		{"SHOW CHARACTER SET", []string{"Charset", "Description", "Default collation", "Maxlen"}, nil, 2},
		{"SHOW WARNINGS", []string{"Level", "Code", "Message"}, nil, 0},
		{"SHOW TABLE STATUS LIKE 'Calls'", nil, []string{"Calls", "Twilio"}, 1},
		{"SHOW ENGINES", nil, nil, 1},
		{"SELECT SCHEMA_NAME FROM information_schema.schemata ORDER BY SCHEMA_NAME", []string{"SCHEMA_NAME"}, []string{"information_schema"}, 2},
		{"SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.tables WHERE TABLE_SCHEMA = 'twilio'", nil, nil, len(schema.Tables())},
		{"SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE, COLUMN_KEY FROM information_schema.columns WHERE TABLE_SCHEMA = 'twilio' AND TABLE_NAME = 'Calls' ORDER BY ORDINAL_POSITION LIMIT 1",
			nil, []string{"Sid", "varchar", "YES", "PRI"}, 1},
		{"SELECT TABLE_NAME, COLUMN_NAME, INDEX_NAME, SEQ_IN_INDEX FROM information_schema.statistics WHERE INDEX_NAME = 'PRIMARY' AND TABLE_SCHEMA = 'twilio'", nil, nil, tablesWithPrimaryKey()},
		// MariaDB Connector/J's getPrimaryKeys (DATABASE() becomes a literal here).
		{"SELECT A.TABLE_SCHEMA TABLE_CAT, NULL TABLE_SCHEM, A.TABLE_NAME, A.COLUMN_NAME, B.SEQ_IN_INDEX KEY_SEQ, B.INDEX_NAME PK_NAME " +
			"FROM INFORMATION_SCHEMA.COLUMNS A, INFORMATION_SCHEMA.STATISTICS B WHERE A.COLUMN_KEY in ('PRI','pri') AND B.INDEX_NAME='PRIMARY' " +
			"AND (ISNULL(database()) OR (A.TABLE_SCHEMA = database())) AND (ISNULL(database()) OR (B.TABLE_SCHEMA = database())) " +
			"AND A.TABLE_NAME = 'Calls' AND B.TABLE_NAME = 'Calls' AND A.TABLE_SCHEMA = B.TABLE_SCHEMA AND A.TABLE_NAME = B.TABLE_NAME " +
			"AND A.COLUMN_NAME = B.COLUMN_NAME ORDER BY A.COLUMN_NAME",
			[]string{"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"}, []string{"twilio", "NULL", "Calls", "Sid", "1", "PRIMARY"}, 1},
		// Its getColumns, as it sends it.
		{"SELECT TABLE_SCHEMA TABLE_CAT, NULL TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, IF(DATA_TYPE = 'tinyint' AND COLUMN_TYPE LIKE 'tinyint(1)%', 16, " +
			"CASE UCASE(DATA_TYPE) WHEN 'BIGINT' THEN -5 WHEN 'VARCHAR' THEN 12 WHEN 'DATETIME' THEN 93 ELSE 1111 END) DATA_TYPE, " +
			"UCASE(IF( COLUMN_TYPE LIKE '%(%)%', CONCAT(SUBSTRING( COLUMN_TYPE,1, LOCATE('(',COLUMN_TYPE) - 1 ), SUBSTRING(COLUMN_TYPE ,1+locate(')', COLUMN_TYPE))), COLUMN_TYPE)) TYPE_NAME, " +
			"CASE DATA_TYPE WHEN 'time' THEN IF(DATETIME_PRECISION = 0, 10, CAST(11 + DATETIME_PRECISION as signed integer)) " +
			"ELSE IF(NUMERIC_PRECISION IS NULL, LEAST(CHARACTER_MAXIMUM_LENGTH,2147483647), NUMERIC_PRECISION) END COLUMN_SIZE, 65535 BUFFER_LENGTH, " +
			"CONVERT (CASE DATA_TYPE WHEN 'year' THEN NUMERIC_SCALE WHEN 'tinyint' THEN 0 ELSE NUMERIC_SCALE END, UNSIGNED INTEGER) DECIMAL_DIGITS, 10 NUM_PREC_RADIX, " +
			"IF(IS_NULLABLE = 'yes',1,0) NULLABLE, COLUMN_COMMENT REMARKS, COLUMN_DEFAULT COLUMN_DEF, 0 SQL_DATA_TYPE, 0 SQL_DATETIME_SUB, " +
			"LEAST(CHARACTER_OCTET_LENGTH,2147483647) CHAR_OCTET_LENGTH, ORDINAL_POSITION, IS_NULLABLE, NULL SCOPE_CATALOG, NULL SCOPE_SCHEMA, NULL SCOPE_TABLE, " +
			"NULL SOURCE_DATA_TYPE, IF(EXTRA = 'auto_increment','YES','NO') IS_AUTOINCREMENT, " +
			"IF(EXTRA in ('VIRTUAL', 'PERSISTENT', 'VIRTUAL GENERATED', 'STORED GENERATED') ,'YES','NO') IS_GENERATEDCOLUMN " +
			"FROM INFORMATION_SCHEMA.COLUMNS WHERE (ISNULL(database()) OR (TABLE_SCHEMA = database())) AND TABLE_NAME LIKE 'Calls' AND COLUMN_NAME LIKE '%' " +
			"ORDER BY TABLE_CAT, TABLE_SCHEM, TABLE_NAME, ORDINAL_POSITION",
			nil, []string{"twilio", "NULL", "Calls", "Sid", "12", "VARCHAR", "65535", "65535", "NULL", "10", "1"}, 26},
		// information_schema's strings compare ignoring case, as MySQL's
		// utf8mb3_general_ci does (MySQL 8.0 manual, 12.8.7 "Using
		// Collation in INFORMATION_SCHEMA Searches"): MariaDB Connector/J's
		// IS_NULLABLE = 'yes' above, a table named as a BI tool lowercases it.
		{"SELECT COLUMN_NAME, IS_NULLABLE = 'yes', COLUMN_KEY IN ('pri') FROM information_schema.columns WHERE table_schema = 'TWILIO' AND TABLE_NAME = 'calls' AND column_name = 'SID'",
			nil, []string{"Sid", "1", "1"}, 1},
		{"SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_NAME BETWEEN 'calls' AND 'CALLS' OR TABLE_NAME <> 'calls' AND TABLE_NAME = 'RECORDINGS'", nil, []string{"Calls"}, 2},
		{"SELECT CASE TABLE_TYPE WHEN 'base table' THEN 'T' ELSE 'V' END FROM information_schema.tables WHERE TABLE_NAME = 'messages'", nil, []string{"T"}, 1},
		// MySQL Connector/J 8/9's getPrimaryKeys for table "calls", as the
		// server receives it (Connector/J substitutes ? itself unless
		// useServerPrepStmts is set).
		{"SELECT TABLE_SCHEMA AS TABLE_CAT, NULL AS TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, SEQ_IN_INDEX AS KEY_SEQ, 'PRIMARY' AS PK_NAME " +
			"FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = 'twilio' AND TABLE_NAME = 'calls' AND INDEX_NAME='PRIMARY' " +
			"ORDER BY TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, SEQ_IN_INDEX",
			[]string{"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"}, []string{"twilio", "NULL", "Calls", "Sid", "1", "PRIMARY"}, 1},
		// Its getColumns (default settings: databaseTerm CATALOG,
		// tinyInt1isBit, server ≥ 5.6.4). Connector/J's DATA_TYPE CASE has
		// a WHEN for each of its MysqlType values; those of the types this
		// catalog has are kept, the others have the same form and cannot
		// match.
		{connectorJGetColumns, nil, []string{"twilio", "NULL", "Calls", "Sid", "12", "VARCHAR", "65535", "65535", "NULL", "10", "1"}, 26},
		{"USE twilio", nil, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			rows, err := client.Query(c.q)
			if err != nil {
				t.Fatal(err)
			}
			cols, got := testdb.ScanStrings(t, rows)
			if c.cols != nil && !reflect.DeepEqual(cols, c.cols) {
				t.Errorf("columns %q, want %q", cols, c.cols)
			}
			if c.rows >= 0 && len(got) != c.rows {
				t.Errorf("%d rows, want %d: %q", len(got), c.rows, got)
			}
			if c.firstRow != nil && (len(got) == 0 || !reflect.DeepEqual(got[0][:len(c.firstRow)], c.firstRow)) {
				t.Errorf("rows %q, want the first to start %q", got, c.firstRow)
			}
		})
	}
}

// connectorJGetColumns is MySQL Connector/J's getColumns(null, "twilio",
// "calls", null) text (see the case above).
const connectorJGetColumns = "SELECT TABLE_SCHEMA, NULL, TABLE_NAME, COLUMN_NAME," +
	"CASE  WHEN UPPER(DATA_TYPE)='DECIMAL' THEN 3 WHEN UPPER(DATA_TYPE)='TINYINT' THEN CASE WHEN LOCATE('ZEROFILL', UPPER(COLUMN_TYPE)) = 0 " +
	"AND LOCATE('UNSIGNED', UPPER(COLUMN_TYPE)) = 0 AND LOCATE('(1)', COLUMN_TYPE) != 0 THEN -7 ELSE -6 END  WHEN UPPER(DATA_TYPE)='BOOLEAN' THEN 16 " +
	"WHEN UPPER(DATA_TYPE)='BIGINT' THEN -5 WHEN UPPER(DATA_TYPE)='DOUBLE' THEN 8 WHEN UPPER(DATA_TYPE)='DATE' THEN 91 " +
	"WHEN UPPER(DATA_TYPE)='DATETIME' THEN 93 WHEN UPPER(DATA_TYPE)='VARCHAR' THEN 12 WHEN UPPER(DATA_TYPE)='JSON' THEN -1 " +
	"WHEN UPPER(DATA_TYPE)='POINT' THEN -2 WHEN UPPER(DATA_TYPE)='LINESTRING' THEN -2 WHEN UPPER(DATA_TYPE)='POLYGON' THEN -2 " +
	"WHEN UPPER(DATA_TYPE)='MULTIPOINT' THEN -2 WHEN UPPER(DATA_TYPE)='MULTILINESTRING' THEN -2 WHEN UPPER(DATA_TYPE)='MULTIPOLYGON' THEN -2 " +
	"WHEN UPPER(DATA_TYPE)='GEOMETRYCOLLECTION' THEN -2 WHEN UPPER(DATA_TYPE)='GEOMCOLLECTION' THEN -2 ELSE 1111 END  AS DATA_TYPE, " +
	"UPPER(CASE WHEN UPPER(DATA_TYPE)='TINYINT' THEN CASE WHEN LOCATE('ZEROFILL', UPPER(COLUMN_TYPE)) = 0 AND LOCATE('UNSIGNED', UPPER(COLUMN_TYPE)) = 0 " +
	"AND LOCATE('(1)', COLUMN_TYPE) != 0 THEN 'BIT' WHEN LOCATE('UNSIGNED', UPPER(COLUMN_TYPE)) != 0 AND LOCATE('UNSIGNED', UPPER(DATA_TYPE)) = 0 " +
	"THEN 'TINYINT UNSIGNED' ELSE DATA_TYPE END  WHEN LOCATE('UNSIGNED', UPPER(COLUMN_TYPE)) != 0 AND LOCATE('UNSIGNED', UPPER(DATA_TYPE)) = 0 " +
	"AND LOCATE('SET', UPPER(DATA_TYPE)) <> 1 AND LOCATE('ENUM', UPPER(DATA_TYPE)) <> 1 THEN CONCAT(DATA_TYPE, ' UNSIGNED') " +
	"WHEN UPPER(DATA_TYPE)='POINT' THEN 'GEOMETRY' WHEN UPPER(DATA_TYPE)='LINESTRING' THEN 'GEOMETRY' WHEN UPPER(DATA_TYPE)='POLYGON' THEN 'GEOMETRY' " +
	"WHEN UPPER(DATA_TYPE)='MULTIPOINT' THEN 'GEOMETRY' WHEN UPPER(DATA_TYPE)='MULTILINESTRING' THEN 'GEOMETRY' WHEN UPPER(DATA_TYPE)='MULTIPOLYGON' THEN 'GEOMETRY' " +
	"WHEN UPPER(DATA_TYPE)='GEOMETRYCOLLECTION' THEN 'GEOMETRY' WHEN UPPER(DATA_TYPE)='GEOMCOLLECTION' THEN 'GEOMETRY' ELSE UPPER(DATA_TYPE) END) AS TYPE_NAME," +
	"UPPER(CASE WHEN UPPER(DATA_TYPE)='DATE' THEN 10 WHEN UPPER(DATA_TYPE)='TIME'  THEN 8+(CASE WHEN DATETIME_PRECISION>0 THEN DATETIME_PRECISION+1 ELSE DATETIME_PRECISION END) " +
	"WHEN UPPER(DATA_TYPE)='DATETIME' OR  UPPER(DATA_TYPE)='TIMESTAMP'  THEN 19+(CASE WHEN DATETIME_PRECISION>0 THEN DATETIME_PRECISION+1 ELSE DATETIME_PRECISION END) " +
	"WHEN UPPER(DATA_TYPE)='YEAR' THEN 4 WHEN UPPER(DATA_TYPE)='TINYINT' AND LOCATE('ZEROFILL', UPPER(COLUMN_TYPE)) = 0 AND LOCATE('UNSIGNED', UPPER(COLUMN_TYPE)) = 0 " +
	"AND LOCATE('(1)', COLUMN_TYPE) != 0 THEN 1 WHEN UPPER(DATA_TYPE)='MEDIUMINT' AND LOCATE('UNSIGNED', UPPER(COLUMN_TYPE)) != 0 THEN 8 " +
	"WHEN UPPER(DATA_TYPE)='JSON' THEN 1073741824 WHEN UPPER(DATA_TYPE)='GEOMETRY' THEN 65535 WHEN UPPER(DATA_TYPE)='POINT' THEN 65535 " +
	"WHEN UPPER(DATA_TYPE)='LINESTRING' THEN 65535 WHEN UPPER(DATA_TYPE)='POLYGON' THEN 65535 WHEN UPPER(DATA_TYPE)='MULTIPOINT' THEN 65535 " +
	"WHEN UPPER(DATA_TYPE)='MULTILINESTRING' THEN 65535 WHEN UPPER(DATA_TYPE)='MULTIPOLYGON' THEN 65535 WHEN UPPER(DATA_TYPE)='GEOMETRYCOLLECTION' THEN 65535 " +
	"WHEN UPPER(DATA_TYPE)='GEOMCOLLECTION' THEN 65535 WHEN CHARACTER_MAXIMUM_LENGTH IS NULL THEN NUMERIC_PRECISION " +
	"WHEN CHARACTER_MAXIMUM_LENGTH > 2147483647 THEN 2147483647 ELSE CHARACTER_MAXIMUM_LENGTH END) AS COLUMN_SIZE,65535 AS BUFFER_LENGTH," +
	"UPPER(CASE WHEN UPPER(DATA_TYPE)='DECIMAL' THEN NUMERIC_SCALE WHEN UPPER(DATA_TYPE)='FLOAT' OR UPPER(DATA_TYPE)='DOUBLE' THEN " +
	"CASE WHEN NUMERIC_SCALE IS NULL THEN 0 ELSE NUMERIC_SCALE END ELSE NULL END) AS DECIMAL_DIGITS,10 AS NUM_PREC_RADIX," +
	"CASE WHEN IS_NULLABLE='NO' THEN 0 ELSE CASE WHEN IS_NULLABLE='YES' THEN 1 ELSE 2 END END AS NULLABLE," +
	"COLUMN_COMMENT AS REMARKS,COLUMN_DEFAULT AS COLUMN_DEF,0 AS SQL_DATA_TYPE,0 AS SQL_DATETIME_SUB," +
	"CASE WHEN CHARACTER_OCTET_LENGTH > 2147483647 THEN 2147483647 ELSE CHARACTER_OCTET_LENGTH END AS CHAR_OCTET_LENGTH," +
	"ORDINAL_POSITION, IS_NULLABLE, NULL AS SCOPE_CATALOG, NULL AS SCOPE_SCHEMA, NULL AS SCOPE_TABLE, NULL AS SOURCE_DATA_TYPE," +
	"IF (EXTRA LIKE '%auto_increment%','YES','NO') AS IS_AUTOINCREMENT, IF (EXTRA LIKE '%GENERATED%','YES','NO') AS IS_GENERATEDCOLUMN " +
	"FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'twilio' AND TABLE_NAME = 'calls' ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"

// TestShowCreateTableForSQLAlchemy checks the text SQLAlchemy's reflection
// reads: one backquoted column a line and the primary key.
func TestShowCreateTableForSQLAlchemy(t *testing.T) {
	ts := startServer(t, serverOptions{})
	var name, ddl string
	if err := ts.client(t, "").QueryRow("SHOW CREATE TABLE Recordings").Scan(&name, &ddl); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(ddl, "\n")
	if lines[0] != "CREATE TABLE `Recordings` (" {
		t.Errorf("first line %q", lines[0])
	}
	if !strings.Contains(ddl, "\n  `Sid` varchar(65535) NOT NULL,\n") || !strings.Contains(ddl, "\n  `Duration` bigint DEFAULT NULL,\n") {
		t.Errorf("no Sid or Duration line:\n%s", ddl)
	}
	if !strings.Contains(ddl, "\n  PRIMARY KEY (`Sid`)") || !strings.HasPrefix(lines[len(lines)-1], ") ENGINE=Twilio") {
		t.Errorf("no primary key line or table options:\n%s", ddl)
	}
}

func mysqlErrorNumber(err error) uint16 {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}

func TestErrorNumbers(t *testing.T) {
	ts := startServer(t, serverOptions{users: map[string]string{"twilio": "s3cret"}})
	db, err := sql.Open("mysql", ts.dsn("twilio", "s3cret", "twilio", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		q    string
		code uint16
	}{
		{"SELECT * FROM Nope", 1146},
		{"SELECT Nope FROM Calls", 1054},
		{"SELEC 1", 1064},
		{"SHOW CREATE TABLE Nope", 1146},
		{"SHOW INDEX FROM Nope", 1146},
		{"SELECT @@no_such_variable", 1193},
		{"USE nope", 1049},
		{"SELECT * FROM Calls WHERE Sid = 'CA00000000000000000000000000000000'", 0},
		{"SHOW VARIABLES WHERE Nope = 1", 1054},
		{"SHOW VARIABLES WHERE Variable_name = ", 1064},
		{"", 1065},
	}
	for _, c := range cases {
		rows, err := db.Query(c.q)
		if err == nil {
			rows.Close()
		}
		if got := mysqlErrorNumber(err); got != c.code {
			t.Errorf("%q: error %v (number %d), want %d", c.q, err, got, c.code)
		}
	}
	for _, dsn := range []string{ts.dsn("twilio", "wrong", "twilio", ""), ts.dsn("nobody", "s3cret", "", ""), ts.dsn("twilio", "", "", "")} {
		bad, _ := sql.Open("mysql", dsn)
		err := bad.Ping()
		bad.Close()
		if got := mysqlErrorNumber(err); got != 1045 {
			t.Errorf("wrong credentials: %v, want error 1045", err)
		}
	}
	bad, _ := sql.Open("mysql", ts.dsn("twilio", "s3cret", "nodb", ""))
	if got := mysqlErrorNumber(bad.Ping()); got != 1049 {
		t.Errorf("unknown database: error %d, want 1049", got)
	}
	bad.Close()
}

// TestTLSAndCachingSha2 connects with TLS (caching_sha2_password, MySQL 8's
// default, offered with TLS) and without (switched to mysql_native_password).
func TestTLSAndCachingSha2(t *testing.T) {
	ts := startServer(t, serverOptions{users: map[string]string{"twilio": "s3cret"}, tls: true})
	for _, params := range []string{"tls=skip-verify", "tls=false", "tls=skip-verify&allowNativePasswords=false"} {
		db, _ := sql.Open("mysql", ts.dsn("twilio", "s3cret", "twilio", params))
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM OutgoingCallerIds").Scan(&n); err != nil || n == 0 {
			t.Errorf("%s: %v (%d rows)", params, err, n)
		}
		wrong, _ := sql.Open("mysql", ts.dsn("twilio", "nope", "twilio", params))
		if got := mysqlErrorNumber(wrong.Ping()); got != 1045 {
			t.Errorf("%s: wrong password gave error %d, want 1045", params, got)
		}
		db.Close()
		wrong.Close()
	}
}

// TestStream100kRowsFlatMemory scans 100,000 rows through the server and
// checks that the heap stays flat: rows are streamed, never collected.
func TestStream100kRowsFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skips the 100,000-row scan")
	}
	const n = 100_000
	ts := startServer(t, serverOptions{emu: []twiliotest.Option{twiliotest.WithSize(twiliotest.Size{Calls: n})}})
	client := ts.client(t, "")
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	rows, err := client.Query("SELECT * FROM Calls")
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	var sid string
	cols, _ := rows.Columns()
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if s := string(vals[0]); s == sid || len(s) != 34 {
			t.Fatalf("row %d: Sid %q after %q", count, s, sid)
		} else {
			sid = s
		}
		count++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	<-sampled
	if count != n {
		t.Fatalf("%d rows, want %d", count, n)
	}
	// 100,000 Calls rows held at once would take well over 100 MiB; the
	// streamed scan holds a few pages.
	growth := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("heap in use: %d MiB before, peak %d MiB during the scan", base.HeapInuse>>20, peak.Load()>>20)
	if growth > 64<<20 {
		t.Errorf("the heap grew by %d MiB during the scan: rows are being collected, not streamed", growth>>20)
	}
}

// TestFirstRowBeforeLastPage checks that rows reach the client while the
// driver still reads pages: the first row arrives after Twilio's first
// page, not its last.
func TestFirstRowBeforeLastPage(t *testing.T) {
	ts := startServer(t, serverOptions{
		emu:      []twiliotest.Option{twiliotest.WithSize(twiliotest.Size{Messages: 2000}), twiliotest.WithLatency(100*time.Millisecond, 0)},
		dsnExtra: "&page_size=100",
	})
	client := ts.client(t, "")
	client.SetMaxOpenConns(1)
	if err := client.Ping(); err != nil {
		t.Fatal(err)
	}
	ts.emu.ResetRequests()
	rows, err := client.Query("SELECT Sid FROM Messages")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	if got := ts.emu.RequestCount(); got >= 20 {
		t.Errorf("the first row came after %d of 20 pages", got)
	}
	n := 1
	for rows.Next() {
		n++
	}
	if n != 2000 {
		t.Errorf("%d rows, want 2000 (%v)", n, rows.Err())
	}
}

// TestKillQueryStopsTheScan runs a slow scan on one connection and kills it
// from another: the scan ends with error 1317 and Twilio gets no further
// requests.
func TestKillQueryStopsTheScan(t *testing.T) {
	ts := startServer(t, serverOptions{
		emu:      []twiliotest.Option{twiliotest.WithSize(twiliotest.Size{Messages: 3000}), twiliotest.WithLatency(50*time.Millisecond, 0)},
		dsnExtra: "&page_size=50",
	})
	client := ts.client(t, "")
	ctx := context.Background()
	victim, err := client.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close()
	var id int64
	if err := victim.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	rows, err := victim.QueryContext(ctx, "SELECT Sid, Body FROM Messages")
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	if _, err := client.Exec(fmt.Sprintf("KILL QUERY %d", id)); err != nil {
		t.Fatal(err)
	}
	n := 1
	for rows.Next() {
		n++
	}
	if rows.Err() == nil || n >= 3000 {
		t.Fatalf("the killed scan read %d rows and ended with %v", n, rows.Err())
	}
	rows.Close()
	time.Sleep(200 * time.Millisecond)
	before := ts.emu.RequestCount()
	time.Sleep(300 * time.Millisecond)
	if after := ts.emu.RequestCount(); after != before {
		t.Errorf("Twilio got %d more requests after KILL QUERY", after-before)
	}
}

// TestMaxConnections refuses the connection beyond the cap with error 1040.
func TestMaxConnections(t *testing.T) {
	ts := startServer(t, serverOptions{maxConns: 2})
	var conns []*sql.Conn
	db := ts.client(t, "")
	db.SetMaxIdleConns(0) // a closed Conn closes its connection
	for range 2 {
		c, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.PingContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	extra, _ := sql.Open("mysql", ts.dsn("twilio", "", "twilio", ""))
	defer extra.Close()
	if got := mysqlErrorNumber(extra.Ping()); got != 1040 {
		t.Errorf("the third connection: error %d, want 1040", got)
	}
	conns[0].Close()
	time.Sleep(100 * time.Millisecond)
	if err := extra.Ping(); err != nil {
		t.Errorf("after one closed, a new connection: %v", err)
	}
	conns[1].Close()
}

// TestIdleTimeout closes a connection that sends nothing for too long.
func TestIdleTimeout(t *testing.T) {
	ts := startServer(t, serverOptions{idle: 300 * time.Millisecond})
	db := ts.client(t, "")
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := c.PingContext(context.Background()); err == nil {
		t.Error("the idle connection is still open")
	}
}

// TestShutdownLetsStatementsFinish shuts down while a scan runs: the scan
// completes within the grace period, its connection closes after the
// result's end, an idle connection closes at once, and new connections
// are refused. Nothing here waits on a clock: Shutdown returns when every
// connection has closed.
func TestShutdownLetsStatementsFinish(t *testing.T) {
	ts := startServer(t, serverOptions{
		emu:      []twiliotest.Option{twiliotest.WithSize(twiliotest.Size{Messages: 400}), twiliotest.WithLatency(30*time.Millisecond, 0)},
		dsnExtra: "&page_size=50",
	})
	client := ts.client(t, "")
	idle, err := client.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if err := idle.PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, err := client.Query("SELECT Sid FROM Messages")
	if err != nil {
		t.Fatal(err)
	}
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- ts.srv.Shutdown(ctx)
	}()
	n := 0
	for rows.Next() {
		if n == 0 {
			select {
			case err := <-shut:
				t.Fatalf("Shutdown returned (%v) while a statement ran", err)
			default:
			}
		}
		n++
	}
	if err := rows.Err(); err != nil || n != 400 {
		t.Errorf("the running scan read %d rows, err %v; want all 400", n, err)
	}
	rows.Close()
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := idle.PingContext(context.Background()); err == nil {
		t.Error("the idle connection is still open after Shutdown")
	}
	if _, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		t.Error("the server still accepts connections after Shutdown")
	}
}

// TestShutdownCancelsAfterGrace: a statement still running when the grace
// period ends is cancelled (Twilio gets no further requests), its client
// sees an error, and Shutdown reports the deadline.
func TestShutdownCancelsAfterGrace(t *testing.T) {
	ts := startServer(t, serverOptions{
		emu:      []twiliotest.Option{twiliotest.WithSize(twiliotest.Size{Messages: 4000}), twiliotest.WithLatency(50*time.Millisecond, 0)},
		dsnExtra: "&page_size=50",
	})
	rows, err := ts.client(t, "").Query("SELECT Sid FROM Messages")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want the deadline", err)
	}
	// Shutdown has returned: every connection is closed and its scan
	// cancelled.
	requests := ts.emu.RequestCount()
	n := 0
	for rows.Next() {
		n++
	}
	if rows.Err() == nil || n >= 4000 {
		t.Errorf("the cancelled scan read %d rows with no error", n)
	}
	if requests >= 80 {
		t.Errorf("Twilio got %d of 80 page requests although the scan was cancelled", requests)
	}
}

// TestPipelinedQueries sends two queries without waiting for the first
// answer (as JDBC does on connect) through one raw connection.
func TestMultiStatements(t *testing.T) {
	ts := startServer(t, serverOptions{})
	db := ts.client(t, "multiStatements=true")
	if _, err := db.Exec("SET NAMES utf8mb4; SET autocommit=1; ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT @@max_allowed_packet; SELECT COUNT(*) FROM Recordings")
	if err != nil {
		t.Fatal(err)
	}
	var sets [][][]string
	for {
		_, r := func() ([]string, [][]string) {
			var out [][]string
			cols, _ := rows.Columns()
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				rows.Scan(ptrs...)
				row := []string{}
				for _, v := range vals {
					row = append(row, v.String)
				}
				out = append(out, row)
			}
			return cols, out
		}()
		sets = append(sets, r)
		if !rows.NextResultSet() {
			break
		}
	}
	rows.Close()
	var want string
	if err := ts.direct.QueryRow("SELECT COUNT(*) FROM Recordings").Scan(&want); err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0][0][0] != "67108864" || sets[1][0][0] != want {
		t.Errorf("result sets %q", sets)
	}
}

// TestTwilioErrorsKeepTheirCode: Twilio's refusals reach the client with a
// MySQL number and Twilio's code and message in the text.
func TestTwilioErrorsKeepTheirCode(t *testing.T) {
	emu := twiliotest.NewServer(twiliotest.WithCredentials(twiliotest.DefaultAccountSid, "0123456789abcdef0123456789abcdef"))
	defer emu.Close()
	ts := startServer(t, serverOptions{})
	// A second server whose driver holds the wrong auth token.
	db, err := sql.Open("twilio", strings.Replace(emu.DSN(), "0123456789abcdef0123456789abcdef", twiliotest.DefaultAuthToken, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{DB: db, Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { srv.Serve(); close(served) }()
	defer func() { srv.Close(); <-served }()
	ts.addr = ln.Addr().String()
	_, err = ts.client(t, "").Exec("SELECT Sid FROM Calls LIMIT 1")
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1227 || !strings.Contains(me.Message, "20003") || strings.Contains(me.Message, twiliotest.DefaultAuthToken) {
		t.Errorf("error %v: want 1227 with Twilio's code 20003 and no token", err)
	}
}

// TestMultiStatementsStopAtAnError: after a failing statement the rest of
// a multi-statement query (one COM_QUERY) does not run, as in MySQL.
func TestMultiStatementsStopAtAnError(t *testing.T) {
	var log lockedBuffer
	ts := startServer(t, serverOptions{log: newTestLogger(&log)})
	db := ts.client(t, "multiStatements=true")
	rows, err := db.Query("SELECT 1 AS a; SELECT * FROM Nope; SELECT 2 AS b")
	if err == nil {
		for rows.NextResultSet() {
		}
		err = rows.Err()
		rows.Close()
	}
	if mysqlErrorNumber(err) != 1146 {
		t.Errorf("error %v, want 1146", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := strings.Count(log.String(), "msg=statement"); n != 2 {
		t.Errorf("%d statements ran, want 2 (the one after the error must not):\n%s", n, log.String())
	}
}

// tablesWithPrimaryKey counts the catalog's tables that have one.
func tablesWithPrimaryKey() int {
	n := 0
	for _, t := range schema.Tables() {
		if t.PrimaryKey() != "" {
			n++
		}
	}
	return n
}
