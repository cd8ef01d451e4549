package sinew_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/mail"
	"github.com/sinewdev/sinew/mail/mailtest"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/ratelimit/ratelimittest"
	"github.com/sinewdev/sinew/web"
)

func startApp(t *testing.T, cfg sinew.Config) *sinew.App {
	t.Helper()
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	app := sinew.NewWithConfig(cfg)
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	return app
}

func testMessage() *mail.Message {
	return &mail.Message{From: "app@sinew.example", To: []string{"ada@example.com"}, Subject: "Hi", Text: "hello"}
}

func TestAppMailer(t *testing.T) {
	t.Parallel()
	t.Run("before start", func(t *testing.T) {
		t.Parallel()
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
		if app.Mailer() == nil {
			t.Fatal("Mailer is nil before Start")
		}
		if err := app.Mailer().Send(t.Context(), testMessage()); err == nil || !strings.Contains(err.Error(), "Start") {
			t.Fatalf("Send before Start = %v, want an error naming Start", err)
		}
	})
	t.Run("log mailer in test", func(t *testing.T) {
		t.Parallel()
		app := startApp(t, sinew.Config{Env: sinew.EnvTest})
		if err := app.Mailer().Send(t.Context(), testMessage()); err != nil {
			t.Fatal(err)
		}
		if sent := app.SentMail(); len(sent) != 1 || sent[0].Message.Subject != "Hi" {
			t.Fatalf("SentMail = %+v", sent)
		}
		err := app.Mailer().Send(t.Context(), &mail.Message{To: []string{"a@example.com\r\nBcc: x@y.z"}, Text: "x"})
		if !errors.Is(err, mail.ErrInvalid) {
			t.Fatalf("header injection through the app's mailer: %v", err)
		}
	})
	t.Run("prod without SINEW_MAIL_URL", func(t *testing.T) {
		t.Parallel()
		app := startApp(t, sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40)})
		err := app.Mailer().Send(t.Context(), testMessage())
		if !errors.Is(err, mail.ErrNotConfigured) || !strings.Contains(err.Error(), "SINEW_MAIL_URL") {
			t.Fatalf("Send = %v, want ErrNotConfigured naming SINEW_MAIL_URL", err)
		}
		if app.SentMail() != nil {
			t.Fatal("SentMail in prod")
		}
	})
	t.Run("smtp from the URL", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.NewServerWith(t, mailtest.Config{Username: "app", Password: "pw"})
		app := startApp(t, sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40), MailURL: srv.URL()})
		if err := app.Mailer().Send(t.Context(), testMessage()); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || got[0].Text != "hello" || got[0].AuthUser != "app" {
			t.Fatalf("received %+v", got)
		}
		if app.SentMail() != nil {
			t.Fatal("SentMail with SMTP")
		}
	})
	t.Run("bad URL stops the start", func(t *testing.T) {
		t.Parallel()
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, MailURL: "smtp://user:hunter2@host:99999", Stderr: io.Discard})
		err := app.Start(t.Context())
		if err == nil || !strings.Contains(err.Error(), "SINEW_MAIL_URL") || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("Start = %v, want an error naming SINEW_MAIL_URL without the password", err)
		}
	})
}

func TestConfigMailAndLimitsFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SINEW_MAIL_URL": "smtps://u:p@mail.example.com", "SINEW_RATELIMIT_STORE": "memory"}
	cfg, err := sinew.ConfigFromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MailURL != env["SINEW_MAIL_URL"] || cfg.RateLimitStore != "memory" {
		t.Fatalf("MailURL %q, RateLimitStore %q", cfg.MailURL, cfg.RateLimitStore)
	}
}

// limitedApp returns an app whose /login allows 3 requests per client per minute,
// limiter built before Start as an app's setup code does.
func limitedApp(t *testing.T, cfg sinew.Config) *sinew.App {
	t.Helper()
	cfg.Stderr, cfg.Stdout = io.Discard, io.Discard
	app := sinew.NewWithConfig(cfg)
	l := ratelimit.New(app.RateLimitStore(), ratelimit.Limit{Events: 3, Per: time.Minute, Name: "login"})
	app.With(ratelimit.Middleware(l, ratelimit.ByIP)).GET("/login", func(c *web.Ctx) error {
		return c.Text(http.StatusOK, "welcome")
	})
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	return app
}

func TestAppRateLimitStore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  func(t *testing.T) sinew.Config
		want string // the store's type
	}{
		{"database by default", func(t *testing.T) sinew.Config {
			return sinew.Config{Env: sinew.EnvTest, DatabaseURL: "sqlite:" + t.TempDir() + "/app.db"}
		}, "db"},
		{"memory without a database", func(*testing.T) sinew.Config { return sinew.Config{Env: sinew.EnvTest} }, "memory"},
		{"memory by choice", func(t *testing.T) sinew.Config {
			return sinew.Config{Env: sinew.EnvTest, DatabaseURL: "sqlite:" + t.TempDir() + "/app.db", RateLimitStore: "memory"}
		}, "memory"},
		{"redis", func(t *testing.T) sinew.Config {
			return sinew.Config{Env: sinew.EnvTest, RateLimitStore: ratelimittest.RequireService(t, "SINEW_TEST_REDIS_URL", "the app's Redis rate-limit store test")}
		}, "redis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := limitedApp(t, tt.cfg(t))
			var b [4]byte
			_, _ = rand.Read(b[:])
			addr := fmt.Sprintf("[2001:db8::%x:%x]:1234", b[:2], b[2:]) // a fresh key per run: Redis is shared
			for i := 1; i <= 5; i++ {
				req := httptest.NewRequest("GET", "/login", nil)
				req.RemoteAddr = addr
				rec := httptest.NewRecorder()
				app.ServeHTTP(rec, req)
				want := http.StatusOK
				if i > 3 {
					want = http.StatusTooManyRequests
				}
				if rec.Code != want {
					t.Fatalf("request %d: %d %s, want %d", i, rec.Code, rec.Body, want)
				}
				if want == http.StatusTooManyRequests && rec.Header().Get("Retry-After") == "" {
					t.Fatalf("request %d: 429 without Retry-After", i)
				}
			}
			if tt.want == "db" {
				n, err := orm.Raw[int](orm.WithDB(t.Context(), app.DB()), "SELECT COUNT(*) FROM "+ratelimit.TableName)
				if err != nil || len(n) != 1 || n[0] != 1 {
					t.Fatalf("counters in the database: %v, %v; want 1", n, err)
				}
			}
		})
	}
	t.Run("before start", func(t *testing.T) {
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
		if _, _, err := app.RateLimitStore().Hit(t.Context(), "k", time.Minute); err == nil {
			t.Fatal("Hit before Start succeeded")
		}
		if err := app.RateLimitStore().Reset(t.Context(), "k"); err == nil {
			t.Fatal("Reset before Start succeeded")
		}
	})
	t.Run("bad store stops the start", func(t *testing.T) {
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, RateLimitStore: "memcached://x", Stderr: io.Discard})
		if err := app.Start(t.Context()); !errors.Is(err, ratelimit.ErrUnsupportedStore) {
			t.Fatalf("Start = %v, want ErrUnsupportedStore", err)
		}
	})
}

func TestMigrateCreatesRateLimitTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	off := false
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40),
		DatabaseURL: "sqlite:" + dir + "/app.db", AutoMigrate: &off, Stdout: &out, Stderr: io.Discard})
	if err := app.RunArgs(t.Context(), []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), ratelimit.TableName) {
		t.Errorf("migrate output does not mention the rate-limit table: %s", out.String())
	}
	db, err := sinew.OpenDatabase(t.Context(), "sqlite:"+dir+"/app.db", orm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := ratelimit.NewDBStore(db).Reset(t.Context(), "x"); err != nil {
		t.Fatalf("no rate-limit table after migrate: %v", err)
	}
}
