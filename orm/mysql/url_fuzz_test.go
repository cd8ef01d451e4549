package mysql_test

import (
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm/mysql"
)

// FuzzConfig checks that any DATABASE_URL either parses or gives an error, without
// panicking and without repeating the password in the error.
func FuzzConfig(f *testing.F) {
	for _, s := range []string{"mysql://u:pw@h:3306/d?parseTime=true", "u:pw@tcp(h)/d", "mysql://u@unix(/s)/d", "mysql://u:p%zz@h/d",
		"mysql://:@/", "u:pw@/d?x=%", "mysql://u:pw@[::1]:1/d"} {
		f.Add(s, "pw")
	}
	f.Fuzz(func(t *testing.T, raw, secret string) {
		if len(secret) < 6 || strings.ContainsAny(secret, "@/:?#[]%()") {
			secret = "Xq7secret"
		}
		url := strings.Replace(raw, "pw", secret, 1)
		mc, err := mysql.Config(url)
		if err != nil {
			if strings.Contains(url, secret) && strings.Contains(err.Error(), secret) {
				t.Fatalf("%q: the error repeats the password: %v", url, err)
			}
			return
		}
		if !mc.ParseTime || mc.DBName == "" {
			t.Fatalf("%q: %+v", url, mc)
		}
	})
}
