package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
)

// testTokens runs on every database: create, authenticate, last use, list, revoke,
// expiry, inactive owner, and malformed or unknown tokens.
func testTokens(t *testing.T, open ormtest.Opener) {
	ctx, _ := openDB(t, open)
	u := &User{Email: "tok@example.com", IsActive: true}
	if err := orm.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	plain, tok, err := CreateToken(ctx, u, TokenOptions{Name: "CI", Scopes: []string{"read", "write:posts"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, TokenPrefix) || len(plain) != tokenLen || tok.Hint != plain[:8] || strings.Contains(tok.Hash, plain) {
		t.Fatalf("token %q, row %+v", plain, tok)
	}
	got, gt, err := AuthenticateToken(ctx, plain)
	if err != nil || got.ID != u.ID || !gt.HasScope("write:posts") || gt.HasScope("admin") {
		t.Fatalf("authenticate: %v %+v %+v", err, got, gt)
	}
	rows, err := Tokens(ctx, u.ID)
	if err != nil || len(rows) != 1 || rows[0].LastUsedAt == nil {
		t.Fatalf("tokens: %v %+v", err, rows)
	}
	// Another user cannot revoke it; its owner can, and it stops working.
	if err := RevokeToken(ctx, u.ID+1000, tok.ID); !errors.Is(err, orm.ErrNotFound) {
		t.Errorf("revoke by another user: %v", err)
	}
	if err := RevokeToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AuthenticateToken(ctx, plain); !isReason(err, "revoked") {
		t.Errorf("revoked token: %v", err)
	}
	// Expired.
	short, _, err := CreateToken(ctx, u, TokenOptions{Name: "short", TTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Minute).UTC()
	if _, err := orm.Q[Token](ctx).Filter("hash", hashToken(short)).Update(orm.Set("expires_at", past)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AuthenticateToken(ctx, short); !isReason(err, "expired") {
		t.Errorf("expired token: %v", err)
	}
	// Inactive owner.
	live, _, _ := CreateToken(ctx, u, TokenOptions{Name: "live"})
	u.IsActive = false
	if err := orm.Save(ctx, u, "IsActive"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AuthenticateToken(ctx, live); !isReason(err, "inactive user") {
		t.Errorf("inactive owner: %v", err)
	}
	for _, bad := range []string{"", "snw_", live[:len(live)-1], "snw_" + strings.Repeat("A", 43), strings.Repeat("x", 5000), "snw_' OR 1=1 --" + strings.Repeat("A", 28)} {
		if _, _, err := AuthenticateToken(ctx, bad); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	for _, opt := range []TokenOptions{{}, {Name: strings.Repeat("n", 101)}, {Name: "x\x00y"}, {Name: "ok", Scopes: []string{"has space"}}, {Name: "ok", Scopes: []string{""}}} {
		if _, _, err := CreateToken(ctx, u, opt); !errors.Is(err, ErrInvalidTokenOptions) {
			t.Errorf("options %+v: %v", opt, err)
		}
	}
}

func isReason(err error, reason string) bool {
	var te *TokenError
	return errors.As(err, &te) && te.Reason == reason && te.StatusCode() == 401
}
