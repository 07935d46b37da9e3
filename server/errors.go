package server

import (
	"context"
	"errors"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/twiliosql/twiliosql/driver"
)

// mapError gives a driver error the MySQL error number and SQL state
// clients act on: 1146 unknown table, 1054 unknown column, 1064 syntax,
// and Twilio's answers by HTTP status, with Twilio's code and message kept
// in the text. The driver's messages never hold a secret.
func mapError(err error) error {
	var se *mysql.SQLError
	if errors.As(err, &se) {
		return se
	}
	msg := err.Error()
	var te *driver.Error
	if errors.As(err, &te) {
		switch {
		case te.Status == 401 || te.Status == 403:
			// The Twilio account's credentials, not the MySQL user's.
			return mysql.NewSQLError(1227, "42000", "%s", msg)
		case te.Status == 404:
			return mysql.NewSQLError(1032, "HY000", "%s", msg)
		case te.Status == 429:
			return mysql.NewSQLError(1205, "HY000", "%s", msg)
		case te.Status >= 400 && te.Status < 500:
			return mysql.NewSQLError(1210, "HY000", "%s", msg)
		default:
			return mysql.NewSQLError(1105, "HY000", "%s", msg)
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return mysql.NewSQLError(1317, "70100", "Query execution was interrupted")
	case errors.Is(err, context.DeadlineExceeded):
		return mysql.NewSQLError(3024, "HY000", "Query execution was interrupted, maximum statement execution time exceeded")
	case strings.Contains(msg, "unknown table"), strings.Contains(msg, "has no table"):
		return mysql.NewSQLError(1146, "42S02", "%s", msg)
	case strings.Contains(msg, "has no column"), strings.Contains(msg, "no table in FROM has a column"):
		return mysql.NewSQLError(1054, "42S22", "%s", msg)
	case strings.Contains(msg, "syntax error"):
		return mysql.NewSQLError(1064, "42000", "%s", msg)
	case strings.Contains(msg, "unknown database"):
		return mysql.NewSQLError(1049, "42000", "%s", msg)
	case strings.Contains(msg, "not supported"):
		return mysql.NewSQLError(1235, "42000", "%s", msg)
	}
	return mysql.NewSQLError(1105, "HY000", "%s", msg)
}
