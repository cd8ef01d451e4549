package observe_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/observe"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value, want string
	}{
		{"SINEW_SECRET_KEY", "abcdefghijklmnopqrstuvwxyz0123456789", "[redacted] (36 bytes)"},
		{"SINEW_OPS_TOKEN", "tok", "[redacted] (3 bytes)"},
		{"SMTP_PASSWORD", "pw", "[redacted] (2 bytes)"},
		{"SINEW_SECRET_KEY", "", ""},
		{"DATABASE_URL", "postgres://app:hunter2@db:5432/app?sslmode=require", "postgres://app:xxxxx@db:5432/app?sslmode=require"},
		{"DATABASE_URL", "postgres://db/app?password=hunter2&sslmode=disable", "postgres://db/app?password=xxxxx&sslmode=disable"},
		{"DATABASE_URL", "mysql://root:hunter2@tcp(127.0.0.1:3306)/test", "mysql://root:xxxxx@tcp(127.0.0.1:3306)/test"},
		{"DATABASE_URL", "root:hunter2@tcp(127.0.0.1:3306)/test", "root:xxxxx@tcp(127.0.0.1:3306)/test"},
		{"DATABASE_URL", "sqlite:data/app.db", "sqlite:data/app.db"},
		{"SINEW_SESSION_STORE", "redis://:hunter2@127.0.0.1:6379/0", "redis://:xxxxx@127.0.0.1:6379/0"},
		{"SINEW_ADDR", ":8080", ":8080"},
		{"SINEW_LOG_LEVEL", "debug", "debug"},
	}
	for _, tc := range tests {
		got := observe.Redact(tc.name, tc.value)
		if got != tc.want {
			t.Errorf("Redact(%s, %q) = %q, want %q", tc.name, tc.value, got, tc.want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("Redact(%s) leaks the password: %q", tc.name, got)
		}
	}
}

// FuzzRedactURL: whatever the input, RedactURL does not panic, and a password placed in a
// URL's user information never comes out.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{"postgres://u:p@h/db", "redis://:p@h:6379", "u:p@tcp(h)/db", "sqlite::memory:", "", "%", "a@b:c@d", "http://[::1"} {
		f.Add(s, "Zq9secretpass")
	}
	f.Fuzz(func(t *testing.T, s, pw string) {
		_ = observe.RedactURL(s)
		if len(pw) < 6 || strings.ContainsAny(pw, "@:/?#[]%") || strings.Contains("postgresxxxxxhostdbuser", pw) {
			return
		}
		u := "postgres://user:" + url.PathEscape(pw) + "@host/db"
		if got := observe.RedactURL(u); strings.Contains(got, pw) || strings.Contains(got, url.PathEscape(pw)) {
			t.Fatalf("RedactURL(%q) = %q leaks the password", u, got)
		}
	})
}
