package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordConfig holds the argon2id parameters and the password rules. The zero value is
// the default for every field; the methods take the config by value, so a PasswordConfig
// can be shared freely.
type PasswordConfig struct {
	// Memory is the argon2id memory cost in KiB. Default 32768 (32 MiB).
	Memory uint32
	// Iterations is the argon2id time cost. Default 2.
	Iterations uint32
	// Parallelism is the argon2id lane count. Default 1 (one hash uses one core, so
	// concurrent logins do not starve each other).
	Parallelism uint8
	// SaltLength is the random salt size in bytes. Default 16.
	SaltLength uint32
	// KeyLength is the derived hash size in bytes. Default 32.
	KeyLength uint32
	// MinLength is the minimum password length in characters (Unicode code points).
	// Default 10.
	MinLength int
	// MaxLength is the maximum password length in bytes, which bounds the cost of hashing
	// hostile input. Default 1024.
	MaxLength int
	// AllowCommon turns off the check against the embedded list of 10,000 common
	// passwords. Default false (common passwords are refused).
	AllowCommon bool
	// AllowNumeric accepts passwords made only of digits. Default false (refused).
	AllowNumeric bool
}

// The default argon2id parameters (32 MiB, 2 passes, 1 lane): one hash costs about 55 ms of
// CPU time on a 2-core development machine (BenchmarkHashPassword; see docs/security.md).
const (
	defaultMemory      = 32 * 1024
	defaultIterations  = 2
	defaultParallelism = 1
	defaultSaltLength  = 16
	defaultKeyLength   = 32
	defaultMinLength   = 10
	defaultMaxLength   = 1024
)

// Bounds on the parameters a stored hash may carry, so that a corrupted or hostile hash
// string cannot make a check allocate gigabytes or run for minutes.
const (
	maxMemory      = 1 << 20 // KiB: 1 GiB
	maxIterations  = 64
	maxParallelism = 64
	minSaltLength  = 8
	maxSaltLength  = 64
	minKeyLength   = 16
	maxKeyLength   = 128
	maxHashString  = 512
)

// Errors returned by the password functions. Validation errors wrap one of the ErrPassword
// sentinels (each an *InputError: 422 through web.StatusOf); hash parsing errors wrap
// ErrMalformedHash.
var (
	// ErrMalformedHash reports a stored hash that is not a valid argon2id PHC string.
	ErrMalformedHash = errors.New("auth: malformed password hash")
	// ErrPasswordTooShort reports a password below PasswordConfig.MinLength.
	ErrPasswordTooShort error = &InputError{msg: "password is too short"}
	// ErrPasswordTooLong reports a password above PasswordConfig.MaxLength.
	ErrPasswordTooLong error = &InputError{msg: "password is too long"}
	// ErrPasswordNumeric reports a password made only of digits.
	ErrPasswordNumeric error = &InputError{msg: "password is entirely numeric"}
	// ErrPasswordCommon reports a password found in the list of common passwords.
	ErrPasswordCommon error = &InputError{msg: "password is too common"}
	// ErrPasswordInvalid reports a password that is not valid UTF-8 or holds a NUL byte.
	ErrPasswordInvalid error = &InputError{msg: "password is not valid text"}
)

// withDefaults returns c with every zero field set to its default.
func (c PasswordConfig) withDefaults() PasswordConfig {
	if c.Memory == 0 {
		c.Memory = defaultMemory
	}
	if c.Iterations == 0 {
		c.Iterations = defaultIterations
	}
	if c.Parallelism == 0 {
		c.Parallelism = defaultParallelism
	}
	if c.SaltLength == 0 {
		c.SaltLength = defaultSaltLength
	}
	if c.KeyLength == 0 {
		c.KeyLength = defaultKeyLength
	}
	if c.MinLength == 0 {
		c.MinLength = defaultMinLength
	}
	if c.MaxLength == 0 {
		c.MaxLength = defaultMaxLength
	}
	return c
}

// check reports parameters outside the bounds a hash may carry.
func (c PasswordConfig) check() error {
	switch {
	case c.Memory > maxMemory || c.Memory < 8*uint32(c.Parallelism):
		return fmt.Errorf("auth: PasswordConfig.Memory %d KiB: want %d..%d", c.Memory, 8*uint32(c.Parallelism), maxMemory)
	case c.Iterations > maxIterations:
		return fmt.Errorf("auth: PasswordConfig.Iterations %d: want at most %d", c.Iterations, maxIterations)
	case c.Parallelism > maxParallelism:
		return fmt.Errorf("auth: PasswordConfig.Parallelism %d: want at most %d", c.Parallelism, maxParallelism)
	case c.SaltLength < minSaltLength || c.SaltLength > maxSaltLength:
		return fmt.Errorf("auth: PasswordConfig.SaltLength %d: want %d..%d", c.SaltLength, minSaltLength, maxSaltLength)
	case c.KeyLength < minKeyLength || c.KeyLength > maxKeyLength:
		return fmt.Errorf("auth: PasswordConfig.KeyLength %d: want %d..%d", c.KeyLength, minKeyLength, maxKeyLength)
	}
	return nil
}

// Hash returns the argon2id hash of password in PHC string format,
// `$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>` (unpadded standard base64). It does not
// apply the password rules (see Validate), but refuses a password longer than MaxLength.
func (c PasswordConfig) Hash(password string) (string, error) {
	c = c.withDefaults()
	if err := c.check(); err != nil {
		return "", err
	}
	if len(password) > c.MaxLength {
		return "", fmt.Errorf("%w: at most %d bytes", ErrPasswordTooLong, c.MaxLength)
	}
	salt := make([]byte, c.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading a salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, c.Iterations, c.Memory, c.Parallelism, c.KeyLength)
	return phc{memory: c.Memory, iterations: c.Iterations, parallelism: c.Parallelism, salt: salt, key: key}.String(), nil
}

// Check reports whether password matches the PHC string hash, comparing in constant time.
// When it matches and the hash was made with other parameters than c's, rehash is true:
// the caller should then store a new c.Hash(password). A malformed hash gives an error
// wrapping ErrMalformedHash. A password longer than MaxLength never matches (and is not
// hashed).
func (c PasswordConfig) Check(hash, password string) (ok, rehash bool, err error) {
	c = c.withDefaults()
	h, err := parsePHC(hash)
	if err != nil {
		return false, false, err
	}
	if len(password) > c.MaxLength {
		return false, false, nil
	}
	key := argon2.IDKey([]byte(password), h.salt, h.iterations, h.memory, h.parallelism, uint32(len(h.key)))
	if subtle.ConstantTimeCompare(key, h.key) != 1 {
		return false, false, nil
	}
	return true, h.outdated(c), nil
}

// NeedsRehash reports whether hash was made with other parameters than c's (or is
// malformed), so that it should be replaced by a new hash at the next successful login.
func (c PasswordConfig) NeedsRehash(hash string) bool {
	h, err := parsePHC(hash)
	return err != nil || h.outdated(c.withDefaults())
}

// HashPassword hashes password with the default PasswordConfig.
func HashPassword(password string) (string, error) { return PasswordConfig{}.Hash(password) }

// CheckPassword checks password against hash with the default PasswordConfig; see
// PasswordConfig.Check.
func CheckPassword(hash, password string) (ok, rehash bool, err error) {
	return PasswordConfig{}.Check(hash, password)
}

// NeedsRehash reports whether hash differs from what the default PasswordConfig produces.
func NeedsRehash(hash string) bool { return PasswordConfig{}.NeedsRehash(hash) }

// phc is a parsed argon2id PHC string.
type phc struct {
	memory      uint32
	iterations  uint32
	parallelism uint8
	salt, key   []byte
}

var b64 = base64.RawStdEncoding

// String formats h as a PHC string.
func (h phc) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.memory, h.iterations, h.parallelism, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

func (h phc) outdated(c PasswordConfig) bool {
	return h.memory != c.Memory || h.iterations != c.Iterations || h.parallelism != c.Parallelism ||
		uint32(len(h.salt)) != c.SaltLength || uint32(len(h.key)) != c.KeyLength
}

// parsePHC parses `$argon2id$v=19$m=M,t=T,p=P$salt$hash`, with the parameters in that order
// and within the bounds above. Errors wrap ErrMalformedHash and never quote the hash.
func parsePHC(s string) (phc, error) {
	bad := func(why string) (phc, error) { return phc{}, fmt.Errorf("%w: %s", ErrMalformedHash, why) }
	if len(s) > maxHashString {
		return bad(fmt.Sprintf("longer than %d bytes", maxHashString))
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want $argon2id$v=19$m=...,t=...,p=...$salt$hash")
	}
	if parts[1] != "argon2id" {
		return bad("the algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported argon2 version (want v=19)")
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return bad("want the parameters m=...,t=...,p=...")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(params[i], name+"=")
		if !ok {
			return bad("want the parameters m=...,t=...,p=... in that order")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || (len(v) > 1 && v[0] == '0') || v[0] == '+' {
			return bad("parameter " + name + " is not a number")
		}
		vals[i] = n
	}
	h := phc{memory: uint32(vals[0]), iterations: uint32(vals[1])}
	switch {
	case vals[2] < 1 || vals[2] > maxParallelism:
		return bad(fmt.Sprintf("p must be 1..%d", maxParallelism))
	case vals[1] < 1 || vals[1] > maxIterations:
		return bad(fmt.Sprintf("t must be 1..%d", maxIterations))
	case vals[0] < 8*vals[2] || vals[0] > maxMemory:
		return bad(fmt.Sprintf("m must be 8*p..%d", maxMemory))
	}
	h.parallelism = uint8(vals[2])
	var err error
	if h.salt, err = b64.Strict().DecodeString(parts[4]); err != nil {
		return bad("the salt is not unpadded base64")
	}
	if h.key, err = b64.Strict().DecodeString(parts[5]); err != nil {
		return bad("the hash is not unpadded base64")
	}
	if len(h.salt) < minSaltLength || len(h.salt) > maxSaltLength {
		return bad(fmt.Sprintf("the salt must hold %d..%d bytes", minSaltLength, maxSaltLength))
	}
	if len(h.key) < minKeyLength || len(h.key) > maxKeyLength {
		return bad(fmt.Sprintf("the hash must hold %d..%d bytes", minKeyLength, maxKeyLength))
	}
	return h, nil
}
