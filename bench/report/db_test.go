package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestPGRows reads rows from a real world table in a schema of its own.
func TestPGRows(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("SINEW_TEST_POSTGRES_URL")
	if dsn == "" {
		t.Skip("set SINEW_TEST_POSTGRES_URL to read world rows from PostgreSQL")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	schema := fmt.Sprintf("tfbreport_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema+"; CREATE TABLE "+schema+".world (id integer PRIMARY KEY, randomnumber integer NOT NULL); INSERT INTO "+schema+".world SELECT n, n * 2 FROM generate_series(1, 100) AS n"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })

	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	c := &checker{db: pgRows{conn}}
	cases := []struct {
		name   string
		worlds []world
		want   string // "" for no problem
	}{
		{"matching rows", []world{{1, 2}, {50, 100}}, ""},
		{"duplicate id, one value stored", []world{{3, 6}, {3, 9999}}, ""},
		{"wrong number", []world{{4, 9}}, "row 4 holds randomNumber 8"},
		{"missing row", []world{{5000, 1}}, "row 5000 was returned but is not in the world table"},
	}
	for _, tc := range cases {
		errs := c.matchDB(ctx, tc.worlds, false)
		if tc.want == "" && len(errs) > 0 {
			t.Errorf("%s: unexpected problems %v", tc.name, errs)
		}
		if tc.want != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want)) {
			t.Errorf("%s: problems %v, want one containing %q", tc.name, errs, tc.want)
		}
	}
}
