package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// BenchmarkMiddleware measures a request through the middleware on the SQLite database
// store: untouched (the cost of having sessions at all), reading a session, and writing it.
func BenchmarkMiddleware(b *testing.B) {
	for _, bm := range []struct {
		name, method, target string
	}{
		{"untouched", "GET", "/plain"},
		{"read", "GET", "/get"},
		{"write", "POST", "/set?k=name&v=ada"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			f := newBenchFixture(b)
			ck := f.newSession(b)
			req := httptest.NewRequest(bm.method, bm.target, nil)
			req.AddCookie(&http.Cookie{Name: session.DefaultCookieName, Value: ck})
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				f.h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

type benchFixture struct{ h http.Handler }

func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	store := openBenchStore(b)
	m := session.New(store, session.Config{})
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(m.Middleware)
	routes(r)
	return &benchFixture{h: r}
}

func (f *benchFixture) newSession(b *testing.B) string {
	b.Helper()
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest("POST", "/set?k=name&v=ada", nil))
	for _, c := range rec.Result().Cookies() {
		if c.Name == session.DefaultCookieName {
			return c.Value
		}
	}
	b.Fatal("no session cookie")
	return ""
}

// openBenchStore returns a database store on a SQLite file in b's temporary directory.
func openBenchStore(b *testing.B) session.Store {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"), orm.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := session.CreateTable(ctx, db); err != nil {
		b.Fatal(err)
	}
	return session.NewDBStore(db)
}
