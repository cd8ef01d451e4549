package session

import (
	"encoding/base64"
	"net/http"

	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

// CSRFKey is the session key holding the session's CSRF secret (base64url).
const CSRFKey = "_csrf"

// CSRFSecret returns the CSRF secret of r's session, or nil when the session has none (or
// the request has no session): set it as middleware.CSRFConfig.Secret. It reads the
// session from the store, so it runs only for the unsafe requests the CSRF middleware
// checks. A store failure is returned as an error.
func CSRFSecret(r *http.Request) ([]byte, error) {
	s := FromContext(r.Context())
	if s == nil {
		return nil, nil
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	v, ok := Get[string](s, CSRFKey)
	if !ok {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != middleware.CSRFSecretSize {
		return nil, nil
	}
	return b, nil
}

// CSRFToken returns a CSRF token for the page c renders, made from its session's secret
// (created, and the session saved, the first time): set it as view.Config.CSRFToken so
// that {{csrfField}} puts it in forms. Every call returns a differently masked token (see
// middleware.CSRFToken). Without a usable session it returns "".
func CSRFToken(c *web.Ctx) string {
	s := From(c)
	if s == nil || s.Err() != nil {
		return ""
	}
	secret, _ := CSRFSecret(c.Request)
	if secret == nil {
		secret = middleware.NewCSRFSecret()
		if s.Set(CSRFKey, base64.RawURLEncoding.EncodeToString(secret)) != nil {
			return ""
		}
	}
	return middleware.CSRFToken(secret)
}

// RotateCSRF drops the session's CSRF secret, so that tokens rendered before (at an
// anonymous visit, say) stop working; the next CSRFToken makes a new one. Call it at
// login, with Renew.
func (s *Session) RotateCSRF() { s.Delete(CSRFKey) }
