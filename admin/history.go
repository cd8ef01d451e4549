package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// The actions a LogEntry records.
const (
	ActionAdd    = "add"
	ActionChange = "change"
	ActionDelete = "delete"
)

// LogEntry is one change made through the admin site: who made it, when, to which object,
// and, for changes, each field's old and new value. The user is kept by ID and e-mail
// address rather than by foreign key, so the history outlives deleted accounts.
type LogEntry struct {
	ID         int64     `orm:"pk"`
	ActionTime time.Time `orm:"index"`
	UserID     int64     `orm:"index"`
	UserEmail  string    `orm:"size=254"`
	Model      string    `orm:"size=100,index=admin_log_object"`
	ObjectID   string    `orm:"size=100,index=admin_log_object"`
	ObjectRepr string    `orm:"size=200"`
	Action     string    `orm:"size=10,choices=add:Added|change:Changed|delete:Deleted"`
	// Changes is a JSON array of {"field", "old", "new"} objects (changes only).
	Changes string `orm:"text"`
}

// TableName puts the history in sinew_admin_log.
func (LogEntry) TableName() string { return "sinew_admin_log" }

// Change is one changed field of a LogEntry.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// ChangeList decodes Changes.
func (l *LogEntry) ChangeList() []Change {
	var out []Change
	_ = json.Unmarshal([]byte(l.Changes), &out) // written by the site; empty when absent
	return out
}

// Migrations returns the migrations of the site's own table, sinew_admin_log. New applies
// them as the app's "admin" migration set.
func Migrations() []migrate.Migration {
	return []migrate.Migration{m0001AdminLog}
}

// record writes a history entry in ctx (the transaction of the change it records), by the
// user of request c.
func (s *Site) record(ctx context.Context, c *web.Ctx, e *entry, obj any, action string, changes []Change) error {
	u := user(c)
	entry := LogEntry{
		ActionTime: time.Now().UTC(),
		Model:      e.meta.Name,
		ObjectID:   e.ops.pk(obj),
		ObjectRepr: truncate(e.ops.str(obj), 200),
		Action:     action,
		Changes:    "[]",
	}
	if u != nil {
		entry.UserID, entry.UserEmail = u.ID, u.Email
	}
	if len(changes) > 0 {
		data, err := json.Marshal(changes)
		if err != nil {
			return err
		}
		entry.Changes = string(data)
	}
	if err := orm.Create(ctx, &entry); err != nil {
		return fmt.Errorf("admin: recording history: %w", err)
	}
	return nil
}

// diff lists the form fields whose values differ between old and new.
func diff(e *entry, fields []string, old, cur any) []Change {
	ov, nv := reflect.ValueOf(old).Elem(), reflect.ValueOf(cur).Elem()
	var out []Change
	for _, name := range fields {
		f := e.meta.Field(name)
		if f == nil {
			continue
		}
		a, okA := fieldByPath(ov, f.Path)
		b, okB := fieldByPath(nv, f.Path)
		if !okA || !okB {
			continue
		}
		as, bs := historyText(a), historyText(b)
		if as != bs {
			out = append(out, Change{Field: f.Label, Old: as, New: bs})
		}
	}
	return out
}

// historyText is the text a history entry keeps of a value (cut to 500 characters).
func historyText(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if !v.CanInterface() {
		return ""
	}
	if t, ok := v.Interface().(time.Time); ok {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return truncate(fmt.Sprint(v.Interface()), 500)
}

// recent returns the user's latest history entries (all users' when userID is 0).
func recent(ctx context.Context, userID int64, n int) ([]LogEntry, error) {
	q := orm.Q[LogEntry](ctx)
	if userID != 0 {
		q = q.Filter("user_id", userID)
	}
	return q.OrderBy("-action_time", "-id").Limit(n).All()
}
