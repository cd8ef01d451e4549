package postgres_test

import (
	"context"
	"log"
	"os"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/postgres"
)

func ExampleOpen() {
	reg := orm.NewRegistry()
	// reg.Register(models...) at start-up.
	db, err := postgres.Open(context.Background(), os.Getenv("DATABASE_URL"), orm.Config{
		Registry:     reg,
		MaxOpenConns: 20,
	})
	if err != nil {
		log.Fatal(err) // e.g. postgres: cannot connect to db.internal:5432/app as app: ...
	}
	defer db.Close()
}
