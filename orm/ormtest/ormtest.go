package ormtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/mysql"
	"github.com/sinewdev/sinew/orm/postgres"
	"github.com/sinewdev/sinew/orm/sqlite"
)

// The environment variables naming the test servers.
const (
	PostgresEnv = "SINEW_TEST_POSTGRES_URL"
	MySQLEnv    = "SINEW_TEST_MYSQL_URL"
)

// Opener opens a fresh, empty and isolated database with cfg (whose Registry holds the
// models to use) and arranges for it to be closed and dropped when t ends.
type Opener func(t *testing.T, cfg orm.Config) *orm.DB

// OpenSQLite is an Opener for a SQLite file in t's temporary directory.
func OpenSQLite(t *testing.T, cfg orm.Config) *orm.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "test.db"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenPostgres is an Opener for a new schema in the PostgreSQL database named by
// SINEW_TEST_POSTGRES_URL, used through search_path and dropped at the end of t. It skips t
// when the variable is not set.
func OpenPostgres(t *testing.T, cfg orm.Config) *orm.DB {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip("set " + PostgresEnv + " (e.g. postgres://root@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL suite")
	}
	cc, err := postgres.Config(base)
	if err != nil {
		t.Fatal(err)
	}
	admin := stdlib.OpenDB(*cc)
	t.Cleanup(func() { admin.Close() })
	schema := uniqueName()
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	db, err := postgres.Open(ctx, base+sep+"search_path="+schema, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenMySQL is an Opener for a new database on the MySQL or MariaDB server named by
// SINEW_TEST_MYSQL_URL, dropped at the end of t. It skips t when the variable is not set.
func OpenMySQL(t *testing.T, cfg orm.Config) *orm.DB {
	t.Helper()
	base := os.Getenv(MySQLEnv)
	if base == "" {
		t.Skip("set " + MySQLEnv + " (e.g. root@tcp(127.0.0.1:3306)/test) to run the MySQL suite")
	}
	ctx := context.Background()
	adminDB, err := mysql.Open(ctx, base, orm.Config{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	admin := adminDB.SQL()
	t.Cleanup(func() { adminDB.Close() })
	name := uniqueName()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("creating database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	mc, err := mysql.Config(base)
	if err != nil {
		t.Fatal(err)
	}
	mc.DBName = name
	db, err := mysql.Open(ctx, mc.FormatDSN(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func uniqueName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "sinew_t_" + hex.EncodeToString(b[:])
}

// The models of the suite.

// Author writes posts.
type Author struct {
	orm.Model
	Name  string `orm:"size=100"`
	Email string `orm:"size=200,unique"`
	Posts []Post
}

// PostMeta is stored as JSON.
type PostMeta struct {
	Words    int               `json:"words"`
	Keywords []string          `json:"keywords"`
	Extra    map[string]string `json:"extra,omitempty"`
}

// Post is the main model of the suite, with a column of every kind.
type Post struct {
	orm.Model
	Title       string  `orm:"size=200,index"`
	Slug        string  `orm:"size=200,unique"`
	Body        string  `orm:"text"`
	Views       int64   `orm:"default=0"`
	Rating      float64 `orm:"default=0"`
	Price       string  `orm:"decimal=10.2,default=0"`
	Published   bool
	Status      string     `orm:"size=20,default=draft,choices=draft:Draft|published:Published|archived:Archived"`
	PublishedOn *time.Time `orm:"date"`
	DeletedAt   *time.Time
	Subtitle    *string  `orm:"size=100"`
	Meta        PostMeta `orm:"json"`
	Attachment  []byte
	AuthorID    int64 `orm:"fk=Author,ondelete=cascade"`
	Author      *Author
	Comments    []Comment
	Tags        []*Tag `orm:"m2m"`
}

// Comment belongs to a post, which cannot be deleted while it has comments.
type Comment struct {
	orm.Model
	PostID   int64  `orm:"fk=Post"`
	Body     string `orm:"text"`
	AuthorID *int64 `orm:"fk=Author,ondelete=setnull"`
	Author   *Author
}

// Tag is linked to posts through the post_tags join table.
type Tag struct {
	orm.Model
	Name  string `orm:"size=50,unique"`
	Posts []Post `orm:"m2m=post_tags"`
}

// Document has a UUID primary key and sql.Null fields.
type Document struct {
	orm.UUIDModel
	Title   string `orm:"size=100"`
	Data    []byte
	Score   sql.NullFloat64
	Note    sql.NullString
	Count   sql.NullInt64
	Checked sql.NullBool
	Seen    sql.NullTime
	Parent  uuid.NullUUID
	Labels  map[string]int `orm:"json"`
	Extra   *PostMeta      `orm:"json"`
}

// hookLog collects hook calls, through the context.
type hookLog struct{ calls []string }

type hookKey struct{}

func logHook(ctx context.Context, s string) {
	if l, ok := ctx.Value(hookKey{}).(*hookLog); ok {
		l.calls = append(l.calls, s)
	}
}

// Account has every hook; the hooks log to the context and fail on demand.
type Account struct {
	orm.Model
	Owner   string `orm:"size=100,unique"`
	Balance int64
	FailOn  string `orm:"-"`
}

// hook logs the hook and fails when FailOn names it.
func (a *Account) hook(ctx context.Context, name string) error {
	logHook(ctx, name)
	if a.FailOn == name {
		return errors.New("hook " + name + " failed")
	}
	return nil
}

// BeforeCreate logs the hook and fails when FailOn names it.
func (a *Account) BeforeCreate(ctx context.Context) error { return a.hook(ctx, "BeforeCreate") }

// AfterCreate logs the hook and fails when FailOn names it.
func (a *Account) AfterCreate(ctx context.Context) error { return a.hook(ctx, "AfterCreate") }

// BeforeUpdate logs the hook and fails when FailOn names it.
func (a *Account) BeforeUpdate(ctx context.Context) error { return a.hook(ctx, "BeforeUpdate") }

// AfterUpdate logs the hook and fails when FailOn names it.
func (a *Account) AfterUpdate(ctx context.Context) error { return a.hook(ctx, "AfterUpdate") }

// BeforeDelete logs the hook and fails when FailOn names it.
func (a *Account) BeforeDelete(ctx context.Context) error { return a.hook(ctx, "BeforeDelete") }

// AfterDelete logs the hook and fails when FailOn names it.
func (a *Account) AfterDelete(ctx context.Context) error { return a.hook(ctx, "AfterDelete") }

// Validate rejects an account without owner or with a negative balance.
func (a *Account) Validate(ctx context.Context) error {
	if err := a.hook(ctx, "Validate"); err != nil {
		return err
	}
	if a.Owner == "" {
		return errors.New("owner is required")
	}
	if a.Balance < 0 {
		return errors.New("balance must not be negative")
	}
	return nil
}

// Gauge has a CHECK constraint the suite creates by hand.
type Gauge struct {
	orm.Model
	Level int64
}

// Category is a tree (belongs-to and has-many on itself) with a many-to-many relation to
// itself.
type Category struct {
	orm.Model
	Name     string `orm:"size=50"`
	ParentID *int64 `orm:"fk=Category,ondelete=setnull"`
	Parent   *Category
	Children []Category
	Related  []*Category `orm:"m2m"`
}

// Models returns the suite's models, for a registry.
func Models() []any {
	return []any{Author{}, Post{}, Comment{}, Tag{}, Document{}, Account{}, Category{}}
}

// env is one test's database.
type env struct {
	t   *testing.T
	db  *orm.DB
	ctx context.Context
}

// setup opens a database with the suite's models and creates their tables.
func setup(t *testing.T, open Opener, cfg orm.Config) *env {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(Models()...); err != nil {
		t.Fatal(err)
	}
	cfg.Registry = reg
	if cfg.Logger == nil {
		// Slow-query warnings under the suite's deliberate contention are noise here.
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	db := open(t, cfg)
	ctx := context.Background()
	if err := db.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, ctx: orm.WithDB(ctx, db)}
}

// must fails the test on error.
func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// author creates an author.
func (e *env) author(name string) *Author {
	e.t.Helper()
	a := &Author{Name: name, Email: strings.ToLower(name) + "@example.com"}
	e.must(orm.Create(e.ctx, a))
	return a
}

// post creates a post by a, with the given title and views.
func (e *env) post(a *Author, title string, views int64) *Post {
	e.t.Helper()
	p := &Post{Title: title, Slug: slugify(title), Views: views, AuthorID: a.ID}
	e.must(orm.Create(e.ctx, p))
	return p
}

func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String() + "-" + uniqueName()[8:]
}

// titles returns the titles of posts, in order.
func titles(posts []Post) string {
	var out []string
	for _, p := range posts {
		out = append(out, p.Title)
	}
	return strings.Join(out, ",")
}

// wantErr checks that err is (or wraps) a target of type *E and returns it.
func wantErr[E error](t *testing.T, err error) E {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("got error %v (%T), want %T", err, err, target)
	}
	return target
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
