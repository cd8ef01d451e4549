package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)

	reg := orm.NewRegistry()
	if err := reg.Register(note{}); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// "" would open ./data/app.db; DATABASE_URL=sqlite:path/to/file.db names another file.
	db, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(dir, "app.db"), orm.Config{Registry: reg})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateTables(ctx); err != nil {
		log.Fatal(err)
	}
	ctx = orm.WithDB(ctx, db)
	_ = orm.Create(ctx, &note{Body: "hello"})
	n, _ := orm.Q[note](ctx).Count()
	fmt.Println(db.Dialect().Name(), n)
	// Output: sqlite 1
}
