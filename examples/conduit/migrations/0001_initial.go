package migrations

import (
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// m0001Initial was written by makemigrations; review and edit it before it is applied.
//
//   - create table profiles
//   - create table articles
//   - create table tags
//   - create table comments
//   - create table follows
//   - create table article_tags
//   - create table favorites
var m0001Initial = migrate.Migration{
	Name: "0001_initial",
	Operations: []migrate.Operation{
		migrate.CreateTable{
			Name: "profiles",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "user_id", Kind: orm.KindInt},
				{Name: "username", Kind: orm.KindString, Size: 100},
				{Name: "bio", Kind: orm.KindText},
				{Name: "image", Kind: orm.KindString, Size: 500},
			},
			Indexes: []migrate.Index{
				{Name: "profiles_user_id_key", Columns: []string{"user_id"}, Unique: true},
				{Name: "profiles_username_key", Columns: []string{"username"}, Unique: true},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "profiles_user_id_fkey", Columns: []string{"user_id"}, RefTable: "auth_users", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "articles",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "slug", Kind: orm.KindString, Size: 255},
				{Name: "title", Kind: orm.KindString, Size: 255},
				{Name: "description", Kind: orm.KindText},
				{Name: "body", Kind: orm.KindText},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "author_id", Kind: orm.KindInt},
			},
			Indexes: []migrate.Index{
				{Name: "articles_slug_key", Columns: []string{"slug"}, Unique: true},
				{Name: "articles_created_at_idx", Columns: []string{"created_at"}},
				{Name: "articles_author_id_idx", Columns: []string{"author_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "articles_author_id_fkey", Columns: []string{"author_id"}, RefTable: "profiles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "tags",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "name", Kind: orm.KindString, Size: 100},
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
				{Name: "article_id", Kind: orm.KindInt},
				{Name: "author_id", Kind: orm.KindInt},
			},
			Indexes: []migrate.Index{
				{Name: "comments_article_id_idx", Columns: []string{"article_id"}},
				{Name: "comments_author_id_idx", Columns: []string{"author_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "comments_article_id_fkey", Columns: []string{"article_id"}, RefTable: "articles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "comments_author_id_fkey", Columns: []string{"author_id"}, RefTable: "profiles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "follows",
			Columns: []migrate.Column{
				{Name: "profile_id", Kind: orm.KindInt, PrimaryKey: true},
				{Name: "follow_id", Kind: orm.KindInt, PrimaryKey: true},
			},
			Indexes: []migrate.Index{
				{Name: "follows_follow_id_idx", Columns: []string{"follow_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "follows_profile_id_fkey", Columns: []string{"profile_id"}, RefTable: "profiles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "follows_follow_id_fkey", Columns: []string{"follow_id"}, RefTable: "profiles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "article_tags",
			Columns: []migrate.Column{
				{Name: "article_id", Kind: orm.KindInt, PrimaryKey: true},
				{Name: "tag_id", Kind: orm.KindInt, PrimaryKey: true},
			},
			Indexes: []migrate.Index{
				{Name: "article_tags_tag_id_idx", Columns: []string{"tag_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "article_tags_article_id_fkey", Columns: []string{"article_id"}, RefTable: "articles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "article_tags_tag_id_fkey", Columns: []string{"tag_id"}, RefTable: "tags", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "favorites",
			Columns: []migrate.Column{
				{Name: "article_id", Kind: orm.KindInt, PrimaryKey: true},
				{Name: "profile_id", Kind: orm.KindInt, PrimaryKey: true},
			},
			Indexes: []migrate.Index{
				{Name: "favorites_profile_id_idx", Columns: []string{"profile_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "favorites_article_id_fkey", Columns: []string{"article_id"}, RefTable: "articles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "favorites_profile_id_fkey", Columns: []string{"profile_id"}, RefTable: "profiles", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
	},
}
