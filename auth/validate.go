package auth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// commonPasswords is SecLists' list of the 10,000 most common passwords, one a line,
// gzipped (see commonpasswords.LICENSE).
//
//go:embed commonpasswords.txt.gz
var commonPasswords []byte

// Validate checks password against the rules of c: valid UTF-8 without NUL bytes, at
// least MinLength characters, at most MaxLength bytes, not only digits, and not one of the
// 10,000 most common passwords (compared case-insensitively). The error wraps one of the
// ErrPassword sentinels and reads as one line for the user.
func (c PasswordConfig) Validate(password string) error {
	c = c.withDefaults()
	if len(password) > c.MaxLength {
		return fmt.Errorf("%w: at most %d bytes", ErrPasswordTooLong, c.MaxLength)
	}
	if !utf8.ValidString(password) || strings.IndexByte(password, 0) >= 0 {
		return ErrPasswordInvalid
	}
	if utf8.RuneCountInString(password) < c.MinLength {
		return fmt.Errorf("%w: use at least %d characters", ErrPasswordTooShort, c.MinLength)
	}
	if !c.AllowNumeric && strings.Trim(password, "0123456789") == "" {
		return fmt.Errorf("%w: add letters or symbols", ErrPasswordNumeric)
	}
	if !c.AllowCommon {
		common, err := isCommonPassword(password)
		if err != nil {
			return err
		}
		if common {
			return fmt.Errorf("%w: it is in a list of the 10,000 most used passwords", ErrPasswordCommon)
		}
	}
	return nil
}

// ValidatePassword checks password against the default PasswordConfig's rules.
func ValidatePassword(password string) error { return PasswordConfig{}.Validate(password) }

// isCommonPassword reports whether the lower-cased password is in the embedded list. The
// list is decompressed and scanned on each call (about 80 KB: 1 to 4 ms on a loaded
// 2-core machine, small beside the hash that follows) rather than held in memory between
// calls, which keeps the package free of mutable state.
func isCommonPassword(password string) (bool, error) {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswords))
	if err != nil {
		return false, fmt.Errorf("auth: reading the common password list: %w", err)
	}
	if password == "" {
		return false, nil
	}
	want := []byte(strings.ToLower(password))
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if bytes.Equal(bytes.ToLower(sc.Bytes()), want) {
			return true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("auth: reading the common password list: %w", err)
	}
	return false, nil
}

// maxEmailLength is the longest e-mail address accepted (RFC 5321's path limit).
const maxEmailLength = 254

// ErrInvalidEmail reports an e-mail address that NormalizeEmail refuses (an *InputError:
// 422 through web.StatusOf).
var ErrInvalidEmail error = &InputError{msg: "invalid e-mail address"}

// InputError is the type of the package's errors about input its user can correct (a
// password too short, an e-mail address that is not one): web.StatusOf answers them 422,
// never 500, when a handler returns one. Compare with errors.Is against the Err variables.
type InputError struct{ msg string }

// Error returns the message.
func (e *InputError) Error() string { return e.msg }

// StatusCode is 422 Unprocessable Entity.
func (e *InputError) StatusCode() int { return http.StatusUnprocessableEntity }

// NormalizeEmail trims and lower-cases an e-mail address and checks that it is a plain
// address (`local@domain`, no display name or angle brackets, at most 254 bytes, valid
// UTF-8 without control characters). The error wraps ErrInvalidEmail and quotes at most
// 32 bytes of the input (invalid UTF-8 shown as "?").
func NormalizeEmail(email string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%w %q: %s", ErrInvalidEmail, clip(strings.ToValidUTF8(email, "?"), 32), why)
	}
	if !utf8.ValidString(email) {
		return bad("not valid UTF-8")
	}
	e := strings.ToLower(strings.TrimSpace(email))
	switch {
	case e == "":
		return bad("it is empty")
	case len(e) > maxEmailLength:
		return bad(fmt.Sprintf("longer than %d bytes", maxEmailLength))
	case strings.ContainsFunc(e, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }):
		return bad("it contains spaces or control characters")
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Name != "" || addr.Address != e {
		return bad("want an address like name@example.com")
	}
	at := strings.LastIndexByte(e, '@')
	if at < 1 || at == len(e)-1 || !strings.Contains(e[at+1:], ".") || strings.HasSuffix(e, ".") {
		return bad("want an address like name@example.com")
	}
	return e, nil
}

// clip returns at most n bytes of s, cut on a rune boundary, with "..." when cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
