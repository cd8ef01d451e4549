package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/postgres"
)

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, want string
	}{
		{"", "empty database URL"},
		{"postgres://user:s3cretpw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", "cannot connect to 127.0.0.1:1/db as user"},
		{"postgres://user:s3cretpw@127.0.0.1:notaport/db", "invalid database URL"},
		{"postgres://user:s3cretpw@127.0.0.1/db?sslmode=bogus", "invalid database URL"},
		{"host=127.0.0.1 port=1 user=u password=s3cretpw dbname=d sslmode=disable connect_timeout=2", "cannot connect to 127.0.0.1:1/d as u"},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := postgres.Open(ctx, tt.url, orm.Config{})
		cancel()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tt.url, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("Open(%q): the error shows the password: %v", tt.url, err)
		}
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	url := os.Getenv("SINEW_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("set SINEW_TEST_POSTGRES_URL=postgres://root@127.0.0.1:5432/test?sslmode=disable to run this test")
	}
	db, err := postgres.Open(context.Background(), url, orm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tz string
	if err := db.SQL().QueryRow("SHOW timezone").Scan(&tz); err != nil || tz != "UTC" {
		t.Errorf("session time zone = %q, %v", tz, err)
	}
	if db.Dialect().Name() != "postgres" {
		t.Error("dialect")
	}
}

func TestDialect(t *testing.T) {
	t.Parallel()
	d := postgres.Dialect()
	if d.Quote(`we"ird`) != `"we""ird"` || d.Placeholder(1) != "$1" || d.Placeholder(300) != "$300" {
		t.Error("quote or placeholder")
	}
	kinds := map[orm.Kind]string{
		orm.KindBool: "BOOLEAN", orm.KindInt: "BIGINT", orm.KindFloat: "DOUBLE PRECISION", orm.KindDecimal: "NUMERIC(12,3)",
		orm.KindString: "VARCHAR(12)", orm.KindText: "TEXT", orm.KindBytes: "BYTEA", orm.KindTime: "TIMESTAMPTZ",
		orm.KindDate: "DATE", orm.KindUUID: "UUID", orm.KindJSON: "JSONB",
	}
	for k, want := range kinds {
		if got := d.ColumnType(&orm.Field{Kind: k, Size: 12, Scale: 3}); got != want {
			t.Errorf("ColumnType(%s) = %s, want %s", k, got, want)
		}
	}
	if got := d.UpsertClause(`"id"`, []string{`"slug"`}, []string{`"title"`, `"views"`}); got != `ON CONFLICT ("slug") DO UPDATE SET "title" = EXCLUDED."title", "views" = EXCLUDED."views"` {
		t.Errorf("upsert = %s", got)
	}
	cond, arg := d.TextMatch(`"t"`, "$1", orm.Pattern{Value: "50%_off!", Fold: true, Suffix: true})
	if cond != `"t" ILIKE $1 ESCAPE '!'` || arg != "%50!%!_off!!" {
		t.Errorf("TextMatch = %s, %v", cond, arg)
	}
}

func TestTranslateError(t *testing.T) {
	t.Parallel()
	d := postgres.Dialect()
	wrap := func(pe *pgconn.PgError) error { return fmt.Errorf("exec: %w", pe) }
	err := d.TranslateError(wrap(&pgconn.PgError{Code: "23505", TableName: "posts", ConstraintName: "posts_slug_author_key", Detail: `Key (slug, "author_id")=(a, 1) already exists.`}))
	var uv *orm.UniqueViolation
	if !errors.As(err, &uv) || uv.Table != "posts" || strings.Join(uv.Columns, ",") != "slug,author_id" || uv.Constraint != "posts_slug_author_key" {
		t.Errorf("unique = %#v", err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Error("the driver error is not kept")
	}
	err = d.TranslateError(wrap(&pgconn.PgError{Code: "23503", ConstraintName: "comments_post_id_fkey"}))
	var fk *orm.ForeignKeyViolation
	if !errors.As(err, &fk) || fk.Constraint != "comments_post_id_fkey" {
		t.Errorf("fk = %#v", err)
	}
	err = d.TranslateError(wrap(&pgconn.PgError{Code: "23502", TableName: "t", ColumnName: "c"}))
	var nn *orm.NotNullViolation
	if !errors.As(err, &nn) || nn.Column != "c" || nn.Table != "t" {
		t.Errorf("not null = %#v", err)
	}
	err = d.TranslateError(wrap(&pgconn.PgError{Code: "23514", TableName: "t", ConstraintName: "t_c_check"}))
	var cv *orm.CheckViolation
	if !errors.As(err, &cv) || cv.Constraint != "t_c_check" {
		t.Errorf("check = %#v", err)
	}
	other := wrap(&pgconn.PgError{Code: "42P01"})
	if d.TranslateError(other) != other {
		t.Error("an unrelated error was changed")
	}
	plain := errors.New("plain")
	if d.TranslateError(plain) != plain {
		t.Error("a non-driver error was changed")
	}
}
