package orm

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// engines returns the engines the tests run on: SQLite always, PostgreSQL when
// postgresEnv is set.
func engines(t *testing.T) []Engine {
	t.Helper()
	es := []Engine{SQLite}
	if os.Getenv(postgresEnv) != "" {
		es = append(es, Postgres)
	} else {
		t.Logf("PostgreSQL not tested: set %s to run the stores on it too", postgresEnv)
	}
	return es
}

// samePost reports how got differs from want, or "" when they are the same
// row (times compared as instants).
func samePost(got, want Post) string {
	if !got.CreatedAt.Equal(want.CreatedAt) {
		return fmt.Sprintf("created_at %v, want %v", got.CreatedAt, want.CreatedAt)
	}
	got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	if got != want {
		return fmt.Sprintf("%+v, want %+v", got, want)
	}
	return ""
}

// checkStore runs every operation of lib's store on engine e and checks the
// rows against the seeded data and against what was written.
func checkStore[T any](t *testing.T, lib Lib[T], e Engine) {
	t.Helper()
	s, ctx := setup(t, lib, target(t, lib.Name, e, os.Getenv(postgresEnv)))
	get := func(id int64) Post {
		t.Helper()
		row, err := s.GetByPK(ctx, id)
		if err != nil {
			t.Fatalf("GetByPK(%d): %v", id, err)
		}
		return lib.ToPost(row)
	}

	for _, id := range []int64{1, SeedRows / 2, SeedRows} {
		if diff := samePost(get(id), SeedPost(int(id))); diff != "" {
			t.Errorf("GetByPK(%d): %s", id, diff)
		}
	}
	if _, err := s.GetByPK(ctx, SeedRows+1000); err == nil {
		t.Errorf("GetByPK of a missing key: no error")
	}

	rows, err := s.Fetch20(ctx)
	if err != nil {
		t.Fatalf("Fetch20: %v", err)
	}
	if len(rows) != 20 {
		t.Fatalf("Fetch20: %d rows, want 20", len(rows))
	}
	for i := range rows {
		want := SeedPost(SeedRows - 2*i) // SeedRows is even: the published rows are the even ones
		if diff := samePost(lib.ToPost(&rows[i]), want); diff != "" {
			t.Errorf("Fetch20 row %d: %s", i, diff)
		}
	}

	created := time.Date(2026, 2, 3, 4, 5, 6, 789000, time.UTC)
	one := Post{Title: "Inserted alone", Body: "body", Views: 3, Published: true, CreatedAt: created}
	row := lib.FromPost(one)
	if err := s.InsertOne(ctx, &row); err != nil {
		t.Fatalf("InsertOne: %v", err)
	}
	one.ID = SeedRows + 1
	if got := lib.ToPost(&row); got.ID != one.ID {
		t.Errorf("InsertOne set key %d, want %d", got.ID, one.ID)
	}
	if diff := samePost(get(one.ID), one); diff != "" {
		t.Errorf("row written by InsertOne: %s", diff)
	}

	bulk := make([]T, bulkRows)
	for i := range bulk {
		bulk[i] = lib.FromPost(Post{Title: fmt.Sprintf("Bulk %d", i), Body: "bulk body", Views: int64(i), Published: i%3 == 0, CreatedAt: created.Add(time.Duration(i) * time.Second)})
	}
	if err := s.InsertBulk(ctx, bulk); err != nil {
		t.Fatalf("InsertBulk: %v", err)
	}
	for i := range bulk {
		p := lib.ToPost(&bulk[i])
		if want := one.ID + 1 + int64(i); p.ID != want {
			t.Fatalf("InsertBulk row %d has key %d, want %d", i, p.ID, want)
		}
	}
	for _, i := range []int{0, 1, bulkRows / 2, bulkRows - 1} {
		want := lib.ToPost(&bulk[i])
		if diff := samePost(get(want.ID), want); diff != "" {
			t.Errorf("row %d written by InsertBulk: %s", i, diff)
		}
	}

	upd, err := s.GetByPK(ctx, SeedRows/2)
	if err != nil {
		t.Fatal(err)
	}
	changed := lib.ToPost(upd)
	changed.Title, changed.Body, changed.Views, changed.Published = "Updated", "new body", 12345, !changed.Published
	*upd = lib.FromPost(changed)
	if err := s.UpdateOne(ctx, upd); err != nil {
		t.Fatalf("UpdateOne: %v", err)
	}
	if diff := samePost(get(SeedRows/2), changed); diff != "" {
		t.Errorf("row written by UpdateOne: %s", diff)
	}
	if diff := samePost(get(SeedRows/2+1), SeedPost(SeedRows/2+1)); diff != "" {
		t.Errorf("UpdateOne changed another row: %s", diff)
	}
	missing := lib.FromPost(Post{ID: 1 << 40, Title: "missing", CreatedAt: created})
	if err := s.UpdateOne(ctx, &missing); err == nil {
		t.Errorf("UpdateOne of a missing key: no error")
	}
}

// TestStoresReturnTheSameRows checks that every library reads the seeded rows,
// writes what it is given and returns the generated keys, on every engine.
func TestStoresReturnTheSameRows(t *testing.T) {
	t.Parallel()
	for _, e := range engines(t) {
		for _, c := range []struct {
			name    string
			engines []Engine
			run     func(t *testing.T)
		}{
			{"Raw", RawLib().Engines, func(t *testing.T) { checkStore(t, RawLib(), e) }},
			{"Sinew", SinewLib().Engines, func(t *testing.T) { checkStore(t, SinewLib(), e) }},
			{"GORM", GORMLib().Engines, func(t *testing.T) { checkStore(t, GORMLib(), e) }},
			{"Bun", BunLib().Engines, func(t *testing.T) { checkStore(t, BunLib(), e) }},
			{"Pgx", PgxLib().Engines, func(t *testing.T) { checkStore(t, PgxLib(), e) }},
		} {
			if !hasEngine(c.engines, e) {
				continue
			}
			t.Run(string(e)+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t)
			})
		}
	}
}

func hasEngine(es []Engine, e Engine) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}
