package admin

import (
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// m0001AdminLog was written by makemigrations; review and edit it before it is applied.
//
//   - create table sinew_admin_log
var m0001AdminLog = migrate.Migration{
	Name: "0001_admin_log",
	Operations: []migrate.Operation{
		migrate.CreateTable{
			Name: "sinew_admin_log",
			Columns: []migrate.Column{
				{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
				{Name: "action_time", Kind: orm.KindTime},
				{Name: "user_id", Kind: orm.KindInt},
				{Name: "user_email", Kind: orm.KindString, Size: 254},
				{Name: "model", Kind: orm.KindString, Size: 100},
				{Name: "object_id", Kind: orm.KindString, Size: 100},
				{Name: "object_repr", Kind: orm.KindString, Size: 200},
				{Name: "action", Kind: orm.KindString, Size: 10},
				{Name: "changes", Kind: orm.KindText},
			},
			Indexes: []migrate.Index{
				{Name: "sinew_admin_log_action_time_idx", Columns: []string{"action_time"}},
				{Name: "sinew_admin_log_user_id_idx", Columns: []string{"user_id"}},
				{Name: "sinew_admin_log_model_object_id_idx", Columns: []string{"model", "object_id"}},
			},
		},
	},
}
