package migrations

import (
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// m0001Initial creates the messages table.
var m0001Initial = migrate.Migration{
	Name: "0001_initial",
	Operations: []migrate.Operation{
		migrate.CreateTable{
			Name: "messages",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "room", Kind: orm.KindString, Size: 32},
				{Name: "author", Kind: orm.KindString, Size: 32},
				{Name: "text", Kind: orm.KindString, Size: 2000},
			},
			Indexes: []migrate.Index{
				{Name: "messages_room_idx", Columns: []string{"room"}},
			},
		},
	},
}
