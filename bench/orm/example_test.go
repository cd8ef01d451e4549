package orm_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	ormbench "github.com/sinewdev/sinew/bench/orm"
)

// Each library gets its own copy of the seeded rows; here the Sinew store
// reads one of them back from a SQLite file.
func Example() {
	dir, err := os.MkdirTemp("", "ormbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	t := ormbench.Target{Engine: ormbench.SQLite, Path: filepath.Join(dir, "sinew.db")}
	cleanup, err := ormbench.Prepare(ctx, t, 100)
	if err != nil {
		log.Fatal(err)
	}
	defer cleanup()

	lib := ormbench.SinewLib()
	store, err := lib.Open(ctx, t)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	ctx = store.Context(ctx)

	post, err := store.GetByPK(ctx, 42)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(post.Title, post.Published, post.Views)
	fmt.Println(lib.ToPost(post) == ormbench.SeedPost(42))
	// Output:
	// Post number 42 true 294
	// true
}
