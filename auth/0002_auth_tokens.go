package auth

import (
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// m0002AuthTokens was written by makemigrations: e-mail verification and personal access
// tokens.
//
//   - add column auth_users.email_verified_at
//   - create table auth_tokens
var m0002AuthTokens = migrate.Migration{
	Name: "0002_auth_tokens",
	Operations: []migrate.Operation{
		migrate.AddColumn{Table: "auth_users", Column: migrate.Column{Name: "email_verified_at", Kind: orm.KindTime, Nullable: true}},
		migrate.CreateTable{
			Name: "auth_tokens",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "user_id", Kind: orm.KindInt},
				{Name: "name", Kind: orm.KindString, Size: 100},
				{Name: "hint", Kind: orm.KindString, Size: 16},
				{Name: "hash", Kind: orm.KindString, Size: 64},
				{Name: "scopes", Kind: orm.KindString, Size: 500},
				{Name: "expires_at", Kind: orm.KindTime, Nullable: true},
				{Name: "last_used_at", Kind: orm.KindTime, Nullable: true},
				{Name: "revoked_at", Kind: orm.KindTime, Nullable: true},
			},
			Indexes: []migrate.Index{
				{Name: "auth_tokens_user_id_idx", Columns: []string{"user_id"}},
				{Name: "auth_tokens_hash_key", Columns: []string{"hash"}, Unique: true},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "auth_tokens_user_id_fkey", Columns: []string{"user_id"}, RefTable: "auth_users", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
	},
}
