package sinew

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sinewdev/sinew/internal/dotenv"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web/middleware"
)

// The environments an app runs in (SINEW_ENV).
const (
	EnvDev  = "dev"  // development: debug pages, readable logs, generated secret key
	EnvTest = "test" // tests: like dev, quiet logs, an in-memory secret key
	EnvProd = "prod" // production: JSON logs, no debug pages, a secret key is required
)

// Config configures an App. The zero value is the default: a development app listening on
// :8080 with its data under ./data. [New] fills it from the environment; fields set in code
// with [NewWithConfig] are used as they are.
type Config struct {
	// Env is "dev", "test" or "prod" (SINEW_ENV). Default: "dev".
	Env string
	// Addr is the listen address (SINEW_ADDR, or ":"+PORT). Default: ":8080".
	Addr string
	// SecretKey signs sessions and tokens (SINEW_SECRET_KEY, at least 32 bytes). In dev it is
	// generated once and kept in DataDir/secret_key; in test it is random per app; prod
	// refuses to start without one.
	SecretKey string
	// DataDir holds the embedded database and other local state (SINEW_DATA_DIR).
	// Default: "data".
	DataDir string
	// AutoMigrate applies pending migrations at start (SINEW_AUTO_MIGRATE: true or false).
	// Default: on in dev and test, off in prod, where `./app migrate` applies them.
	AutoMigrate *bool
	// MigrationsDir is where `./app makemigrations` writes (SINEW_MIGRATIONS_DIR).
	// Default: "migrations".
	MigrationsDir string
	// DatabaseURL selects the database (DATABASE_URL): sqlite:path, postgres://... or
	// mysql://... Default: an SQLite file in DataDir.
	DatabaseURL string
	// DBMaxOpenConns caps the database pool's open connections (SINEW_DB_MAX_OPEN_CONNS).
	// Default: max(4, 2×GOMAXPROCS); -1 for no limit. With SQLite it sizes the read pool
	// (writes always go through one connection).
	DBMaxOpenConns int
	// DBMaxIdleConns is how many idle connections the pool keeps (SINEW_DB_MAX_IDLE_CONNS).
	// Default: DBMaxOpenConns; -1 keeps none.
	DBMaxIdleConns int
	// DBConnMaxLifetime recycles connections older than this (SINEW_DB_CONN_MAX_LIFETIME).
	// Default: 30m.
	DBConnMaxLifetime time.Duration
	// DBConnMaxIdleTime closes connections idle for longer (SINEW_DB_CONN_MAX_IDLE_TIME).
	// Default: 5m.
	DBConnMaxIdleTime time.Duration
	// DBSlowQuery is the duration above which a statement is logged as a warning
	// (SINEW_DB_SLOW_QUERY). Default: 200ms.
	DBSlowQuery time.Duration
	// DBLogQueries logs every statement at debug level (SINEW_DB_LOG_QUERIES=1).
	// Default: off.
	DBLogQueries bool

	// ReadHeaderTimeout bounds reading request headers (SINEW_READ_HEADER_TIMEOUT).
	// Default: 10s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (SINEW_READ_TIMEOUT).
	// Default: 60s.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response (SINEW_WRITE_TIMEOUT). Default: none, so event
	// streams and large downloads work; RequestTimeout bounds handlers instead.
	WriteTimeout time.Duration
	// IdleTimeout closes idle keep-alive connections (SINEW_IDLE_TIMEOUT). Default: 120s.
	IdleTimeout time.Duration
	// MaxHeaderBytes limits request headers; larger ones get 431 (SINEW_MAX_HEADER_BYTES).
	// Default: 64 KiB.
	MaxHeaderBytes int
	// MaxBodyBytes limits request bodies; larger ones get 413 (SINEW_MAX_BODY_BYTES).
	// Default: 10 MiB.
	MaxBodyBytes int64
	// RequestTimeout is the deadline of each request's context (SINEW_REQUEST_TIMEOUT).
	// Default: 30s.
	RequestTimeout time.Duration
	// DrainTimeout is how long shutdown waits for in-flight requests
	// (SINEW_DRAIN_TIMEOUT). Default: 15s.
	DrainTimeout time.Duration
	// TrustedProxies are the networks whose X-Forwarded-For and X-Forwarded-Proto headers
	// are believed (SINEW_TRUSTED_PROXIES, comma-separated CIDRs or addresses).
	// Default: none.
	TrustedProxies []netip.Prefix

	// SessionStore names where sessions live (SINEW_SESSION_STORE): empty for the app's
	// database (table sinew_sessions), or a redis:// URL. Default: the database.
	SessionStore string
	// Session configures the session cookie and expiry (see session.Config).
	// Default: the zero session.Config.
	Session session.Config
	// CSRF configures the CSRF protection of unsafe requests (see middleware.CSRFConfig;
	// App.CSRFExempt adds exempt routes). SINEW_CSRF=off turns it off;
	// SINEW_CSRF_TRUSTED_ORIGINS lists origins allowed to post cross-origin.
	// Default: on, with the session's token.
	CSRF middleware.CSRFConfig
	// SecureHeaders configures the security headers of every response (see
	// middleware.SecureHeadersConfig). Default: all of them on.
	SecureHeaders middleware.SecureHeadersConfig

	// MailURL names the mailer (SINEW_MAIL_URL): smtp://user:pass@host:587 (STARTTLS),
	// smtps://... (implicit TLS), smtp://host:1025?tls=none or log: (see mail.Open).
	// Default: the log mailer in dev and test; in prod, sending fails until it is set.
	MailURL string
	// RateLimitStore names where rate-limit counters live (SINEW_RATELIMIT_STORE): empty
	// for the app's database (table sinew_ratelimits), "memory", or a redis:// URL.
	// Default: the database.
	RateLimitStore string

	// OpsToken guards the ops endpoints (/metrics, /ops, /ops/loglevel, /debug/pprof/):
	// requests must carry it as a bearer token or Basic password (SINEW_OPS_TOKEN, at least
	// 16 bytes). Default: none, so in test and prod the endpoints are not served unless
	// OpsAddr is set; in dev they answer requests from the loopback interface.
	OpsToken string
	// OpsAddr serves the ops endpoints, with /healthz and /readyz, on a listener of their
	// own instead of the app's (SINEW_OPS_ADDR, host:port such as 127.0.0.1:9090); with no
	// OpsToken that port is open, so prod refuses a public or wildcard address without one.
	// Default: none.
	OpsAddr string
	// OTLPEndpoint turns tracing on, exporting spans over OTLP/HTTP to this base URL
	// (OTEL_EXPORTER_OTLP_ENDPOINT, for example http://collector:4318). Default: none
	// (tracing off, at no cost).
	OTLPEndpoint string
	// ServiceName names the service in exported spans (OTEL_SERVICE_NAME). Default: "sinew".
	ServiceName string
	// TraceSampleRatio is the fraction of new traces recorded, in (0, 1]; requests that
	// continue a caller's trace follow the caller's decision (OTEL_TRACES_SAMPLER_ARG with
	// OTEL_TRACES_SAMPLER=parentbased_traceidratio). Default: 1, every trace.
	TraceSampleRatio float64
	// DrainDelay is how long the app keeps accepting requests after readiness turns false
	// at shutdown, so that load balancers stop sending before connections are refused
	// (SINEW_DRAIN_DELAY; 5s suits Kubernetes). It counts against DrainTimeout. Default: 0.
	DrainDelay time.Duration

	// LogLevel is the minimum level logged (SINEW_LOG_LEVEL: debug, info, warn, error).
	// Default: info (warn in test).
	LogLevel slog.Level
	// LogFormat is "pretty", "text" or "json" (SINEW_LOG_FORMAT). Default: pretty in dev,
	// JSON in prod, text in test.
	LogFormat string
	// Logger, when set, is used instead of one built from LogLevel and LogFormat.
	Logger *slog.Logger
	// Stdout and Stderr receive command output and logs. Default: os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
}

// ConfigFromEnv reads the configuration from lookup (os.LookupEnv in [New]) and from the
// .env file at dotenvPath when it exists (variables already set win over the file). A value
// that cannot be parsed is an error naming the variable.
func ConfigFromEnv(lookup func(string) (string, bool), dotenvPath string) (Config, error) {
	var fileVars map[string]string
	if dotenvPath != "" {
		f, err := os.Open(dotenvPath)
		switch {
		case err == nil:
			vars, err := dotenv.Read(f)
			f.Close()
			if err != nil {
				return Config{}, fmt.Errorf("sinew: reading %s: %w", dotenvPath, err)
			}
			fileVars = make(map[string]string, len(vars))
			for _, v := range vars {
				fileVars[v.Key] = v.Value
			}
		case !errors.Is(err, os.ErrNotExist):
			return Config{}, fmt.Errorf("sinew: reading %s: %w", dotenvPath, err)
		}
	}
	get := func(name string) string {
		if v, ok := lookup(name); ok {
			return v
		}
		if v, ok := lookup(name + "_FILE"); ok && v != "" {
			b, err := os.ReadFile(v)
			if err == nil {
				return strings.TrimRight(string(b), "\r\n")
			}
		}
		return fileVars[name]
	}
	var cfg Config
	var errs []error
	bad := func(name, val, want string) {
		errs = append(errs, fmt.Errorf("%s=%q: %s", name, short(val), want))
	}
	cfg.Env = get("SINEW_ENV")
	cfg.Addr = get("SINEW_ADDR")
	if cfg.Addr == "" {
		if p := get("PORT"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > 65535 {
				bad("PORT", p, "want a port number from 0 to 65535")
			} else {
				cfg.Addr = ":" + p
			}
		}
	}
	cfg.SecretKey = get("SINEW_SECRET_KEY")
	cfg.DataDir = get("SINEW_DATA_DIR")
	cfg.DatabaseURL = get("DATABASE_URL")
	durations := []struct {
		name string
		dst  *time.Duration
	}{
		{"SINEW_READ_HEADER_TIMEOUT", &cfg.ReadHeaderTimeout},
		{"SINEW_READ_TIMEOUT", &cfg.ReadTimeout},
		{"SINEW_WRITE_TIMEOUT", &cfg.WriteTimeout},
		{"SINEW_IDLE_TIMEOUT", &cfg.IdleTimeout},
		{"SINEW_REQUEST_TIMEOUT", &cfg.RequestTimeout},
		{"SINEW_DRAIN_TIMEOUT", &cfg.DrainTimeout},
		{"SINEW_DB_CONN_MAX_LIFETIME", &cfg.DBConnMaxLifetime},
		{"SINEW_DB_CONN_MAX_IDLE_TIME", &cfg.DBConnMaxIdleTime},
		{"SINEW_DB_SLOW_QUERY", &cfg.DBSlowQuery},
	}
	for _, d := range durations {
		if v := get(d.name); v != "" {
			x, err := time.ParseDuration(v)
			if err != nil || x < 0 {
				bad(d.name, v, "want a duration such as 30s or 2m")
				continue
			}
			*d.dst = x
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"SINEW_DB_MAX_OPEN_CONNS", &cfg.DBMaxOpenConns}, {"SINEW_DB_MAX_IDLE_CONNS", &cfg.DBMaxIdleConns}} {
		if v := get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < -1 || n > 100_000 {
				bad(p.name, v, "want a number of connections, or -1")
				continue
			}
			*p.dst = n
		}
	}
	if v := get("SINEW_DB_LOG_QUERIES"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			bad("SINEW_DB_LOG_QUERIES", v, "want 1 or 0")
		}
		cfg.DBLogQueries = on
	}
	if v := get("SINEW_MAX_HEADER_BYTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1024 {
			bad("SINEW_MAX_HEADER_BYTES", v, "want a number of bytes, at least 1024")
		}
		cfg.MaxHeaderBytes = n
	}
	if v := get("SINEW_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			bad("SINEW_MAX_BODY_BYTES", v, "want a positive number of bytes")
		}
		cfg.MaxBodyBytes = n
	}
	if v := get("SINEW_TRUSTED_PROXIES"); v != "" {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := parsePrefix(s)
			if err != nil {
				bad("SINEW_TRUSTED_PROXIES", s, "want CIDR prefixes or addresses, comma-separated")
				continue
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	if v := get("SINEW_LOG_LEVEL"); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			bad("SINEW_LOG_LEVEL", v, "want debug, info, warn or error")
		}
	}
	cfg.LogFormat = get("SINEW_LOG_FORMAT")
	errs = append(errs, sessionConfigFromEnv(&cfg, get)...)
	mailAndLimitsFromEnv(&cfg, get)
	errs = append(errs, observeConfigFromEnv(&cfg, get)...)
	cfg.MigrationsDir = get("SINEW_MIGRATIONS_DIR")
	if v := get("SINEW_AUTO_MIGRATE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("SINEW_AUTO_MIGRATE", v, "want true or false")
		}
		cfg.AutoMigrate = &b
	}
	if len(errs) > 0 {
		return cfg, fmt.Errorf("sinew: bad configuration: %w", errors.Join(errs...))
	}
	return cfg, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// withDefaults fills zero fields with defaults and checks the result.
func (c Config) withDefaults() (Config, error) {
	if c.Env == "" {
		c.Env = EnvDev
	}
	switch c.Env {
	case EnvDev, EnvTest, EnvProd:
	case "development":
		c.Env = EnvDev
	case "production":
		c.Env = EnvProd
	default:
		return c, fmt.Errorf("sinew: SINEW_ENV=%q: want dev, test or prod", short(c.Env))
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.MigrationsDir == "" {
		c.MigrationsDir = "migrations"
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 60 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 120 * time.Second
	}
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = 64 << 10
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 10 << 20
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = 15 * time.Second
	}
	if c.LogFormat == "" {
		switch c.Env {
		case EnvProd:
			c.LogFormat = "json"
		case EnvTest:
			c.LogFormat = "text"
		default:
			c.LogFormat = "pretty"
		}
	}
	switch c.LogFormat {
	case "pretty", "text", "json":
	default:
		return c, fmt.Errorf("sinew: SINEW_LOG_FORMAT=%q: want pretty, text or json", short(c.LogFormat))
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		return c, errors.New("sinew: SINEW_SECRET_KEY is too short: use at least 32 random bytes (for example `openssl rand -base64 48`)")
	}
	return c, nil
}

// loadSecretKey returns the configured secret key, or makes one: in dev it is generated once
// and kept in DataDir/secret_key (mode 0600), in test it is random per app, and in prod a
// missing key is an error.
func (c Config) loadSecretKey() (string, error) {
	if c.SecretKey != "" {
		return c.SecretKey, nil
	}
	switch c.Env {
	case EnvProd:
		return "", errors.New("sinew: SINEW_SECRET_KEY is not set: production refuses to start without a secret key (at least 32 random bytes, for example `openssl rand -base64 48`)")
	case EnvTest:
		return randomKey(), nil
	}
	path := filepath.Join(c.DataDir, "secret_key")
	if b, err := os.ReadFile(path); err == nil {
		key := strings.TrimSpace(string(b))
		if len(key) < 32 {
			return "", fmt.Errorf("sinew: %s holds a key shorter than 32 bytes; delete it to generate a new one", path)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("sinew: reading the secret key: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("sinew: creating the data directory: %w", err)
	}
	key := randomKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process made it first
			return c.loadSecretKey()
		}
		return "", fmt.Errorf("sinew: writing the secret key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(key + "\n"); err != nil {
		return "", fmt.Errorf("sinew: writing the secret key: %w", err)
	}
	return key, nil
}

func randomKey() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
