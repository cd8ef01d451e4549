package observe

import (
	"net/url"
	"strconv"
	"strings"
)

// Redacted replaces secret values in reports.
const Redacted = "[redacted]"

// secretWords mark a setting's name as holding a secret.
var secretWords = []string{"SECRET", "PASSWORD", "PASSWD", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "AUTH"}

// IsSecretName reports whether a setting named name (an environment variable such as
// SINEW_SECRET_KEY or SMTP_PASSWORD) holds a secret.
func IsSecretName(name string) bool {
	up := strings.ToUpper(name)
	for _, w := range secretWords {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// Redact returns value as safe to show for the setting called name: a secret (by its name)
// becomes "[redacted] (N bytes)" or "" when unset; a URL keeps everything but its password
// and the values of query parameters whose names look secret; anything else is returned as
// is.
func Redact(name, value string) string {
	if value == "" {
		return ""
	}
	if IsSecretName(name) {
		return Redacted + " (" + strconv.Itoa(len(value)) + " bytes)"
	}
	return RedactURL(value)
}

// RedactURL hides the password of a URL (scheme://user:password@host) and the values of
// its secret-looking query parameters (password=, token=, sslkey=...). A value that is not
// such a URL is returned as is, unless it has the user:password@ shape of a DSN
// (root:pw@tcp(host)/db), whose password is hidden too.
func RedactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && (u.User != nil || u.RawQuery != "") {
		if u.User != nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		if u.RawQuery != "" {
			q := u.Query()
			for k := range q {
				if IsSecretName(k) {
					q.Set(k, "xxxxx")
				}
			}
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	// user:password@... where url.Parse gives up, as in the MySQL driver's DSN
	// (root:pw@tcp(host:3306)/db), with or without a scheme: the user information ends at
	// the last "@" before the first "/".
	prefix, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	}
	at := -1
	for i := 0; i < len(rest) && rest[i] != '/'; i++ {
		if rest[i] == '@' {
			at = i
		}
	}
	if at > 0 {
		if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
			return prefix + rest[:c+1] + "xxxxx" + rest[at:]
		}
	}
	return s
}
