package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// FuzzRequest sends arbitrary cookie values, and sessions whose stored bytes are
// arbitrary, through the middleware: the answer is always a 200 with the session treated
// as empty, and a new session never adopts the client's value as its ID.
func FuzzRequest(f *testing.F) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(f.TempDir(), "fuzz.db"), orm.Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if err := session.CreateTable(ctx, db); err != nil {
		f.Fatal(err)
	}
	store := session.NewDBStore(db)
	m := session.New(store, session.Config{})
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(m.Middleware)
	r.GET("/get", func(c *web.Ctx) error {
		s := session.From(c)
		_ = s.Get("name")
		_, _ = session.Get[map[string]int](s, "name")
		_ = s.Flashes()
		return c.Text(200, "ok")
	})
	r.POST("/set", func(c *web.Ctx) error {
		if err := session.From(c).Set("name", "x"); err != nil {
			return err
		}
		return c.Text(200, "ok")
	})
	const storedID = "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSA"
	f.Add("", []byte(`{"c":1,"s":1}`))
	f.Add("garbage", []byte(`{"c":0,"s":0,"v":{"name":"ada"}}`))
	f.Add(storedID, []byte(`{"c":9223372036854775807,"s":-1,"v":{"name":[1,2]},"f":[{"k":1}]}`))
	f.Add(storedID, []byte("\x00\xff not json"))
	f.Add(storedID, []byte(`{"v":{"name":"ada"},"f":null}`))
	f.Fuzz(func(t *testing.T, ck string, stored []byte) {
		if err := store.Save(ctx, storedID, stored, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, method := range []string{"GET", "POST"} {
			req := httptest.NewRequest(method, map[string]string{"GET": "/get", "POST": "/set"}[method], nil)
			req.Header.Set("Cookie", session.DefaultCookieName+"="+ck)
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s with cookie %q and stored %q: status %d", method, ck, stored, res.StatusCode)
			}
			for _, c := range res.Cookies() {
				if c.Name == session.DefaultCookieName && c.Value != "" && c.Value == ck && ck != storedID {
					t.Fatalf("the client's value %q became a session ID", ck)
				}
			}
		}
	})
}
