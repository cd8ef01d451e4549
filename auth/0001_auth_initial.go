package auth

import (
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// m0001AuthInitial was written by makemigrations; review and edit it before it is applied.
//
//   - create table auth_users
//   - create table auth_groups
//   - create table auth_permissions
//   - create table auth_user_groups
//   - create table auth_user_permissions
//   - create table auth_group_permissions
var m0001AuthInitial = migrate.Migration{
	Name: "0001_auth_initial",
	Operations: []migrate.Operation{
		migrate.CreateTable{
			Name: "auth_users",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "email", Kind: orm.KindString, Size: 254},
				{Name: "password_hash", Kind: orm.KindString, Size: 255},
				{Name: "name", Kind: orm.KindString, Size: 150},
				{Name: "is_active", Kind: orm.KindBool},
				{Name: "is_staff", Kind: orm.KindBool},
				{Name: "is_superuser", Kind: orm.KindBool},
				{Name: "last_login", Kind: orm.KindTime, Nullable: true},
			},
			Indexes: []migrate.Index{
				{Name: "auth_users_email_key", Columns: []string{"email"}, Unique: true},
				{Name: "auth_users_is_active_idx", Columns: []string{"is_active"}},
			},
		},
		migrate.CreateTable{
			Name: "auth_groups",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "name", Kind: orm.KindString, Size: 150},
			},
			Indexes: []migrate.Index{
				{Name: "auth_groups_name_key", Columns: []string{"name"}, Unique: true},
			},
		},
		migrate.CreateTable{
			Name: "auth_permissions",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "created_at", Kind: orm.KindTime},
				{Name: "updated_at", Kind: orm.KindTime},
				{Name: "codename", Kind: orm.KindString, Size: 100},
				{Name: "model_name", Kind: orm.KindString, Size: 100},
				{Name: "name", Kind: orm.KindString, Size: 255},
			},
			Indexes: []migrate.Index{
				{Name: "auth_permissions_codename_key", Columns: []string{"codename"}, Unique: true},
				{Name: "auth_permissions_model_name_idx", Columns: []string{"model_name"}},
			},
		},
		migrate.CreateTable{
			Name: "auth_user_groups",
			Columns: []migrate.Column{
				{Name: "user_id", Kind: orm.KindInt, PrimaryKey: true},
				{Name: "group_id", Kind: orm.KindInt, PrimaryKey: true},
			},
			Indexes: []migrate.Index{
				{Name: "auth_user_groups_group_id_idx", Columns: []string{"group_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "auth_user_groups_user_id_fkey", Columns: []string{"user_id"}, RefTable: "auth_users", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "auth_user_groups_group_id_fkey", Columns: []string{"group_id"}, RefTable: "auth_groups", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "auth_user_permissions",
			Columns: []migrate.Column{
				{Name: "user_id", Kind: orm.KindInt, PrimaryKey: true},
				{Name: "permission_id", Kind: orm.KindInt, PrimaryKey: true},
			},
			Indexes: []migrate.Index{
				{Name: "auth_user_permissions_permission_id_idx", Columns: []string{"permission_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "auth_user_permissions_user_id_fkey", Columns: []string{"user_id"}, RefTable: "auth_users", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "auth_user_permissions_permission_id_fkey", Columns: []string{"permission_id"}, RefTable: "auth_permissions", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
		migrate.CreateTable{
			Name: "auth_group_permissions",
			Columns: []migrate.Column{
				{Name: "group_id", Kind: orm.KindInt, PrimaryKey: true},
				{Name: "permission_id", Kind: orm.KindInt, PrimaryKey: true},
			},
			Indexes: []migrate.Index{
				{Name: "auth_group_permissions_permission_id_idx", Columns: []string{"permission_id"}},
			},
			ForeignKeys: []migrate.ForeignKey{
				{Name: "auth_group_permissions_group_id_fkey", Columns: []string{"group_id"}, RefTable: "auth_groups", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
				{Name: "auth_group_permissions_permission_id_fkey", Columns: []string{"permission_id"}, RefTable: "auth_permissions", RefColumns: []string{"id"}, OnDelete: orm.Cascade},
			},
		},
	},
}
