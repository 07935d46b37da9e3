package server

import (
	"crypto/subtle"
	"crypto/x509"
	"net"

	"github.com/dolthub/vitess/go/mysql"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
)

// authServer checks users against a fixed table of passwords with
// mysql_native_password, and with caching_sha2_password on TLS connections
// (vitess offers it only there: its full authentication sends the password
// in clear). With no users, any name is accepted with an empty password.
type authServer struct {
	users   map[string]string
	methods []mysql.AuthMethod
	tls     bool
}

func newAuthServer(users map[string]string, tls bool) *authServer {
	a := &authServer{users: users, tls: tls}
	a.methods = []mysql.AuthMethod{
		mysql.NewMysqlNativeAuthMethod(a, a),
		mysql.NewSha2CachingAuthMethod(a, a, a),
	}
	return a
}

func (a *authServer) AuthMethods() []mysql.AuthMethod { return a.methods }

// DefaultAuthMethodDescription is the plugin the handshake proposes:
// caching_sha2_password (MySQL 8's default) when TLS is offered. A client
// that then connects without TLS is switched to mysql_native_password.
func (a *authServer) DefaultAuthMethodDescription() mysql.AuthMethodDescription {
	if a.tls {
		return mysql.CachingSha2Password
	}
	return mysql.MysqlNativePassword
}

// HandleUser accepts every name: an unknown one fails on its password, so
// the answer does not tell which names exist.
func (a *authServer) HandleUser(string, net.Addr) bool { return true }

func (a *authServer) password(user string) (string, bool) {
	if len(a.users) == 0 {
		return "", true
	}
	pw, ok := a.users[user]
	return pw, ok
}

func denied(user string) error {
	return mysql.NewSQLError(mysql.ERAccessDeniedError, mysql.SSAccessDeniedError, "Access denied for user '%v'", user)
}

type userData struct{ user string }

func (u userData) Get() *querypb.VTGateCallerID { return &querypb.VTGateCallerID{Username: u.user} }

func (a *authServer) UserEntryWithHash(_ []*x509.Certificate, salt []byte, user string, resp []byte, _ net.Addr) (mysql.Getter, error) {
	pw, ok := a.password(user)
	want := mysql.ScrambleMysqlNativePassword(salt, []byte(pw))
	if !ok || subtle.ConstantTimeCompare(resp, want) != 1 {
		return nil, denied(user)
	}
	return userData{user}, nil
}

func (a *authServer) UserEntryWithPassword(_ []*x509.Certificate, user, password string, _ net.Addr) (mysql.Getter, error) {
	pw, ok := a.password(user)
	if !ok || subtle.ConstantTimeCompare([]byte(password), []byte(pw)) != 1 {
		return nil, denied(user)
	}
	return userData{user}, nil
}

func (a *authServer) UserEntryWithCacheHash(_ []*x509.Certificate, salt []byte, user string, resp []byte, _ net.Addr) (mysql.Getter, mysql.CacheState, error) {
	pw, ok := a.password(user)
	if !ok {
		return nil, mysql.AuthRejected, denied(user)
	}
	if len(pw) == 0 {
		if len(resp) == 0 || (len(resp) == 1 && resp[0] == 0) {
			return userData{user}, mysql.AuthAccepted, nil
		}
		return nil, mysql.AuthRejected, denied(user)
	}
	if subtle.ConstantTimeCompare(resp, mysql.ScrambleCachingSha2Password(salt, []byte(pw))) == 1 {
		return userData{user}, mysql.AuthAccepted, nil
	}
	return nil, mysql.AuthRejected, denied(user)
}
