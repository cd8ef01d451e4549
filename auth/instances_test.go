package auth_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/ratelimit"
)

// TestLimitsAcrossInstances runs two instances of an app on one database (and, with
// SINEW_TEST_REDIS_URL, with the counters in Redis) and spreads wrong passwords over both:
// the per-account limit holds for the pair, because the counters live in the shared store,
// and a session made by one instance is valid on the other.
func TestLimitsAcrossInstances(t *testing.T) {
	t.Parallel()
	stores := []struct{ name, url string }{{"database", ""}}
	if u := os.Getenv("SINEW_TEST_REDIS_URL"); u != "" {
		stores = append(stores, struct{ name, url string }{"redis", u})
	} else if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") != "" {
		t.Fatal("SINEW_TEST_REDIS_URL is not set")
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
			instance := func() *sinew.App {
				app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard, DatabaseURL: dbURL,
					RateLimitStore: st.url, SessionStore: st.url, SecretKey: "one secret key shared by the two instances"})
				auth.Register(app, auth.Config{Password: fastPasswords, Flows: auth.FlowsConfig{
					LoginLimit: ratelimit.Limit{Events: 4, Per: time.Hour}}})
				if err := app.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { app.Stop(context.Background()) })
				return app
			}
			a, b := instance(), instance()
			var rnd [6]byte
			_, _ = rand.Read(rnd[:])
			email := "spread-" + hex.EncodeToString(rnd[:]) + "@example.com" // Redis outlives the test
			u, err := auth.NewUser(email, goodPassword, fastPasswords)
			if err != nil {
				t.Fatal(err)
			}
			if err := orm.Create(orm.WithDB(t.Context(), a.DB()), u); err != nil {
				t.Fatal(err)
			}
			var codes []int
			for i := range 6 {
				h := http.Handler(a)
				if i%2 == 1 {
					h = b
				}
				codes = append(codes, (&browser{t: t, h: h}).login(email, "wrong").Code)
			}
			want := []int{422, 422, 422, 422, 429, 429}
			for i := range want {
				if codes[i] != want[i] {
					t.Fatalf("codes %v, want %v: the limit does not hold across instances", codes, want)
				}
			}
			// A session made on one instance works on the other.
			other, _ := auth.NewUser("ok-"+email, goodPassword, fastPasswords)
			if err := orm.Create(orm.WithDB(t.Context(), a.DB()), other); err != nil {
				t.Fatal(err)
			}
			br := &browser{t: t, h: a}
			if rec := br.login("ok-"+email, goodPassword); rec.Code != http.StatusSeeOther {
				t.Fatalf("login on a: %d", rec.Code)
			}
			br.h = b
			if rec := br.do("GET", "/auth/me", nil, "Accept", "application/json"); rec.Code != 200 {
				t.Errorf("the session from a on b: %d %s", rec.Code, rec.Body)
			}
		})
	}
}
