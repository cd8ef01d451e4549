package orm

import (
	"context"
	"fmt"
	"time"
)

// SeedRows is the number of rows every benchmark starts with.
const SeedRows = 1000

// BulkRows is the number of rows the bulk insert writes in one statement.
const BulkRows = bulkRows

// Operations returns the names of the benchmarked operations, in the order the
// documents list them.
func Operations() []string {
	return []string{"GetByPK", "Fetch20", "InsertOne", "InsertBulk1000", "UpdateOne"}
}

// Body returns the loop body of operation op (one of Operations) on store s,
// whose context ctx came from s.Context: the benchmark calls it with i = 0, 1,
// 2, ... and it returns the first error. For UpdateOne it first reads the row
// it will keep updating.
func Body[T any](ctx context.Context, lib Lib[T], s Store[T], op string) (func(i int) error, error) {
	switch op {
	case "GetByPK":
		return func(i int) error {
			_, err := s.GetByPK(ctx, int64(i%SeedRows+1))
			return err
		}, nil
	case "Fetch20":
		return func(int) error {
			posts, err := s.Fetch20(ctx)
			if err == nil && len(posts) != 20 {
				err = fmt.Errorf("bench/orm: Fetch20 read %d rows", len(posts))
			}
			return err
		}, nil
	case "InsertOne":
		return func(int) error {
			p := lib.FromPost(newPost(1, time.Now().UTC().Truncate(time.Microsecond)))
			return s.InsertOne(ctx, &p)
		}, nil
	case "InsertBulk1000":
		return func(int) error {
			now := time.Now().UTC().Truncate(time.Microsecond)
			rows := make([]T, BulkRows)
			for j := range rows {
				rows[j] = lib.FromPost(newPost(int64(j), now))
			}
			return s.InsertBulk(ctx, rows)
		}, nil
	case "UpdateOne":
		row, err := s.GetByPK(ctx, SeedRows/2)
		if err != nil {
			return nil, err
		}
		return func(int) error {
			p := lib.ToPost(row)
			p.Views++
			*row = lib.FromPost(p)
			return s.UpdateOne(ctx, row)
		}, nil
	}
	return nil, fmt.Errorf("bench/orm: unknown operation %q", op)
}

// newPost is the row the insert benchmarks write.
func newPost(views int64, now time.Time) Post {
	return Post{Title: "A new post", Body: "The body of a new post, short and plain.", Views: views, Published: true, CreatedAt: now}
}
