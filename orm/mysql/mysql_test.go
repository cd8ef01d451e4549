package mysql_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/mysql"
)

func TestConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url                         string
		user, pass, net, addr, name string
		param                       string // a parameter that must survive
	}{
		{"mysql://app:p%40ss@db.example.com:3307/shop?readTimeout=5s", "app", "p@ss", "tcp", "db.example.com:3307", "shop", ""},
		{"mysql://root@127.0.0.1/test", "root", "", "tcp", "127.0.0.1:3306", "test", ""},
		{"mysql://root@[::1]/test", "root", "", "tcp", "[::1]:3306", "test", ""},
		{"mysql://root@unix(/run/mysqld/mysqld.sock)/test", "root", "", "unix", "/run/mysqld/mysqld.sock", "test", ""},
		{"root:pw@tcp(127.0.0.1:3306)/test?interpolateParams=true", "root", "pw", "tcp", "127.0.0.1:3306", "test", ""},
		{"mysql://u@h/d?custom_var=1", "u", "", "tcp", "h:3306", "d", "custom_var"},
	}
	for _, tt := range tests {
		mc, err := mysql.Config(tt.url)
		if err != nil {
			t.Errorf("Config(%q): %v", tt.url, err)
			continue
		}
		if mc.User != tt.user || mc.Passwd != tt.pass || mc.Net != tt.net || mc.Addr != tt.addr || mc.DBName != tt.name {
			t.Errorf("Config(%q) = user %q pass %q net %q addr %q db %q", tt.url, mc.User, mc.Passwd, mc.Net, mc.Addr, mc.DBName)
		}
		if !mc.ParseTime || mc.Loc != time.UTC || !mc.ClientFoundRows || mc.MultiStatements {
			t.Errorf("Config(%q): session settings not forced: %+v", tt.url, mc)
		}
		if !strings.Contains(mc.Params["sql_mode"], "STRICT_ALL_TABLES") || mc.Params["time_zone"] != "'+00:00'" {
			t.Errorf("Config(%q): params %v", tt.url, mc.Params)
		}
		if tt.param != "" && mc.Params[tt.param] == "" {
			t.Errorf("Config(%q) dropped %s", tt.url, tt.param)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"", "empty database URL"},
		{"postgres://u:s3cretpw@h/d", `unsupported URL scheme "postgres"`},
		{"mysql://u:s3cretpw@/d", "names no host"},
		{"mysql://u:s3cretpw@h", "names no database"},
		{"mysql://u:s3cretpw@h:99999/d", `bad port "99999"`},
		{"mysql://u:s3cretpw@h:/d", "empty port"},
		{"mysql://u:s3cretpw@h/d?interpolateParams=maybe", "invalid URL parameters"},
		{"mysql://u:s3cretpw@h/a/b", "bad database name"},
		{"mysql://u:s3cret%zz@h/d", "invalid database URL"},
		{"mysql://u:s3c/retpw@h:3306/d", "invalid database URL"},
		{"mysql://u:s3c:ret/pw@h/d", "invalid database URL"},
		{"u:s3cretpw@tcp(h:3306)/d?parseTime=perhaps", "invalid DSN"},
		{"u:s3cretpw@tcp(h:3306)d", "invalid DSN"},
	}
	for _, tt := range tests {
		_, err := mysql.Config(tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Config(%q) = %v, want an error containing %q", tt.url, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "s3c") || strings.Contains(err.Error(), "retpw") {
			t.Errorf("Config(%q): the error shows the password: %v", tt.url, err)
		}
	}
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := mysql.Open(ctx, "mysql://app:s3cretpw@127.0.0.1:1/shop?timeout=2s", orm.Config{})
	if err == nil || !strings.Contains(err.Error(), "cannot connect to 127.0.0.1:1/shop as app") || strings.Contains(err.Error(), "s3cretpw") {
		t.Errorf("unreachable server: %v", err)
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	url := os.Getenv("SINEW_TEST_MYSQL_URL")
	if url == "" {
		t.Skip("set SINEW_TEST_MYSQL_URL='root@tcp(127.0.0.1:3306)/test' to run this test")
	}
	db, err := mysql.Open(context.Background(), url, orm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode, tz string
	if err := db.SQL().QueryRow("SELECT @@SESSION.sql_mode, @@SESSION.time_zone").Scan(&mode, &tz); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mode, "STRICT_ALL_TABLES") || tz != "+00:00" {
		t.Errorf("session: sql_mode %q time_zone %q", mode, tz)
	}
	// A wrong password is reported without the password.
	mc, _ := mysql.Config(url)
	mc.Passwd = "definitely-wrong-pw"
	if mc.User == "root" {
		mc.User = "sinew_nobody"
	}
	if _, err := mysql.Open(context.Background(), mc.FormatDSN(), orm.Config{}); err == nil || strings.Contains(err.Error(), "definitely-wrong-pw") {
		t.Errorf("bad credentials: %v", err)
	}
}

func TestTranslateError(t *testing.T) {
	t.Parallel()
	d := mysql.Dialect()
	tr := func(n uint16, msg string) error {
		return d.TranslateError(fmt.Errorf("exec: %w", &driver.MySQLError{Number: n, Message: msg}))
	}
	var uv *orm.UniqueViolation
	if err := tr(1062, "Duplicate entry 'x' for key 'posts.posts_slug_key'"); !errors.As(err, &uv) || uv.Table != "posts" || uv.Constraint != "posts_slug_key" {
		t.Errorf("1062 MySQL 8: %#v", err)
	}
	if err := tr(1062, "Duplicate entry 'a, b' for key 'posts_slug_key'"); !errors.As(err, &uv) || uv.Constraint != "posts_slug_key" {
		t.Errorf("1062 MariaDB: %#v", err)
	}
	var fk *orm.ForeignKeyViolation
	msg := "Cannot add or update a child row: a foreign key constraint fails (`shop`.`comments`, CONSTRAINT `comments_post_id_fkey` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`))"
	if err := tr(1452, msg); !errors.As(err, &fk) || fk.Table != "comments" || fk.Constraint != "comments_post_id_fkey" || strings.Join(fk.Columns, ",") != "post_id" {
		t.Errorf("1452: %#v", err)
	}
	var nn *orm.NotNullViolation
	if err := tr(1048, "Column 'title' cannot be null"); !errors.As(err, &nn) || nn.Column != "title" {
		t.Errorf("1048: %#v", err)
	}
	var cv *orm.CheckViolation
	if err := tr(3819, "Check constraint 'gauges_level_check' is violated."); !errors.As(err, &cv) || cv.Constraint != "gauges_level_check" {
		t.Errorf("3819: %#v", err)
	}
	if err := tr(4025, "CONSTRAINT `gauges_level_check` failed for `db`.`gauges`"); !errors.As(err, &cv) || cv.Constraint != "gauges_level_check" {
		t.Errorf("4025: %#v", err)
	}
	var ve *orm.ValueError
	if err := tr(1406, "Data too long for column 'title' at row 1"); !errors.As(err, &ve) || ve.Column != "title" {
		t.Errorf("1406: %#v", err)
	}
	other := &driver.MySQLError{Number: 1146, Message: "Table 'x' doesn't exist"}
	if d.TranslateError(other) != error(other) {
		t.Error("an unrelated error was changed")
	}
}

func TestDialect(t *testing.T) {
	t.Parallel()
	d := mysql.Dialect()
	if d.Quote("we`ird") != "`we``ird`" || d.Placeholder(9) != "?" {
		t.Error("quote or placeholder")
	}
	kinds := map[orm.Kind]string{
		orm.KindBool: "BOOLEAN", orm.KindInt: "BIGINT", orm.KindFloat: "DOUBLE", orm.KindDecimal: "DECIMAL(12,3)",
		orm.KindString: "VARCHAR(12)", orm.KindText: "LONGTEXT", orm.KindBytes: "LONGBLOB", orm.KindTime: "DATETIME(6)",
		orm.KindDate: "DATE", orm.KindUUID: "CHAR(36)", orm.KindJSON: "JSON",
	}
	for k, want := range kinds {
		if got := d.ColumnType(&orm.Field{Kind: k, Size: 12, Scale: 3}); got != want {
			t.Errorf("ColumnType(%s) = %s, want %s", k, got, want)
		}
	}
	if got := d.UpsertClause("`id`", []string{"`slug`"}, []string{"`title`"}); got != "ON DUPLICATE KEY UPDATE `id` = LAST_INSERT_ID(`id`), `title` = VALUES(`title`)" {
		t.Errorf("upsert = %s", got)
	}
	if got := d.UpsertClause("", []string{"`id`"}, nil); got != "ON DUPLICATE KEY UPDATE `id` = `id`" {
		t.Errorf("upsert without updates = %s", got)
	}
}
