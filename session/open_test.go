package session_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

func TestOpenStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := ormtest.OpenSQLite(t, orm.Config{})
	tests := []struct {
		name    string
		url     string
		db      *orm.DB
		wantErr error  // errors.Is target, when set
		errText string // substring of the error, when set
		notIn   string // must not appear in the error
	}{
		{name: "database", url: "", db: db},
		{name: "database missing", url: "", db: nil, errText: "needs a database"},
		{name: "unknown scheme", url: "memcached://127.0.0.1:11211", db: db, wantErr: session.ErrUnsupportedStore},
		{name: "no scheme", url: "127.0.0.1:6379", db: db, errText: "session"},
		{name: "bad redis URL keeps the password out", url: "redis://user:hunter2@127.0.0.1:6379/notanumber", db: db, errText: "session", notIn: "hunter2"},
		{name: "redis down keeps the password out", url: "redis://user:hunter2@127.0.0.1:1/0", db: db, errText: "connecting to Redis", notIn: "hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := session.OpenStore(ctx, tt.url, tt.db)
			if tt.wantErr == nil && tt.errText == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := st.(*session.DBStore); !ok {
					t.Fatalf("OpenStore(%q) = %T, want *session.DBStore", tt.url, st)
				}
				return
			}
			if err == nil {
				t.Fatalf("OpenStore(%q) succeeded", tt.url)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("error %q does not mention %q", err, tt.errText)
			}
			if tt.notIn != "" && strings.Contains(err.Error(), tt.notIn) {
				t.Errorf("error %q reveals %q", err, tt.notIn)
			}
		})
	}
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		u := os.Getenv(redisEnv)
		if u == "" {
			t.Skip("set " + redisEnv + " (e.g. redis://127.0.0.1:6379/0) to run the Redis suite")
		}
		st, err := session.OpenStore(ctx, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.(io.Closer).Close()
		rs, ok := st.(*session.RedisStore)
		if !ok {
			t.Fatalf("OpenStore(%q) = %T, want *session.RedisStore", u, st)
		}
		id := strings.Repeat("r", 43)
		if err := rs.Save(ctx, id, []byte("x"), timeIn(t)); err != nil {
			t.Fatal(err)
		}
		defer rs.Delete(ctx, id)
		if b, err := rs.Get(ctx, id); err != nil || string(b) != "x" {
			t.Fatalf("Get = %q, %v", b, err)
		}
	})
}

func TestViewFlashes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	eng, err := view.New(fstest.MapFS{
		"page.html": {Data: []byte(`{{range flashes}}<p class="{{.Kind}}">{{.Message}}</p>{{end}}`)},
	}, view.Config{Flashes: session.ViewFlashes})
	if err != nil {
		t.Fatal(err)
	}
	r := web.NewRouter(web.Config{Logger: discardLogger(), Renderer: eng})
	r.Use(f.m.Middleware)
	r.GET("/page", func(c *web.Ctx) error { return c.Render(200, "page.html", nil) })
	res := do(t, f.h, "POST", "/flash?msg=%3Cb%3Esaved%3C/b%3E", "")
	ck := sessionCookie(res)
	if ck == nil {
		t.Fatal("no session cookie")
	}
	want := `<p class="success">&lt;b&gt;saved&lt;/b&gt;</p>`
	if got := body(t, do(t, r, "GET", "/page", ck.Value)); got != want {
		t.Fatalf("page = %q, want %q", got, want)
	}
	if got := body(t, do(t, r, "GET", "/page", ck.Value)); got != "" {
		t.Fatalf("second page = %q, want no flashes", got)
	}
}
