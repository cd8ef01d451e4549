package sinew

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte(strings.Repeat("s", 40)+"\n"), 0o600)
	cfg, err := ConfigFromEnv(lookupFrom(map[string]string{
		"SINEW_ENV":                  "prod",
		"PORT":                       "9090",
		"SINEW_SECRET_KEY_FILE":      secretFile,
		"DATABASE_URL":               "postgres://u@h/db",
		"SINEW_DRAIN_TIMEOUT":        "3s",
		"SINEW_MAX_BODY_BYTES":       "2048",
		"SINEW_TRUSTED_PROXIES":      "10.0.0.0/8, 127.0.0.1",
		"SINEW_LOG_LEVEL":            "debug",
		"SINEW_DB_MAX_OPEN_CONNS":    "25",
		"SINEW_DB_MAX_IDLE_CONNS":    "-1",
		"SINEW_DB_CONN_MAX_LIFETIME": "1h",
		"SINEW_DB_SLOW_QUERY":        "50ms",
		"SINEW_DB_LOG_QUERIES":       "1",
	}), "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DBMaxOpenConns != 25 || cfg.DBMaxIdleConns != -1 || cfg.DBConnMaxLifetime != time.Hour ||
		cfg.DBSlowQuery != 50*time.Millisecond || !cfg.DBLogQueries {
		t.Fatalf("database pool settings: %+v", cfg)
	}
	if cfg.Env != "prod" || cfg.Addr != ":9090" || cfg.SecretKey != strings.Repeat("s", 40) ||
		cfg.DatabaseURL != "postgres://u@h/db" || cfg.DrainTimeout != 3*time.Second || cfg.MaxBodyBytes != 2048 ||
		len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[1].String() != "127.0.0.1/32" || cfg.LogLevel != -4 {
		t.Fatalf("unexpected config: %+v", cfg)
	}
}

func TestConfigFromEnvErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad port", map[string]string{"PORT": "http"}, "PORT"},
		{"port out of range", map[string]string{"PORT": "70000"}, "PORT"},
		{"bad duration", map[string]string{"SINEW_DRAIN_TIMEOUT": "soon"}, "SINEW_DRAIN_TIMEOUT"},
		{"negative duration", map[string]string{"SINEW_READ_TIMEOUT": "-1s"}, "SINEW_READ_TIMEOUT"},
		{"bad body size", map[string]string{"SINEW_MAX_BODY_BYTES": "lots"}, "SINEW_MAX_BODY_BYTES"},
		{"tiny header size", map[string]string{"SINEW_MAX_HEADER_BYTES": "10"}, "SINEW_MAX_HEADER_BYTES"},
		{"bad proxy", map[string]string{"SINEW_TRUSTED_PROXIES": "10.0.0.0/99"}, "SINEW_TRUSTED_PROXIES"},
		{"bad level", map[string]string{"SINEW_LOG_LEVEL": "loud"}, "SINEW_LOG_LEVEL"},
		{"bad pool size", map[string]string{"SINEW_DB_MAX_OPEN_CONNS": "many"}, "SINEW_DB_MAX_OPEN_CONNS"},
		{"negative pool size", map[string]string{"SINEW_DB_MAX_IDLE_CONNS": "-5"}, "SINEW_DB_MAX_IDLE_CONNS"},
		{"huge pool size", map[string]string{"SINEW_DB_MAX_OPEN_CONNS": "99999999999999999999"}, "SINEW_DB_MAX_OPEN_CONNS"},
		{"bad log queries", map[string]string{"SINEW_DB_LOG_QUERIES": "maybe"}, "SINEW_DB_LOG_QUERIES"},
		{"bad slow query", map[string]string{"SINEW_DB_SLOW_QUERY": "fast"}, "SINEW_DB_SLOW_QUERY"},
		{"hostile long value", map[string]string{"PORT": strings.Repeat("9", 10000)}, "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ConfigFromEnv(lookupFrom(tt.env), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %q", err, tt.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error message too long (%d bytes): hostile values must be cut", len(err.Error()))
			}
		})
	}
}

func TestConfigDotEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	os.WriteFile(path, []byte("# local settings\nPORT=7000\nSINEW_ENV=test\nDATABASE_URL=\"sqlite:x.db\"\n"), 0o600)
	cfg, err := ConfigFromEnv(lookupFrom(map[string]string{"SINEW_ENV": "dev"}), path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":7000" || cfg.DatabaseURL != "sqlite:x.db" {
		t.Errorf("values from .env not used: %+v", cfg)
	}
	if cfg.Env != "dev" {
		t.Errorf("the environment must win over .env: Env = %q", cfg.Env)
	}
	os.WriteFile(path, []byte("PORT=1\nthis is not an assignment\n"), 0o600)
	if _, err := ConfigFromEnv(lookupFrom(nil), path); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed .env: err = %v, want one naming line 2", err)
	}
	if _, err := ConfigFromEnv(lookupFrom(nil), filepath.Join(dir, "missing.env")); err != nil {
		t.Errorf("a missing .env is fine: %v", err)
	}
}

func TestConfigDefaultsAndSecretKey(t *testing.T) {
	t.Parallel()
	cfg, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Env != EnvDev || cfg.Addr != ":8080" || cfg.MaxHeaderBytes != 64<<10 || cfg.ReadHeaderTimeout != 10*time.Second {
		t.Errorf("defaults: %+v", cfg)
	}
	if _, err := (Config{Env: "staging"}).withDefaults(); err == nil {
		t.Error("unknown env accepted")
	}
	if _, err := (Config{SecretKey: "short"}).withDefaults(); err == nil {
		t.Error("short secret key accepted")
	}

	// prod refuses to start without a key, with a message saying what to do.
	_, err = Config{Env: EnvProd}.loadSecretKey()
	if err == nil || !strings.Contains(err.Error(), "SINEW_SECRET_KEY") {
		t.Errorf("prod without a key: %v", err)
	}
	app := NewWithConfig(Config{Env: EnvProd, DataDir: t.TempDir()})
	if err := app.Start(t.Context()); err == nil {
		t.Error("a prod app started without a secret key")
	}

	// dev generates a key once and keeps it.
	dir := t.TempDir()
	dev := Config{Env: EnvDev, DataDir: filepath.Join(dir, "data")}
	k1, err := dev.loadSecretKey()
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := dev.loadSecretKey()
	if k1 != k2 || len(k1) < 32 {
		t.Errorf("dev key not kept: %q vs %q", k1, k2)
	}
	st, err := os.Stat(filepath.Join(dir, "data", "secret_key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("secret_key file: %v, mode %v", err, st.Mode())
	}
	// test keys are random per app and never written.
	tk1, _ := Config{Env: EnvTest}.loadSecretKey()
	tk2, _ := Config{Env: EnvTest}.loadSecretKey()
	if tk1 == tk2 {
		t.Error("test keys repeat")
	}
}
