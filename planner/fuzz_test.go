package planner

import (
	"testing"

	"github.com/xwb1989/sqlparser"
)

// FuzzPlan feeds arbitrary text through Prepare and the planners: whatever
// the input, the result is a plan or an error, never a panic.
func FuzzPlan(f *testing.F) {
	for _, seed := range []string{
		"SELECT * FROM Calls",
		"SELECT Sid, `To`, Status FROM Calls WHERE StartTime >= '2024-03-05' LIMIT 20",
		"SELECT * FROM Messages WHERE Sender LIKE 'whatsapp:%' ORDER BY DateSent DESC LIMIT 5 OFFSET 2",
		"SELECT DISTINCT Status FROM Calls WHERE Duration BETWEEN 1 AND 10 OR Price IS NULL",
		"SELECT * FROM Calls WHERE Sid IN ('CA0123456789abcdef0123456789abcdef')",
		"SELECT CASE WHEN Duration > 1 THEN 'x' END, CAST(Price AS CHAR) FROM Calls",
		"INSERT INTO Messages (`To`, `From`, Body) VALUES ('+1', '+2', 'hi')",
		"UPDATE Messages SET Body = '' WHERE Sid = 'SM0123456789abcdef0123456789abcdef'",
		"DELETE FROM Calls WHERE Status = 'busy'",
		"SELECT * FROM Feedback WHERE Sid = ?",
		"SELECT c.Sid, COUNT(r.Sid) AS n FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status IN ('busy', 'failed') GROUP BY c.Sid HAVING n > 1 ORDER BY n DESC LIMIT 3",
		"SELECT * FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings WHERE Duration > 10) OR `To` = '+1'",
		"SELECT TABLE_NAME FROM information_schema.columns WHERE COLUMN_KEY = 'PRI'",
		"SHOW FULL COLUMNS FROM Calls LIKE 'S%'",
		"DESCRIBE Calls Status",
		"EXPLAIN SELECT DISTINCT Status FROM Calls c JOIN Feedback f USING (Sid)",
		"SELECT GROUP_CONCAT(DISTINCT Status ORDER BY Status SEPARATOR ';') FROM Calls",
		"SELECT * FROM (SELECT Status s, COUNT(*) n FROM Calls GROUP BY Status) x WHERE s = 'busy' AND n > 1 LIMIT 2",
		"SELECT Sid FROM Calls UNION ALL (SELECT Sid FROM Messages ORDER BY Sid LIMIT 1) UNION SELECT ? ORDER BY 1 DESC LIMIT 3",
		"SELECT c.Sid FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid WHERE NOT EXISTS (SELECT 1 FROM Recordings k WHERE k.CallSid = c.Sid AND k.Duration > c.Duration)",
		"WITH a AS (SELECT Sid, Duration FROM Calls), b AS (SELECT * FROM a WHERE Duration > (SELECT AVG(Duration) FROM a)) SELECT COUNT(*) FROM b",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		st, err := Prepare(q)
		if err != nil {
			return
		}
		a := args{{Ordinal: 1, Value: "CA0123456789abcdef0123456789abcdef"}}
		if st.explain != nil || st.meta != nil {
			_, _ = st.Query(t.Context(), testEnv(), nil)
			return
		}
		switch x := st.ast.(type) {
		case sqlparser.SelectStatement:
			_, _ = planQuery(x, testEnv(), a)
		case *sqlparser.Insert:
			_, _ = planInsert(x, testEnv(), a)
		case *sqlparser.Update:
			_, _ = planUpdate(x, testEnv(), a)
		case *sqlparser.Delete:
			_, _ = planDelete(x, testEnv(), a)
		}
	})
}
