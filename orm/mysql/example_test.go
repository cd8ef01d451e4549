package mysql_test

import (
	"context"
	"log"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/mysql"
)

func ExampleOpen() {
	reg := orm.NewRegistry()
	// reg.Register(models...) at start-up.
	db, err := mysql.Open(context.Background(), "mysql://app:secret@127.0.0.1:3306/shop", orm.Config{Registry: reg})
	if err != nil {
		log.Fatal(err) // e.g. mysql: cannot connect to 127.0.0.1:3306/shop as app: ...
	}
	defer db.Close()
}
