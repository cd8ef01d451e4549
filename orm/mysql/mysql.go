package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/sinewdev/sinew/orm"
)

// sqlMode is the session sql_mode: strict, so that bad values fail instead of being
// truncated or zeroed.
const sqlMode = "'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"

// Open connects to the MySQL or MariaDB database named by url and returns an ORM handle
// over it. url is either a URL, mysql://user:password@host:port/dbname?param=value (port
// 3306 by default; a unix socket as mysql://user@unix(/path/to/socket)/dbname is also
// accepted), or a go-sql-driver DSN, user:password@tcp(host:port)/dbname?param=value.
// Whatever the URL says, sessions use utf8mb4, UTC (for the driver and the server
// session), strict SQL mode, time values parsed into time.Time, and affected-row counts
// that count matched rows. Open pings the server and returns an error naming the problem
// (never the password) when the URL is invalid or the server cannot be reached.
func Open(ctx context.Context, url string, cfg orm.Config) (*orm.DB, error) {
	mc, err := Config(url)
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	mc.Logger = driverLogger{logger}
	conn, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, fmt.Errorf("mysql: invalid configuration: %w", redact(err, mc.Passwd))
	}
	sqlDB := sql.OpenDB(conn)
	db, err := orm.New(sqlDB, Dialect(), cfg)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("mysql: cannot connect to %s/%s as %s: %w", mc.Addr, mc.DBName, mc.User, redact(err, mc.Passwd))
	}
	return db, nil
}

// Config parses url (see Open) into the driver configuration Open uses, with Sinew's
// session settings applied.
func Config(raw string) (*mysql.Config, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("mysql: empty database URL")
	}
	var mc *mysql.Config
	if rest, ok := strings.CutPrefix(raw, "mysql://"); ok {
		var err error
		if mc, err = parseURL(rest); err != nil {
			return nil, err
		}
	} else if strings.Contains(raw, "://") {
		scheme, _, _ := strings.Cut(raw, "://")
		return nil, fmt.Errorf("mysql: unsupported URL scheme %q (want mysql://user:password@host:port/dbname)", scheme)
	} else {
		var err error
		if mc, err = mysql.ParseDSN(raw); err != nil {
			return nil, fmt.Errorf("mysql: invalid DSN: %w", redactDSN(err, raw))
		}
	}
	if mc.DBName == "" {
		return nil, errors.New("mysql: the database URL names no database")
	}
	mc.ParseTime = true
	mc.Loc = time.UTC
	mc.ClientFoundRows = true
	mc.MultiStatements = false
	if err := mc.Apply(mysql.Charset("utf8mb4", "utf8mb4_unicode_ci")); err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	if mc.Params == nil {
		mc.Params = map[string]string{}
	}
	mc.Params["sql_mode"] = sqlMode
	mc.Params["time_zone"] = "'+00:00'"
	if mc.Timeout == 0 {
		mc.Timeout = 10 * time.Second
	}
	return mc, nil
}

// parseURL reads user:password@host:port/dbname?params.
func parseURL(rest string) (*mysql.Config, error) {
	mc := mysql.NewConfig()
	if at := strings.LastIndex(rest, "@unix("); at >= 0 {
		// A socket path contains slashes, which url.Parse would take for the path: cut
		// it out and parse the rest with a placeholder host.
		end := strings.Index(rest[at:], ")")
		if end < 0 {
			return nil, errors.New("mysql: unterminated unix( in the database URL")
		}
		socket := rest[at+len("@unix(") : at+end]
		u, err := parseURL(rest[:at] + "@localhost" + rest[at+end+1:])
		if err != nil {
			return nil, err
		}
		u.Net, u.Addr = "unix", socket
		return u, nil
	}
	u, err := url.Parse("mysql://" + rest)
	if err != nil {
		// url.Parse's messages quote parts of the URL (a port that is really the end of a
		// password with a '/' in it): none of its text is repeated.
		return nil, errors.New("mysql: invalid database URL: it does not parse as mysql://user:password@host:port/database " +
			"(percent-encode special characters such as / @ : in the user name and password)")
	}
	if u.User != nil {
		mc.User = u.User.Username()
		mc.Passwd, _ = u.User.Password()
	}
	host := u.Host
	switch {
	case host == "":
		return nil, errors.New("mysql: the database URL names no host")
	default:
		if _, _, err := net.SplitHostPort(host); err != nil {
			host = net.JoinHostPort(strings.Trim(host, "[]"), "3306")
		} else if _, port, _ := net.SplitHostPort(host); port == "" {
			return nil, fmt.Errorf("mysql: empty port in %q", host)
		} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("mysql: bad port %q", port)
		}
		mc.Net, mc.Addr = "tcp", host
	}
	mc.DBName = strings.TrimPrefix(u.Path, "/")
	if strings.Contains(mc.DBName, "/") {
		return nil, fmt.Errorf("mysql: bad database name %q", mc.DBName)
	}
	if q := u.RawQuery; q != "" {
		// The driver's own parameter syntax is that of a DSN's query string.
		dsn, err := mysql.ParseDSN("/" + mc.DBName + "?" + q)
		if err != nil {
			return nil, fmt.Errorf("mysql: invalid URL parameters: %w", err)
		}
		dsn.User, dsn.Passwd, dsn.Net, dsn.Addr = mc.User, mc.Passwd, mc.Net, mc.Addr
		mc = dsn
	}
	return mc, nil
}

func redact(err error, password string) error {
	if password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return &redacted{err: err, msg: strings.ReplaceAll(err.Error(), password, "xxxxx")}
}

// redactDSN hides the password part of a DSN echoed in an error.
func redactDSN(err error, dsn string) error {
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return err
	}
	_, pass, ok := strings.Cut(dsn[:at], ":")
	if !ok || pass == "" {
		return err
	}
	return redact(err, pass)
}

type redacted struct {
	err error
	msg string
}

// Error returns the message with the password hidden.
func (r *redacted) Error() string { return r.msg }

// Unwrap returns the original error.
func (r *redacted) Unwrap() error { return r.err }

// driverLogger sends the driver's own messages (dropped connections and the like) to slog.
type driverLogger struct{ l *slog.Logger }

// Print implements the driver's Logger interface.
func (d driverLogger) Print(v ...any) {
	d.l.Warn("mysql driver: " + strings.TrimSpace(fmt.Sprint(v...)))
}
