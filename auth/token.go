package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sinewdev/sinew/orm"
)

// TokenPrefix starts every personal access token, so that secret scanners can recognise a
// leaked one.
const TokenPrefix = "snw_"

// tokenLen is the length of a token: the prefix and 32 random bytes in base64url.
var tokenLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(32)

// Token is a personal access token: a user's credential for `Authorization: Bearer`
// requests from scripts and API clients. Only the SHA-256 of the token is stored (tokens
// are 256 random bits, so a fast hash is enough); the token itself is shown once, when it
// is created. Its table is auth_tokens.
type Token struct {
	orm.Model
	// UserID is the owner.
	UserID int64 `orm:"fk=User,ondelete=cascade,index"`
	// Name says what the token is for ("CI deploys").
	Name string `orm:"size=100"`
	// Hint is the start of the token (its prefix and four characters), to recognise it
	// in lists.
	Hint string `orm:"size=16"`
	// Hash is the hex SHA-256 of the token; unique.
	Hash string `orm:"size=64,unique" json:"-"`
	// Scopes are the space-separated scopes the token grants ("read write"); see
	// RequireScope.
	Scopes string `orm:"size=500"`
	// ExpiresAt is when the token stops working; nil for never.
	ExpiresAt *time.Time `orm:"null"`
	// LastUsedAt is when the token last authenticated a request (updated at most once a
	// minute), nil if never.
	LastUsedAt *time.Time `orm:"null"`
	// RevokedAt is when the owner revoked the token, nil while it is live.
	RevokedAt *time.Time `orm:"null"`
}

// TableName returns "auth_tokens".
func (*Token) TableName() string { return "auth_tokens" }

// ScopeList returns the token's scopes.
func (t Token) ScopeList() []string { return strings.Fields(t.Scopes) }

// HasScope reports whether the token grants scope.
func (t Token) HasScope(scope string) bool { return slices.Contains(t.ScopeList(), scope) }

// Live reports whether the token works at now: not revoked and not expired.
func (t Token) Live(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// ErrInvalidToken is matched (errors.Is) by every *TokenError.
var ErrInvalidToken = errors.New("invalid token")

// TokenError is why a bearer token was refused; it answers 401 with a WWW-Authenticate
// header (RFC 6750).
type TokenError struct {
	// Reason is "malformed", "unknown", "revoked", "expired" or "inactive user".
	Reason string
}

// Error returns the reason.
func (e *TokenError) Error() string { return "invalid token: " + e.Reason }

// StatusCode returns 401.
func (e *TokenError) StatusCode() int { return http.StatusUnauthorized }

// Is reports whether target is ErrInvalidToken.
func (e *TokenError) Is(target error) bool { return target == ErrInvalidToken }

// TokenOptions describes a new token for CreateToken.
type TokenOptions struct {
	// Name says what the token is for; required, at most 100 characters.
	Name string
	// Scopes are the scopes it grants: each made of letters, digits and ":._-".
	Scopes []string
	// TTL is how long it works; zero for no expiry.
	TTL time.Duration
}

// ErrInvalidTokenOptions reports a name or scope CreateToken refuses.
var ErrInvalidTokenOptions = errors.New("invalid token options")

// CreateToken creates a personal access token for user in the database of ctx and returns
// it in clear (show it once: only its hash is kept) with its stored row.
func CreateToken(ctx context.Context, user *User, opt TokenOptions) (string, *Token, error) {
	name := strings.TrimSpace(opt.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) || strings.ContainsFunc(name, isControl) {
		return "", nil, fmt.Errorf("%w: the name is required, at most 100 characters of text", ErrInvalidTokenOptions)
	}
	for _, s := range opt.Scopes {
		if !validScope(s) {
			return "", nil, fmt.Errorf("%w: scope %q: use letters, digits and :._-", ErrInvalidTokenOptions, clipText(s, 32))
		}
	}
	scopes := strings.Join(opt.Scopes, " ")
	if len(scopes) > 500 {
		return "", nil, fmt.Errorf("%w: too many scopes", ErrInvalidTokenOptions)
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	plain := TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	t := &Token{UserID: user.ID, Name: name, Hint: plain[:len(TokenPrefix)+4], Hash: hashToken(plain), Scopes: scopes}
	if opt.TTL > 0 {
		exp := time.Now().Add(opt.TTL).UTC()
		t.ExpiresAt = &exp
	}
	if err := orm.Create(ctx, t); err != nil {
		return "", nil, fmt.Errorf("auth: creating a token: %w", err)
	}
	return plain, t, nil
}

// Tokens returns the tokens of the user userID, newest first, revoked ones included.
func Tokens(ctx context.Context, userID int64) ([]Token, error) {
	return orm.Q[Token](ctx).Filter("user_id", userID).OrderBy("-created_at", "-id").Limit(1000).All()
}

// RevokeToken revokes the token id of the user userID. It returns orm.ErrNotFound (404)
// when the user has no such token; revoking a revoked token changes nothing.
func RevokeToken(ctx context.Context, userID, id int64) error {
	t, err := orm.Q[Token](ctx).Filter("user_id", userID).Filter("id", id).First()
	if err != nil {
		return err
	}
	if t.RevokedAt != nil {
		return nil
	}
	now := time.Now().UTC()
	t.RevokedAt = &now
	return orm.Save(ctx, t, "RevokedAt")
}

// AuthenticateToken returns the user a bearer token belongs to, and the token's row, when
// the token is live and its user active; otherwise an error wrapping a *TokenError (401).
// It records the use (LastUsedAt) at most once a minute.
func AuthenticateToken(ctx context.Context, plain string) (*User, *Token, error) {
	if len(plain) != tokenLen || !strings.HasPrefix(plain, TokenPrefix) {
		return nil, nil, &TokenError{Reason: "malformed"}
	}
	t, err := orm.Q[Token](ctx).Filter("hash", hashToken(plain)).First()
	if errors.Is(err, orm.ErrNotFound) {
		return nil, nil, &TokenError{Reason: "unknown"}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: looking up a token: %w", err)
	}
	now := time.Now()
	switch {
	case t.RevokedAt != nil:
		return nil, nil, &TokenError{Reason: "revoked"}
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return nil, nil, &TokenError{Reason: "expired"}
	}
	u, err := orm.Q[User](ctx).Get(t.UserID)
	if errors.Is(err, orm.ErrNotFound) {
		return nil, nil, &TokenError{Reason: "unknown"}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: loading a token's user: %w", err)
	}
	if !u.IsActive {
		return nil, nil, &TokenError{Reason: "inactive user"}
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		n := now.UTC()
		t.LastUsedAt = &n
		if _, err := orm.Q[Token](ctx).Filter("id", t.ID).Update(orm.Set("last_used_at", n)); err != nil {
			return nil, nil, fmt.Errorf("auth: recording a token's use: %w", err)
		}
	}
	return u, t, nil
}

// hashToken returns the hex SHA-256 of a token.
func hashToken(plain string) string {
	h := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(h[:])
}

func validScope(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":._-", r)) {
			return false
		}
	}
	return true
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// clipText bounds s for messages, replacing invalid UTF-8.
func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
