package migrations

import (
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// m0001Initial was written by makemigrations; review and edit it before it is applied.
//
//   - create table posts
//   - create table tags
//   - create table comments
//   - create table post_tags
var m0001Initial = migrate.Migration{
	Name: "0001_initial",
	Operations: []migrate.Operation{
		migrate.CreateTable{
			Name: "posts",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "title", Kind: orm.KindString, Size: 200},
				{Name: "body", Kind: orm.KindText},
				{Name: "author_id", Kind: orm.KindInt},
			},
			Indexes: []migrate.Index{
				{Name: "posts_author_id_idx", Columns: []string{"author_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "posts_author_id_fkey", Columns: []string{"author_id"}, RefTable: "auth_users", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "tags",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "name", Kind: orm.KindString, Size: 30},
			},
			Indexes: []migrate.Index{
				{Name: "tags_name_key", Columns: []string{"name"}, Unique: true},
			},
		},
		migrate.CreateTable{
			Name: "comments",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "body", Kind: orm.KindText},
				{Name: "post_id", Kind: orm.KindInt},
				{Name: "author_id", Kind: orm.KindInt},
			},
			Indexes: []migrate.Index{
				{Name: "comments_post_id_idx", Columns: []string{"post_id"}},
				{Name: "comments_author_id_idx", Columns: []string{"author_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "comments_post_id_fkey", Columns: []string{"post_id"}, RefTable: "posts", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "comments_author_id_fkey", Columns: []string{"author_id"}, RefTable: "auth_users", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "post_tags",
			Columns: []migrate.Column{
				{Name: "post_id", Kind: orm.KindInt, PrimaryKey: true},
				{Name: "tag_id", Kind: orm.KindInt, PrimaryKey: true},
			},
			Indexes: []migrate.Index{
				{Name: "post_tags_tag_id_idx", Columns: []string{"tag_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "post_tags_post_id_fkey", Columns: []string{"post_id"}, RefTable: "posts", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "post_tags_tag_id_fkey", Columns: []string{"tag_id"}, RefTable: "tags", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
	},
}
