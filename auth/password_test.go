package auth

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// fast is a cheap configuration for tests that hash many times.
var fast = PasswordConfig{Memory: 64, Iterations: 1}

func TestHashRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  PasswordConfig
		pw   string
	}{
		{"defaults", PasswordConfig{}, "correct horse battery staple"},
		{"fast", fast, "correct horse battery staple"},
		{"unicode", fast, "pässwörd-密码-🔑"},
		{"empty", fast, ""},
		{"max length", fast, strings.Repeat("x", 1024)},
		{"four lanes", PasswordConfig{Memory: 256, Iterations: 1, Parallelism: 4, SaltLength: 32, KeyLength: 64}, "secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, err := tc.cfg.Hash(tc.pw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(h, "$argon2id$v=19$m=") {
				t.Fatalf("hash %q is not an argon2id PHC string", h)
			}
			ok, rehash, err := tc.cfg.Check(h, tc.pw)
			if !ok || rehash || err != nil {
				t.Fatalf("Check(right password) = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
			ok, rehash, err = tc.cfg.Check(h, tc.pw+"x")
			if ok || rehash || err != nil {
				t.Fatalf("Check(wrong password) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
			if tc.cfg.NeedsRehash(h) {
				t.Fatal("NeedsRehash of a fresh hash is true")
			}
			again, err := tc.cfg.Hash(tc.pw)
			if err != nil {
				t.Fatal(err)
			}
			if again == h {
				t.Fatal("two hashes of one password are equal: the salt is not random")
			}
		})
	}
}

func TestDefaultHashFormat(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=32768,t=2,p=1$") {
		t.Fatalf("default hash %q: want m=32768,t=2,p=1", h)
	}
	p, err := parsePHC(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.salt) != 16 || len(p.key) != 32 {
		t.Fatalf("salt %d bytes, key %d bytes; want 16 and 32", len(p.salt), len(p.key))
	}
	if ok, rehash, err := CheckPassword(h, "correct horse battery staple"); !ok || rehash || err != nil {
		t.Fatalf("CheckPassword = %v, %v, %v", ok, rehash, err)
	}
	if NeedsRehash(h) {
		t.Fatal("NeedsRehash of a default hash")
	}
}

func TestRehash(t *testing.T) {
	t.Parallel()
	old := PasswordConfig{Memory: 64, Iterations: 1}
	h, err := old.Hash("s3cret-enough")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  PasswordConfig
		want bool
	}{
		{"same", old, false},
		{"memory", PasswordConfig{Memory: 128, Iterations: 1}, true},
		{"iterations", PasswordConfig{Memory: 64, Iterations: 2}, true},
		{"parallelism", PasswordConfig{Memory: 64, Iterations: 1, Parallelism: 2}, true},
		{"salt length", PasswordConfig{Memory: 64, Iterations: 1, SaltLength: 32}, true},
		{"key length", PasswordConfig{Memory: 64, Iterations: 1, KeyLength: 64}, true},
		{"defaults", PasswordConfig{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.cfg.NeedsRehash(h); got != tc.want {
				t.Fatalf("NeedsRehash = %v, want %v", got, tc.want)
			}
			ok, rehash, err := tc.cfg.Check(h, "s3cret-enough")
			if !ok || err != nil || rehash != tc.want {
				t.Fatalf("Check = %v, %v, %v; want true, %v, nil", ok, rehash, err, tc.want)
			}
			ok, rehash, err = tc.cfg.Check(h, "wrong")
			if ok || rehash || err != nil {
				t.Fatalf("Check(wrong) = %v, %v, %v; want false, false, nil (no rehash of a failed check)", ok, rehash, err)
			}
		})
	}
}

func TestMalformedHash(t *testing.T) {
	t.Parallel()
	good, err := fast.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for _, tc := range []struct{ name, hash string }{
		{"empty", ""},
		{"garbage", "not a hash"},
		{"bcrypt", "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5CjGmX6i1u2QwN0r6QO1n1XbJ9m2W5C"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"no leading dollar", "argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"extra field", good + "$x"},
		{"missing hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"params order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"two params", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key},
		{"plus sign", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"empty param", "$argon2id$v=19$m=,t=1,p=1$" + salt + "$" + key},
		{"overflow", "$argon2id$v=19$m=99999999999999999999,t=1,p=1$" + salt + "$" + key},
		{"huge memory", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"huge iterations", "$argon2id$v=19$m=64,t=100000,p=1$" + salt + "$" + key},
		{"zero iterations", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"zero lanes", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"256 lanes", "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key},
		{"memory below 8p", "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"bad base64", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$YWJj$" + key},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$YWJj"},
		{"oversized", "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("A", 10000) + "$" + key},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, rehash, err := fast.Check(tc.hash, "pw")
			if !errors.Is(err, ErrMalformedHash) || ok || rehash {
				t.Fatalf("Check = %v, %v, %v; want false, false, ErrMalformedHash", ok, rehash, err)
			}
			if !fast.NeedsRehash(tc.hash) {
				t.Fatal("NeedsRehash of a malformed hash is false")
			}
			if len(tc.hash) > 20 && strings.Contains(err.Error(), tc.hash) {
				t.Fatalf("error %q quotes the hash", err)
			}
		})
	}
}

func TestHashRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  PasswordConfig
		pw   string
		want error
	}{
		{"too long", fast, strings.Repeat("x", 1025), ErrPasswordTooLong},
		{"custom max", PasswordConfig{Memory: 64, Iterations: 1, MaxLength: 10}, "12345678901", ErrPasswordTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tc.cfg.Hash(tc.pw); !errors.Is(err, tc.want) {
				t.Fatalf("Hash error = %v, want %v", err, tc.want)
			}
		})
	}
	for _, cfg := range []PasswordConfig{
		{Memory: 1 << 30},
		{Iterations: 1000},
		{Parallelism: 200},
		{SaltLength: 4},
		{KeyLength: 8},
		{Memory: 8, Parallelism: 2},
	} {
		if _, err := cfg.Hash("pw"); err == nil {
			t.Errorf("Hash with %+v: no error", cfg)
		}
	}
	// A password over MaxLength never matches, even against its own hash made with a
	// larger limit.
	big := PasswordConfig{Memory: 64, Iterations: 1, MaxLength: 4096}
	long := strings.Repeat("y", 2000)
	h, err := big.Hash(long)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := fast.Check(h, long); ok || err != nil {
		t.Fatalf("Check of an over-long password = %v, %v; want false, nil", ok, err)
	}
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  PasswordConfig
		pw   string
		want error
	}{
		{"good", PasswordConfig{}, "correct horse battery staple", nil},
		{"ten characters", PasswordConfig{}, "zq8!vm2#kp", nil},
		{"unicode counts runes", PasswordConfig{}, "ßßßßßßßßß7", nil},
		{"empty", PasswordConfig{}, "", ErrPasswordTooShort},
		{"nine", PasswordConfig{}, "zq8!vm2#k", ErrPasswordTooShort},
		{"nine runes of two bytes", PasswordConfig{}, "ééééééééé", ErrPasswordTooShort},
		{"too long", PasswordConfig{}, strings.Repeat("ab", 513), ErrPasswordTooLong},
		{"numeric", PasswordConfig{}, "12345678901234", ErrPasswordNumeric},
		{"numeric allowed", PasswordConfig{AllowNumeric: true}, "98127345609871", nil},
		{"common", PasswordConfig{}, "1234567890", ErrPasswordNumeric},
		{"common letters", PasswordConfig{}, "qwertyuiop", ErrPasswordCommon},
		{"common other case", PasswordConfig{}, "QwertyUIOP", ErrPasswordCommon},
		{"common short with lower minimum", PasswordConfig{MinLength: 6}, "dragon", ErrPasswordCommon},
		{"common allowed", PasswordConfig{AllowCommon: true}, "qwertyuiop", nil},
		{"invalid utf-8", PasswordConfig{}, "abcdefghij\xff", ErrPasswordInvalid},
		{"nul byte", PasswordConfig{}, "abcdefghij\x00k", ErrPasswordInvalid},
		{"custom minimum", PasswordConfig{MinLength: 16}, "zq8!vm2#kp-long", ErrPasswordTooShort},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate(tc.pw)
			if tc.want == nil && err != nil || !errors.Is(err, tc.want) {
				t.Fatalf("Validate(%.20q) = %v, want %v", tc.pw, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q is not one line", err)
			}
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	t.Parallel()
	for pw, want := range map[string]bool{
		"password": true, "123456": true, "iloveyou": true, "Password": true,
		"correct horse battery staple": false, "": false,
	} {
		got, err := isCommonPassword(pw)
		if err != nil || got != want {
			t.Errorf("isCommonPassword(%q) = %v, %v; want %v", pw, got, err, want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Ada@Example.COM", "ada@example.com"},
		{"  bob@example.org \n", "bob@example.org"},
		{"o'brien+tag@example.ie", "o'brien+tag@example.ie"},
		{"zoë@exämple.de", "zoë@exämple.de"},
		{"", ""},
		{"plain", ""},
		{"@example.com", ""},
		{"a@", ""},
		{"a@localhost", ""},
		{"a@example.", ""},
		{"Ada <ada@example.com>", ""},
		{"a b@example.com", ""},
		{"a@example.com\r\nBcc: x@evil.example", ""},
		{"x'; DROP TABLE auth_users; --@example.com", ""},
		{"\"quoted\"@example.com", ""},
		{strings.Repeat("a", 10000) + "@example.com", ""},
		{"a@example.com\x00", ""},
		{"\xff@example.com", ""},
	} {
		got, err := NormalizeEmail(tc.in)
		if tc.want == "" {
			if !errors.Is(err, ErrInvalidEmail) {
				t.Errorf("NormalizeEmail(%.40q) = %q, %v; want ErrInvalidEmail", tc.in, got, err)
			} else if len(err.Error()) > 200 {
				t.Errorf("NormalizeEmail error is %d bytes long", len(err.Error()))
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	good, err := fast.Hash("pw")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "$argon2id$v=19$m=64,t=1,p=1$$", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$$$$$", "$argon2id$v=19$m=18446744073709551615,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("error %v does not wrap ErrMalformedHash", err)
			}
			return
		}
		if h.memory > maxMemory || h.iterations > maxIterations || h.parallelism == 0 || h.parallelism > maxParallelism ||
			len(h.salt) < minSaltLength || len(h.key) < minKeyLength {
			t.Fatalf("parsePHC(%q) accepted out-of-bounds parameters %+v", s, h)
		}
		// A parsed hash formats back to the canonical input it came from.
		if h.String() != s {
			t.Fatalf("parsePHC(%q) formats back as %q", s, h.String())
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"Ada@Example.com", " a@b.c ", "x'; DROP TABLE auth_users; --@example.com", "用户@例子.广告",
		"\"q\"@example.com", "a@b", "Ada <ada@example.com>", "\xff@example.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := NormalizeEmail(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidEmail) || len(err.Error()) > 300 {
				t.Fatalf("NormalizeEmail(%q) error %v", s, err)
			}
			return
		}
		if len(e) > maxEmailLength || !utf8.ValidString(e) || strings.ContainsAny(e, " \t\r\n\x00<>") || strings.Count(e, "@") < 1 {
			t.Fatalf("NormalizeEmail(%q) accepted %q", s, e)
		}
		again, err := NormalizeEmail(e)
		if err != nil || again != e {
			t.Fatalf("NormalizeEmail is not idempotent on %q: %q, %v", e, again, err)
		}
	})
}
