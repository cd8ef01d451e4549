package sinew_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

type Note struct {
	orm.Model
	Title string `orm:"size=100"`
	Done  bool
}

// migrationsFor builds the first migration of models, as `./app makemigrations` would.
func migrationsFor(t *testing.T, models ...any) []migrate.Migration {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(models...); err != nil {
		t.Fatal(err)
	}
	f, err := migrate.Make(nil, reg.Models(), migrate.MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return []migrate.Migration{f.Migration}
}

func TestAppDatabase(t *testing.T) {
	t.Parallel()
	// CSRF is off: this test posts like a script without a session (sessions_test.go
	// covers the protection).
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard, CSRF: middleware.CSRFConfig{Off: true}})
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	app.POST("/notes", func(c *web.Ctx) error {
		n := Note{Title: c.FormValue("title")}
		if err := orm.Create(c, &n); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, n)
	})
	app.GET("/notes/{id}", func(c *web.Ctx) error {
		n, err := orm.Q[Note](c).Get(c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, n)
	})
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	if app.DB() == nil || app.DB().Dialect().Name() != "sqlite" {
		t.Fatal("no SQLite database in test")
	}

	req := httptest.NewRequest("POST", "/notes", strings.NewReader("title=milk"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/notes/1", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "milk") {
		t.Fatalf("get: %d %s", rec.Code, rec.Body)
	}
	// The ORM's ErrNotFound becomes a 404 through the web layer's one mapping.
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("GET", "/notes/999", nil)
	req.Header.Set("Accept", "application/json")
	app.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
		t.Fatalf("missing note: %d %s", rec.Code, rec.Body)
	}
}

func TestAppDatabaseErrors(t *testing.T) {
	t.Parallel()
	type Broken struct {
		orm.Model
		Title string `orm:"sise=10"`
	}
	tests := []struct {
		name  string
		url   string
		model any
		want  string
	}{
		{"unknown scheme", "oracle://scott:tiger@db/x", Note{}, "unknown scheme"},
		{"no scheme", "just-a-path", Note{}, "DATABASE_URL"},
		{"unreachable postgres", "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2", Note{}, "127.0.0.1"},
		{"tag typo", "", Broken{}, "sise"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, DatabaseURL: tt.url, Stderr: io.Discard})
			app.Models(tt.model)
			err := app.Start(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start = %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "tiger") {
				t.Errorf("the error shows a password: %v", err)
			}
		})
	}
}

func TestMigrationCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	reg := orm.NewRegistry()
	if err := reg.Register(Note{}); err != nil {
		t.Fatal(err)
	}
	first, err := migrate.MakeMigrations(filepath.Join(dir, "migrations"), nil, reg.Models(), migrate.MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	newApp := func() *sinew.App {
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stdout: &out, Stderr: io.Discard,
			DatabaseURL: "sqlite:" + filepath.Join(dir, "app.db"), MigrationsDir: filepath.Join(dir, "migrations")})
		app.Models(Note{})
		app.Migrations([]migrate.Migration{first.Migration})
		return app
	}
	ctx := context.Background()

	// makemigrations writes the Go file (here the models already match the migrations, so
	// we ask for an empty one to hold a data migration).
	if err := newApp().RunArgs(ctx, []string{"makemigrations", "--empty", "--name", "seed"}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "migrations", "*.go"))
	if len(files) == 0 {
		t.Fatalf("makemigrations wrote nothing: %s", out.String())
	}

	out.Reset()
	if err := newApp().RunArgs(ctx, []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0001") {
		t.Errorf("migrate output: %s", out.String())
	}
	out.Reset()
	if err := newApp().RunArgs(ctx, []string{"migrate", "status"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0001") {
		t.Errorf("status output: %s", out.String())
	}
	for _, args := range [][]string{{"migrate", "rollback", "zero"}, {"migrate", "bogus"}, {"migrate", "sql"}, {"makemigrations", "--nope"}} {
		err := newApp().RunArgs(ctx, args)
		var ue *sinew.UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "app.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
}
