package migrations

import (
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// m0001Initial was written by makemigrations; review and edit it before it is applied.
//
//   - create table authors
//   - create table posts
var m0001Initial = migrate.Migration{
	Name: "0001_initial",
	Operations: []migrate.Operation{
		migrate.CreateTable{
			Name: "authors",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "name", Kind: orm.KindString, Size: 100},
				{Name: "email", Kind: orm.KindString, Size: 254},
			},
			Indexes: []migrate.Index{
				{Name: "authors_email_key", Columns: []string{"email"}, Unique: true},
			},
		},
		migrate.CreateTable{
			Name: "posts",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "title", Kind: orm.KindString, Size: 200},
				{Name: "body", Kind: orm.KindText},
				{Name: "published", Kind: orm.KindBool},
				{Name: "views", Kind: orm.KindInt, Default: "0"},
				{Name: "author_id", Kind: orm.KindInt},
			},
			Indexes: []migrate.Index{
				{Name: "posts_published_idx", Columns: []string{"published"}},
				{Name: "posts_author_id_idx", Columns: []string{"author_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "posts_author_id_fkey", Columns: []string{"author_id"}, RefTable: "authors", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
	},
}
