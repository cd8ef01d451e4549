package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// signedLen is the decoded size of a signed link token: user ID, expiry, MAC.
const signedLen = 8 + 8 + 32

// signToken returns a token for a link that acts on the user uid until exp: the ID, the
// expiry and a MAC, under key, of both and of state, the user's current state the action
// depends on. Once that state changes (the password is reset, the address verified) the
// token stops matching, which makes it single-use without storing anything.
func signToken(key []byte, uid int64, exp time.Time, state string) string {
	var b [signedLen]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(uid))
	binary.BigEndian.PutUint64(b[8:16], uint64(exp.Unix()))
	copy(b[16:], tokenMAC(key, b[:16], state))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// parseToken returns the user ID and expiry of a token from signToken, without checking
// its MAC (that needs the user's state: see checkToken). ok is false for a malformed token.
func parseToken(tok string) (uid int64, exp time.Time, ok bool) {
	if len(tok) != base64.RawURLEncoding.EncodedLen(signedLen) {
		return 0, time.Time{}, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	if err != nil || len(b) != signedLen {
		return 0, time.Time{}, false
	}
	return int64(binary.BigEndian.Uint64(b[0:8])), time.Unix(int64(binary.BigEndian.Uint64(b[8:16])), 0), true
}

// checkToken reports, in constant time, whether tok was signed for the user's current
// state and has not expired at now.
func checkToken(key []byte, tok, state string, now time.Time) bool {
	uid, exp, ok := parseToken(tok)
	if !ok || !now.Before(exp) {
		return false
	}
	b, _ := base64.RawURLEncoding.DecodeString(tok)
	_ = uid
	return hmac.Equal(b[16:], tokenMAC(key, b[:16], state))
}

func tokenMAC(key, head []byte, state string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(head)
	m.Write([]byte(state))
	return m.Sum(nil)
}

// resetState is what a password reset token depends on: the password hash (a reset
// changes it) and the last login (a login since the e-mail was sent voids it).
func resetState(u *User) string {
	s := "reset|" + u.Email + "|" + u.PasswordHash + "|"
	if u.LastLogin != nil {
		s += u.LastLogin.UTC().Format(time.RFC3339Nano)
	}
	return s
}

// verifyState is what an e-mail verification token depends on: the address and whether
// it is verified yet.
func verifyState(u *User) string {
	return "verify|" + u.Email + "|" + boolStr(u.EmailVerifiedAt != nil)
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
