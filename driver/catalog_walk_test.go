package driver_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"

	_ "github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/spec"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/schema"
)

// TestCatalogWalk reads every table of the catalog against the emulator,
// judged by the spec: every list or fetch operation of the 2010 API
// answers a SELECT.
func TestCatalogWalk(t *testing.T) {
	db, _ := testdb.Open(t)
	for _, tb := range schema.Tables() {
		if !tb.Supports(schema.List) && !tb.Singleton {
			continue
		}
		t.Run(tb.Name, func(t *testing.T) {
			rows, err := db.Query("SELECT * FROM " + tb.Name + " LIMIT 3")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("no rows")
			}
		})
	}
}

// TestCatalogWalkWrites runs every create, update and delete operation of
// the generated tables as INSERT, UPDATE and DELETE against the emulator:
// INSERT with the required parameters (and the path keys), UPDATE of the
// row inserted (or of one listed), DELETE of it.
func TestCatalogWalkWrites(t *testing.T) {
	db, _ := testdb.Open(t)
	for _, tb := range schema.Tables() {
		if handServed[tb.Name] || tb.Operations&(schema.Create|schema.Update|schema.Delete) == 0 {
			continue
		}
		t.Run(tb.Name, func(t *testing.T) {
			keys := map[string]string{}
			for _, k := range tb.Keys {
				if k.Parent == "" {
					continue
				}
				// A key of an existing parent row.
				var v string
				q := fmt.Sprintf("SELECT %s FROM %s LIMIT 1", k.ParentColumn, k.Parent)
				if err := db.QueryRow(q).Scan(&v); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				keys[k.Column] = v
			}
			where, args := "", []any{}
			for c, v := range keys {
				where += " AND " + c + " = ?"
				args = append(args, v)
			}
			keyCol := "Sid"
			if tb.ItemKey != "" {
				keyCol = tb.ItemKey
			}
			var key string
			if tb.Supports(schema.Create) {
				cols, vals, iargs := []string{}, []string{}, []any{}
				for c, v := range keys {
					cols, vals, iargs = append(cols, c), append(vals, "?"), append(iargs, v)
				}
				for _, p := range tb.CreateParams {
					if p.Required && !p.InPath {
						cols, vals, iargs = append(cols, "`"+p.Name+"`"), append(vals, "?"), append(iargs, specSample(tb.OperationIDs[schema.Create], p))
					}
				}
				if len(cols) == 0 {
					cols, vals, iargs = append(cols, "`"+tb.CreateParams[0].Name+"`"), append(vals, "?"), append(iargs, specSample(tb.OperationIDs[schema.Create], tb.CreateParams[0]))
				}
				q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", tb.Name, strings.Join(cols, ", "), strings.Join(vals, ", "))
				rows, err := db.Query(q, iargs...)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				cs, _ := rows.Columns()
				for rows.Next() {
					dest := make([]any, len(cs))
					for i := range dest {
						dest[i] = new(sql.NullString)
					}
					if err := rows.Scan(dest...); err != nil {
						t.Fatal(err)
					}
					for i, c := range cs {
						if c == keyCol {
							key = dest[i].(*sql.NullString).String
						}
					}
				}
				rows.Close()
				if key == "" {
					t.Fatalf("%s returned no %s", q, keyCol)
				}
			} else if tb.Supports(schema.List) {
				q := fmt.Sprintf("SELECT %s FROM %s WHERE 1 = 1%s LIMIT 1", keyCol, tb.Name, where)
				if err := db.QueryRow(q, args...).Scan(&key); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if tb.Supports(schema.Update) && len(tb.UpdateParams) > 0 {
				p := tb.UpdateParams[0]
				q := fmt.Sprintf("UPDATE %s SET `%s` = ? WHERE %s = ?%s", tb.Name, p.Name, keyCol, where)
				if _, err := db.Exec(q, append([]any{specSample(tb.OperationIDs[schema.Update], p), key}, args...)...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if tb.Supports(schema.Delete) {
				q := fmt.Sprintf("DELETE FROM %s WHERE %s = ?%s", tb.Name, keyCol, where)
				res, err := db.Exec(q, append([]any{key}, args...)...)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if n, _ := res.RowsAffected(); n != 1 {
					t.Errorf("%s: %d rows deleted, want 1", q, n)
				}
			}
		})
	}
}

// specSample is a value the spec accepts for a form parameter of an
// operation: its enum's first value, a Sid matching its pattern, or
// sampleParam's guess.
func specSample(opID string, p schema.Param) any {
	doc, err := spec.Load()
	if err == nil {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.OperationID != opID || op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				mt := op.RequestBody.Value.Content.Get("application/x-www-form-urlencoded")
				if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
					continue
				}
				ps := mt.Schema.Value.Properties[p.Name]
				if ps == nil || ps.Value == nil {
					continue
				}
				if len(ps.Value.Enum) > 0 {
					return fmt.Sprint(ps.Value.Enum[0])
				}
				if m := sidPrefix.FindStringSubmatch(ps.Value.Pattern); m != nil {
					return m[1] + strings.Repeat("a", 32)
				}
			}
		}
	}
	return sampleParam(p)
}

var sidPrefix = regexp.MustCompile(`^\^\(?([A-Z]{2})`)

// sampleParam is a value of the parameter's type.
func sampleParam(p schema.Param) any {
	switch p.Type {
	case schema.Int, schema.Float:
		return 1
	case schema.Bool:
		return true
	case schema.Date:
		return "2026-01-01"
	}
	switch {
	case strings.HasSuffix(p.Name, "Url") || strings.HasSuffix(p.Name, "Callback"):
		return "https://example.com/hook"
	case strings.HasSuffix(p.Name, "Method"):
		return "POST"
	case strings.HasSuffix(p.Name, "Value"):
		return "1"
	case p.Name == "To" || p.Name == "From" || p.Name == "PhoneNumber":
		return "+15005550006"
	}
	return "x"
}

// TestCatalogWalkFetches fetches one row of every table with a fetch
// operation by its key (under its parent's key when nested), and checks
// that every list and fetch operation of the spec belongs to a table.
func TestCatalogWalkFetches(t *testing.T) {
	db, srv := testdb.Open(t)
	covered := map[string]bool{}
	for _, tb := range schema.Tables() {
		for _, id := range tb.OperationIDs {
			covered[id] = true
		}
		if !tb.Supports(schema.Get) || !tb.Supports(schema.List) {
			continue
		}
		t.Run(tb.Name, func(t *testing.T) {
			keyCol := "Sid"
			if tb.ItemKey != "" {
				keyCol = tb.ItemKey
			}
			if _, ok := tb.Column(keyCol); !ok {
				t.Skipf("%s has no key column", tb.Name)
			}
			cols := []string{keyCol}
			for _, k := range tb.Keys {
				if k.Parent != "" {
					cols = append(cols, k.Column)
				}
			}
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			q := fmt.Sprintf("SELECT %s FROM %s LIMIT 1", strings.Join(cols, ", "), tb.Name)
			if err := db.QueryRow(q).Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			where := make([]string, len(cols))
			for i, c := range cols {
				where[i] = c + " = ?"
			}
			srv.ResetRequests()
			q = fmt.Sprintf("SELECT %s FROM %s WHERE %s", keyCol, tb.Name, strings.Join(where, " AND "))
			var got any
			if err := db.QueryRow(q, vals...).Scan(&got); err != nil {
				t.Fatalf("%s %v: %v", q, vals, err)
			}
			if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Method != "GET" {
				t.Errorf("%s: %d requests, want one fetch", q, len(reqs))
			}
		})
	}
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Data.json answers the payload itself (a redirect), not JSON rows.
	notTables := map[string]bool{"FetchRecordingAddOnResultPayloadData": true}
	for path, item := range doc.Paths.Map() {
		if item.Get != nil && !covered[item.Get.OperationID] && !notTables[item.Get.OperationID] {
			t.Errorf("GET %s (%s) is no table's", path, item.Get.OperationID)
		}
	}
}
