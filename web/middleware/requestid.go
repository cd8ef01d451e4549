package middleware

import (
	"context"
	"crypto/rand"
	"net/http"
	"unsafe"

	"github.com/sinewdev/sinew/web"
)

// RequestIDConfig configures [RequestID]. The zero value is the default.
type RequestIDConfig struct {
	// Header is the request and response header that carries the ID.
	// Default: "X-Request-ID".
	Header string
	// TrustIncoming keeps the ID the request arrived with, when it is valid: 1 to 128 bytes
	// of ASCII letters, digits and - _ . : + / = @. Turn it on only behind a proxy that sets
	// the header itself, or clients choose the IDs in your logs. Invalid IDs are replaced.
	// Default: false, every request gets a fresh ID.
	TrustIncoming bool
	// Generate returns a new ID. Default: 128 random bits from crypto/rand written as 26
	// lowercase Crockford base32 characters.
	Generate func() string
}

// MaxRequestIDLength is the longest incoming request ID that [RequestID] keeps.
const MaxRequestIDLength = 128

// requestIDKey is the context key of the request ID in plain net/http stacks.
type requestIDKey struct{}

// RequestID gives every request an ID: the trusted incoming one (see
// [RequestIDConfig.TrustIncoming]) or a new random one. The ID is sent back in the response
// header and stored for the rest of the chain: in the [web.Ctx] for requests served by a
// Sinew router (read it with c.RequestID(); error pages and c.Logger() show it), and in the
// request's context otherwise (read it with [RequestIDFrom]).
func RequestID(cfg RequestIDConfig) web.Middleware {
	header := http.CanonicalHeaderKey(cfg.Header)
	if header == "" {
		header = "X-Request-Id"
	}
	gen := cfg.Generate
	fresh := gen == nil // the default generator, which makes the header value in one allocation
	if gen == nil {
		gen = newRequestID
	}
	trust := cfg.TrustIncoming
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := ""
			if trust {
				if in := r.Header.Get(header); ValidRequestID(in) {
					id = in
				}
			}
			if id == "" && fresh {
				w.Header()[header] = newRequestIDValue()
				id = w.Header()[header][0]
			} else {
				if id == "" {
					id = gen()
				}
				w.Header()[header] = []string{id}
			}
			if c := web.CtxFrom(r); c != nil {
				c.SetRequestID(id)
			} else {
				r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RequestIDFrom returns the ID that [RequestID] gave the request whose context is ctx, or
// "" if there is none. It accepts the *web.Ctx of a Sinew request (handlers pass c as
// their context) and the request context of a plain net/http stack. Inside a Sinew router
// the ID lives in the Ctx, not in contexts derived from it: there, read c.RequestID().
func RequestIDFrom(ctx context.Context) string {
	if c, ok := ctx.(*web.Ctx); ok {
		return c.RequestID()
	}
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ValidRequestID reports whether id is acceptable as an incoming request ID: 1 to
// [MaxRequestIDLength] bytes of ASCII letters, digits and - _ . : + / = @. Anything else
// (spaces, quotes, control characters) could forge or break log lines.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > MaxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case b == '-', b == '_', b == '.', b == ':', b == '+', b == '/', b == '=', b == '@':
		default:
			return false
		}
	}
	return true
}

// crockford is the lowercase Crockford base32 alphabet: no i, l, o or u to misread.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// newRequestID returns 128 random bits as 26 base32 characters.
func newRequestID() string {
	var out [26]byte
	encodeRequestID(&out)
	return string(out[:])
}

// requestIDValue is a header value holding a new request ID: the []string and the ID's
// bytes in one allocation.
type requestIDValue struct {
	v [1]string
	b [26]byte
}

// newRequestIDValue returns a new request ID as a header value, []string{newRequestID()}
// in one allocation instead of two. The bytes are never written again once the string
// points at them.
func newRequestIDValue() []string {
	x := new(requestIDValue)
	encodeRequestID(&x.b)
	x.v[0] = unsafe.String(&x.b[0], len(x.b))
	return x.v[:1:1]
}

// encodeRequestID writes 128 random bits into out as 26 base32 characters.
func encodeRequestID(out *[26]byte) {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	var acc uint32
	bits, j := 0, 0
	for _, x := range b {
		acc = acc<<8 | uint32(x)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out[j] = crockford[(acc>>bits)&31]
			j++
		}
	}
	out[j] = crockford[(acc<<(5-bits))&31] // the last 3 bits
}
