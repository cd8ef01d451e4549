package session_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// countingStore counts the calls that reach a real store.
type countingStore struct {
	session.Store
	gets, saves, deletes atomic.Int64
	failGet              error
}

func (s *countingStore) Get(ctx context.Context, id string) ([]byte, error) {
	s.gets.Add(1)
	if s.failGet != nil {
		return nil, s.failGet
	}
	return s.Store.Get(ctx, id)
}

func (s *countingStore) Save(ctx context.Context, id string, data []byte, exp time.Time) error {
	s.saves.Add(1)
	return s.Store.Save(ctx, id, data, exp)
}

func (s *countingStore) Delete(ctx context.Context, id string) error {
	s.deletes.Add(1)
	return s.Store.Delete(ctx, id)
}

func (s *countingStore) calls() int64 { return s.gets.Load() + s.saves.Load() + s.deletes.Load() }

// clock is a settable time source for Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newSQLiteStore returns a counting database store on a fresh SQLite database.
func newSQLiteStore(t *testing.T) *countingStore {
	t.Helper()
	db := ormtest.OpenSQLite(t, orm.Config{})
	if err := session.CreateTable(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return &countingStore{Store: session.NewDBStore(db)}
}

// fixture is a router with the session middleware and routes that use the session.
type fixture struct {
	store *countingStore
	m     *session.Manager
	h     http.Handler
}

func newFixture(t *testing.T, cfg session.Config) *fixture {
	t.Helper()
	f := &fixture{store: newSQLiteStore(t)}
	f.m = session.New(f.store, cfg)
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(f.m.Middleware)
	routes(r)
	f.h = r
	return f
}

// routes registers the test routes on r.
func routes(r interface {
	GET(string, web.HandlerFunc) *web.Route
	POST(string, web.HandlerFunc) *web.Route
}) {
	r.GET("/plain", func(c *web.Ctx) error { return c.Text(200, "plain") })
	r.GET("/get", func(c *web.Ctx) error {
		s := session.From(c)
		if err := s.Err(); err != nil {
			return err
		}
		name, _ := session.Get[string](s, "name")
		return c.Text(200, name)
	})
	r.POST("/set", func(c *web.Ctx) error {
		if err := session.From(c).Set(c.Query("k"), c.Query("v")); err != nil {
			return err
		}
		return c.Text(200, "ok")
	})
	r.POST("/login", func(c *web.Ctx) error {
		s := session.From(c)
		if err := s.Renew(); err != nil {
			return err
		}
		if err := s.Set("user", c.Query("user")); err != nil {
			return err
		}
		return c.Text(200, "welcome")
	})
	r.GET("/whoami", func(c *web.Ctx) error {
		u, _ := session.Get[string](session.From(c), "user")
		return c.Text(200, u)
	})
	r.POST("/logout", func(c *web.Ctx) error {
		if err := session.From(c).Destroy(); err != nil {
			return err
		}
		return c.Text(200, "bye")
	})
	r.POST("/flash", func(c *web.Ctx) error {
		if err := session.From(c).AddFlash("success", c.Query("msg")); err != nil {
			return err
		}
		return c.Redirect(303, "/")
	})
	r.GET("/flashes", func(c *web.Ctx) error {
		var b strings.Builder
		for _, f := range session.From(c).Flashes() {
			b.WriteString(f.Kind + ":" + f.Message + ";")
		}
		return c.Text(200, b.String())
	})
	r.POST("/clear", func(c *web.Ctx) error {
		session.From(c).Clear()
		return c.Text(200, "cleared")
	})
	r.POST("/late", func(c *web.Ctx) error {
		if err := c.Text(200, "sent first"); err != nil {
			return err
		}
		return session.From(c).Set("late", "yes")
	})
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// do sends a request with the session cookie value ck (none when empty) and returns the
// response.
func do(t *testing.T, h http.Handler, method, target, ck string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if ck != "" {
		req.AddCookie(&http.Cookie{Name: session.DefaultCookieName, Value: ck})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sessionCookie returns the Set-Cookie of the session in res, or nil.
func sessionCookie(res *http.Response) *http.Cookie {
	for _, ck := range res.Cookies() {
		if ck.Name == session.DefaultCookieName {
			return ck
		}
	}
	return nil
}

// login sets name in a new session and returns its cookie value.
func setName(t *testing.T, h http.Handler, ck, name string) string {
	t.Helper()
	res := do(t, h, "POST", "/set?k=name&v="+name, ck)
	if res.StatusCode != 200 {
		t.Fatalf("POST /set: %d %s", res.StatusCode, body(t, res))
	}
	if c := sessionCookie(res); c != nil {
		return c.Value
	}
	return ck
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	if len(ck) != 43 {
		t.Fatalf("cookie value %q: want 43 base64url characters", ck)
	}
	res := do(t, f.h, "GET", "/get", ck)
	if got := body(t, res); got != "ada" {
		t.Fatalf("GET /get = %q, want ada", got)
	}
	if sessionCookie(res) != nil {
		t.Error("a request that only read the session set a cookie")
	}
	if again := setName(t, f.h, ck, "grace"); again != ck {
		t.Errorf("writing an existing session changed its ID")
	}
	if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "grace" {
		t.Fatalf("GET /get = %q, want grace", got)
	}
}

func TestCookieAttributes(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)
	m := session.New(store, session.Config{})
	app := sinew.NewWithConfig(sinew.Config{
		Env:            sinew.EnvTest,
		Stderr:         io.Discard,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	})
	app.Use(m.Middleware)
	routes(app)
	tests := []struct {
		name       string
		target     string
		remote     string
		proto      string
		wantSecure bool
	}{
		{"plain HTTP", "http://example.com/set?k=a&v=1", "192.0.2.1:1234", "", false},
		{"direct HTTPS", "https://example.com/set?k=a&v=1", "192.0.2.1:1234", "", true},
		{"HTTPS via trusted proxy", "http://example.com/set?k=a&v=1", "10.1.2.3:1234", "https", true},
		{"HTTP via trusted proxy", "http://example.com/set?k=a&v=1", "10.1.2.3:1234", "http", false},
		{"forged proto from untrusted client", "http://example.com/set?k=a&v=1", "192.0.2.1:1234", "https", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest("POST", tt.target, nil)
			req.RemoteAddr = tt.remote
			if tt.proto != "" {
				req.Header.Set("X-Forwarded-For", "198.51.100.7")
				req.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			res := rec.Result()
			ck := sessionCookie(res)
			if res.StatusCode != 200 || ck == nil {
				t.Fatalf("status %d, cookie %v: want 200 and a session cookie", res.StatusCode, ck)
			}
			if ck.Secure != tt.wantSecure {
				t.Errorf("Secure = %v, want %v (%s)", ck.Secure, tt.wantSecure, res.Header.Get("Set-Cookie"))
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("cookie %s: want HttpOnly, SameSite=Lax, Path=/", res.Header.Get("Set-Cookie"))
			}
			if ck.MaxAge <= 0 || ck.MaxAge > int(session.DefaultIdleTimeout.Seconds()) {
				t.Errorf("Max-Age = %d, want the idle timeout", ck.MaxAge)
			}
			if len(ck.Value) != 43 || strings.ContainsAny(ck.Value, "+/=") {
				t.Errorf("cookie value %q: want 43 base64url characters", ck.Value)
			}
		})
	}
}

func TestLazy(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	tests := []struct {
		name               string
		method, target, ck string
		wantCalls          int64
		wantCookie         bool
	}{
		{"untouched, no cookie", "GET", "/plain", "", 0, false},
		{"untouched, with cookie", "GET", "/plain", ck, 0, false},
		{"untouched, garbage cookie", "GET", "/plain", "garbage", 0, false},
		{"read, no cookie", "GET", "/get", "", 0, false},
		{"read, with cookie", "GET", "/get", ck, 1, false},
		{"no flashes, with cookie", "GET", "/flashes", ck, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the calls are counted on the shared store.
			before := f.store.calls()
			res := do(t, f.h, tt.method, tt.target, tt.ck)
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			if got := f.store.calls() - before; got != tt.wantCalls {
				t.Errorf("%d store calls, want %d", got, tt.wantCalls)
			}
			if got := sessionCookie(res) != nil; got != tt.wantCookie {
				t.Errorf("Set-Cookie sent: %v, want %v", got, tt.wantCookie)
			}
		})
	}
}

func TestBadCookies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	valid := setName(t, f.h, "", "victim")
	unknown := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // well-formed, never issued
	bad := []string{
		"x", unknown, valid[:42], valid + "A", valid[:42] + "=", strings.Repeat("A", 10<<10),
		strings.Replace(valid, valid[:1], "+", 1), "%00%01", "../../etc/passwd", "' OR 1=1 --",
		"____________________________________________", strings.ToUpper(valid),
	}
	for _, ck := range bad {
		if ck == valid {
			continue
		}
		t.Run(ck[:min(len(ck), 12)], func(t *testing.T) {
			res := do(t, f.h, "GET", "/get", ck)
			if got := body(t, res); res.StatusCode != 200 || got != "" {
				t.Fatalf("GET /get with cookie %.20q: %d %q, want 200 and an empty session", ck, res.StatusCode, got)
			}
			res = do(t, f.h, "POST", "/set?k=name&v=new", ck)
			c := sessionCookie(res)
			if res.StatusCode != 200 || c == nil {
				t.Fatalf("POST /set with cookie %.20q: %d, cookie %v", ck, res.StatusCode, c)
			}
			if c.Value == ck {
				t.Fatalf("the client's cookie value was adopted as the session ID")
			}
		})
	}
	if got := body(t, do(t, f.h, "GET", "/get", valid)); got != "victim" {
		t.Errorf("the valid session was disturbed: %q", got)
	}
}

func TestFixation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	// The attacker gets a valid session ID and plants it in the victim's browser.
	planted := setName(t, f.h, "", "attacker")
	res := do(t, f.h, "POST", "/login?user=victim", planted)
	ck := sessionCookie(res)
	if res.StatusCode != 200 || ck == nil {
		t.Fatalf("login: %d, cookie %v", res.StatusCode, ck)
	}
	if ck.Value == planted {
		t.Fatal("login kept the planted session ID")
	}
	if got := body(t, do(t, f.h, "GET", "/whoami", ck.Value)); got != "victim" {
		t.Errorf("after login, whoami = %q, want victim", got)
	}
	if got := body(t, do(t, f.h, "GET", "/get", ck.Value)); got != "attacker" {
		t.Errorf("Renew lost the session's data: name = %q", got)
	}
	if got := body(t, do(t, f.h, "GET", "/whoami", planted)); got != "" {
		t.Errorf("the planted ID still reaches the victim's session: whoami = %q", got)
	}
	if _, err := f.store.Store.Get(context.Background(), planted); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the old ID is still in the store: %v", err)
	}
}

func TestFlashOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	res := do(t, f.h, "POST", "/flash?msg=saved", "")
	ck := sessionCookie(res)
	if res.StatusCode != 303 || ck == nil {
		t.Fatalf("POST /flash: %d, cookie %v", res.StatusCode, ck)
	}
	do(t, f.h, "POST", "/flash?msg=again", ck.Value)
	if got := body(t, do(t, f.h, "GET", "/flashes", ck.Value)); got != "success:saved;success:again;" {
		t.Fatalf("first read: %q", got)
	}
	if got := body(t, do(t, f.h, "GET", "/flashes", ck.Value)); got != "" {
		t.Fatalf("second read: %q, want none", got)
	}
}

func TestDestroy(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	res := do(t, f.h, "POST", "/logout", ck)
	c := sessionCookie(res)
	if c == nil || c.MaxAge >= 0 || c.Value != "" {
		t.Fatalf("logout cookie %v: want it deleted", res.Header.Get("Set-Cookie"))
	}
	if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "" {
		t.Errorf("destroyed session still readable: %q", got)
	}
	if _, err := f.store.Store.Get(context.Background(), ck); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("destroyed session still in the store: %v", err)
	}
}

func TestClearDeletes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	res := do(t, f.h, "POST", "/clear", ck)
	if c := sessionCookie(res); c == nil || c.MaxAge >= 0 {
		t.Errorf("clearing every value: cookie %q, want it deleted", res.Header.Get("Set-Cookie"))
	}
	if _, err := f.store.Store.Get(context.Background(), ck); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("an emptied session stays in the store: %v", err)
	}
}

func TestIdleExpiry(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Now()}
	f := newFixture(t, session.Config{Now: clk.Now, IdleTimeout: 10 * time.Minute, AbsoluteTimeout: time.Hour})
	ck := setName(t, f.h, "", "ada")
	// Used every 6 minutes, the session stays alive past its first 10 minutes...
	for range 3 {
		clk.Advance(6 * time.Minute)
		if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "ada" {
			t.Fatalf("active session lost after %v", clk.Now().Sub(clk.now))
		}
	}
	// ... and ends after 10 idle minutes.
	clk.Advance(10 * time.Minute)
	res := do(t, f.h, "GET", "/get", ck)
	if got := body(t, res); got != "" {
		t.Fatalf("idle session still readable: %q", got)
	}
	if c := sessionCookie(res); c == nil || c.MaxAge >= 0 {
		t.Errorf("expired session's cookie not deleted: %q", res.Header.Get("Set-Cookie"))
	}
}

func TestAbsoluteExpiry(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Now()}
	f := newFixture(t, session.Config{Now: clk.Now, IdleTimeout: 10 * time.Minute, AbsoluteTimeout: 30 * time.Minute})
	ck := setName(t, f.h, "", "ada")
	for i := range 6 {
		clk.Advance(5*time.Minute - time.Second)
		if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "ada" {
			t.Fatalf("session lost at step %d", i)
		}
		ck = setName(t, f.h, ck, "ada") // active: written on every request
	}
	clk.Advance(time.Minute)
	if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "" {
		t.Fatalf("session alive %v after creation: %q", 31*time.Minute, got)
	}
}

func TestTooLarge(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{MaxSize: 1024})
	ck := setName(t, f.h, "", "ada")
	res := do(t, f.h, "POST", "/set?k=big&v="+strings.Repeat("x", 2000), ck)
	if res.StatusCode != 500 {
		t.Fatalf("oversized value: %d, want the handler's error", res.StatusCode)
	}
	if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "ada" {
		t.Errorf("refused Set damaged the session: %q", got)
	}
}

func TestWriteAfterResponse(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	if res := do(t, f.h, "POST", "/late", ck); res.StatusCode != 200 {
		t.Fatalf("POST /late: %d", res.StatusCode)
	}
	h := web.NewRouter(web.Config{Logger: discardLogger()})
	h.Use(f.m.Middleware)
	h.GET("/late", func(c *web.Ctx) error {
		v, _ := session.Get[string](session.From(c), "late")
		return c.Text(200, v)
	})
	if got := body(t, do(t, h, "GET", "/late", ck)); got != "yes" {
		t.Errorf("a value set after the response was sent was not saved: %q", got)
	}
}

func TestStoreFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	f.store.failGet = errors.New("store down")
	saves := f.store.saves.Load()
	if res := do(t, f.h, "POST", "/set?k=name&v=evil", ck); res.StatusCode != 500 {
		t.Errorf("Set with the store down: %d, want 500", res.StatusCode)
	}
	if got := f.store.saves.Load() - saves; got != 0 {
		t.Errorf("%d saves with the store down, want 0", got)
	}
	f.store.failGet = nil
	if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "ada" {
		t.Errorf("session after the outage: %q, want ada", got)
	}
}

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			res := do(t, f.h, "POST", "/set?k=n&v="+strings.Repeat("v", i+1), ck)
			if res.StatusCode != 200 {
				t.Errorf("concurrent POST: %d", res.StatusCode)
			}
			if c := sessionCookie(res); c == nil || c.Value != ck {
				t.Errorf("concurrent write changed the session ID")
			}
		})
	}
	wg.Wait()
	if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "ada" {
		t.Errorf("after concurrent writes, name = %q, want ada", got)
	}
}

func TestNoMiddleware(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.GET("/", func(c *web.Ctx) error {
		s := session.From(c)
		if s != nil {
			return errors.New("a session without the middleware")
		}
		if err := s.Set("a", 1); !errors.Is(err, session.ErrNoSession) {
			return err
		}
		return c.Text(200, "ok")
	})
	if res := do(t, r, "GET", "/", ""); res.StatusCode != 200 {
		t.Errorf("status %d", res.StatusCode)
	}
}

// timeIn returns a time an hour from now.
func timeIn(t *testing.T) time.Time {
	t.Helper()
	return time.Now().Add(time.Hour)
}

func TestVaryCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	tests := []struct {
		target string
		want   string
	}{
		{"/plain", ""},
		{"/get", "Cookie"},
	}
	for _, tt := range tests {
		res := do(t, f.h, "GET", tt.target, ck)
		if got := res.Header.Get("Vary"); got != tt.want {
			t.Errorf("GET %s: Vary %q, want %q", tt.target, got, tt.want)
		}
	}
}

func TestDestroyThenSet(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(f.m.Middleware)
	r.POST("/switch", func(c *web.Ctx) error {
		s := session.From(c)
		if err := s.Destroy(); err != nil {
			return err
		}
		return s.Set("name", "fresh")
	})
	old := setName(t, f.h, "", "ada")
	res := do(t, r, "POST", "/switch", old)
	ck := sessionCookie(res)
	if ck == nil || ck.Value == "" || ck.Value == old || ck.MaxAge <= 0 {
		t.Fatalf("Destroy then Set: cookie %q, want a new live session", res.Header.Get("Set-Cookie"))
	}
	if got := body(t, do(t, f.h, "GET", "/get", ck.Value)); got != "fresh" {
		t.Errorf("new session name = %q, want fresh", got)
	}
	if got := body(t, do(t, f.h, "GET", "/get", old)); got != "" {
		t.Errorf("destroyed session still readable: %q", got)
	}
}

func TestNewPanics(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)
	tests := []struct {
		name  string
		store session.Store
		cfg   session.Config
	}{
		{"nil store", nil, session.Config{}},
		{"space in cookie name", store, session.Config{CookieName: "my session"}},
		{"semicolon in cookie name", store, session.Config{CookieName: "a;b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("New did not panic")
				}
			}()
			session.New(tt.store, tt.cfg)
		})
	}
}

func TestDestroyDuringOutage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	ck := setName(t, f.h, "", "ada")
	f.store.failGet = errors.New("store down")
	res := do(t, f.h, "POST", "/logout", ck)
	if c := sessionCookie(res); res.StatusCode != 200 || c == nil || c.MaxAge >= 0 {
		t.Fatalf("logout with the store down: %d, cookie %q", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	f.store.failGet = nil
	if got := body(t, do(t, f.h, "GET", "/get", ck)); got != "" {
		t.Errorf("session survived logout during an outage: %q", got)
	}
}

func TestGroupMiddleware(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	g := r.Group("/app")
	g.Use(f.m.Middleware)
	g.POST("/set", func(c *web.Ctx) error { return session.From(c).Set("name", "grouped") })
	g.GET("/get", func(c *web.Ctx) error {
		v, _ := session.Get[string](session.FromContext(c), "name")
		return c.Text(200, v)
	})
	res := do(t, r, "POST", "/app/set", "")
	ck := sessionCookie(res)
	if ck == nil {
		t.Fatalf("no session cookie from a group route: %d", res.StatusCode)
	}
	if got := body(t, do(t, r, "GET", "/app/get", ck.Value)); got != "grouped" {
		t.Errorf("GET /app/get = %q, want grouped", got)
	}
}
