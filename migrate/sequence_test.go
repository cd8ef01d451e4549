package migrate

import (
	"reflect"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// This file holds the sequence of model changes that the acceptance tests replay: the
// models of a small blog at seven points of its history. Step 1 creates users, posts, tags
// and the posts-tags join table (foreign keys, a self-reference, indexes, uniques, every
// column kind); step 2 adds posts.slug; step 3 renames users.name to display_name
// (declared with a renamed_from tag); step 4 turns posts.rating from a nullable int into
// a NOT NULL float with a default; step 5 adds a composite unique on posts (author_id,
// slug); step 6 drops users.created_at; step 7 drops tags and the join table.

const lastStep = 7

type fieldOpt func(*orm.Field)

func nullable(f *orm.Field)   { f.Nullable = true }
func uniqueOpt(f *orm.Field)  { f.Unique = true }
func indexedOpt(f *orm.Field) { f.Indexed = true }
func size(n int) fieldOpt     { return func(f *orm.Field) { f.Size = n } }
func decimal(p, s int) fieldOpt {
	return func(f *orm.Field) { f.Size, f.Scale = p, s }
}
func defaultOpt(x string) fieldOpt {
	return func(f *orm.Field) { f.Default, f.HasDefault = x, true }
}
func fkOpt(model, table string, action orm.Action) fieldOpt {
	return func(f *orm.Field) {
		f.ForeignKey = &orm.ForeignKey{Model: model, Table: table, Column: "id", OnDelete: action}
	}
}

// goName turns a column name into a Go field name (created_at → CreatedAt).
func goName(col string) string {
	var b strings.Builder
	for _, part := range strings.Split(col, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func field(col string, kind orm.Kind, opts ...fieldOpt) *orm.Field {
	f := &orm.Field{Name: goName(col), Column: col, Kind: kind}
	if kind == orm.KindString {
		f.Size = 255
	}
	for _, o := range opts {
		o(f)
	}
	return f
}

func idField() *orm.Field {
	return &orm.Field{Name: "ID", Column: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true}
}

func meta(name, table string, fields ...*orm.Field) *orm.Meta {
	m := &orm.Meta{Name: name, Table: table, Fields: fields}
	for _, f := range fields {
		if f.PrimaryKey {
			m.PK = f
		}
	}
	return m
}

// userV3 is the users model from step 3 on: its struct tag declares the rename.
type userV3 struct {
	ID          int64
	Email       string
	DisplayName string `orm:"size=100,renamed_from=name"`
}

// stepModels returns the models at the given step of the sequence.
func stepModels(step int) []*orm.Meta {
	users := meta("User", "users",
		idField(),
		field("email", orm.KindString, uniqueOpt),
		field("name", orm.KindString, size(100)),
		field("invited_by_id", orm.KindInt, nullable, fkOpt("User", "users", orm.SetNull)),
		field("avatar", orm.KindBytes, nullable),
		field("birthday", orm.KindDate, nullable),
		field("api_key", orm.KindUUID, nullable, uniqueOpt),
		field("settings", orm.KindJSON, nullable),
		field("created_at", orm.KindTime),
	)
	if step >= 3 {
		users.Fields[2] = field("display_name", orm.KindString, size(100))
		users.Fields[2].Path = []int{2}
		users.Type = reflect.TypeFor[userV3]()
	}
	if step >= 6 {
		users.Fields = users.Fields[:len(users.Fields)-1]
	}

	posts := meta("Post", "posts",
		idField(),
		field("title", orm.KindString, size(200)),
		field("body", orm.KindText),
		field("published", orm.KindBool, indexedOpt, defaultOpt("FALSE")),
		field("author_id", orm.KindInt, fkOpt("User", "users", orm.Cascade)),
		field("rating", orm.KindInt, nullable),
		field("price", orm.KindDecimal, decimal(10, 2), defaultOpt("0")),
		field("created_at", orm.KindTime),
	)
	if step >= 2 {
		posts.Fields = append(posts.Fields, field("slug", orm.KindString, size(100), nullable))
	}
	if step >= 4 {
		posts.Fields[5] = field("rating", orm.KindFloat, defaultOpt("0"))
	}
	if step >= 5 {
		posts.Indexes = []orm.Index{{Name: "posts_author_id_slug_key", Columns: []string{"author_id", "slug"}, Unique: true}}
	}
	models := []*orm.Meta{users, posts}
	if step < 7 {
		posts.Relations = []*orm.Relation{{
			Name: "Tags", Kind: orm.ManyToMany, Model: "Tag",
			JoinTable: "post_tags", JoinColumn: "post_id", JoinRefColumn: "tag_id",
		}}
		models = append(models, meta("Tag", "tags",
			idField(),
			field("name", orm.KindString, size(50), uniqueOpt),
		))
	}
	return models
}

// seedRows inserts a few rows after step 1, so that later steps change tables with data.
var seedRows = []string{
	"INSERT INTO users (email, name, created_at) VALUES ('ada@example.com', 'Ada', '2024-01-02 03:04:05')",
	"INSERT INTO users (email, name, invited_by_id, created_at) VALUES ('bob@example.com', 'Bob', 1, '2024-01-02 03:04:05')",
	"INSERT INTO posts (title, body, author_id, price, created_at) VALUES ('Hello', 'First post', 1, 1.5, '2024-01-02 03:04:05')",
	"INSERT INTO posts (title, body, author_id, rating, created_at) VALUES ('Again', 'Second post', 2, 4, '2024-01-02 03:04:05')",
	"INSERT INTO tags (name) VALUES ('go')",
	"INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1)",
}

// userBadRename carries a malformed rename declaration.
type userBadRename struct {
	ID          int64
	Email       string
	DisplayName string `orm:"renamed_from='na me'"`
}

func reflectTypeOfBadRename() reflect.Type { return reflect.TypeFor[userBadRename]() }
