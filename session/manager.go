package session

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

// The defaults of Config.
const (
	DefaultCookieName      = "sinew_session"
	DefaultIdleTimeout     = 14 * 24 * time.Hour
	DefaultAbsoluteTimeout = 30 * 24 * time.Hour
	DefaultMaxSize         = 64 << 10
)

// idLen is the length of a session ID: 32 random bytes in unpadded base64url.
const idLen = 43

// Config configures a Manager. Its zero value is the default configuration.
type Config struct {
	// CookieName is the name of the session cookie. Default "sinew_session".
	CookieName string
	// CookieDomain is the cookie's Domain attribute. Default "": the cookie is sent to the
	// host that set it only.
	CookieDomain string
	// IdleTimeout ends a session that has not been used for this long. Default two weeks,
	// as Django's SESSION_COOKIE_AGE. The expiry moves forward when a request uses the
	// session and more than a tenth of IdleTimeout has passed since it was last saved, so
	// an idle session can end up to a tenth of IdleTimeout early.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after it was created, however active.
	// Default 30 days.
	AbsoluteTimeout time.Duration
	// MaxSize bounds the encoded session data, in bytes: Set and AddFlash refuse a value
	// that would exceed it with ErrTooLarge. Default 64 KiB; at most MaxDataSize (1 MiB).
	MaxSize int
	// Now returns the current time; tests replace it to move time forward. The stores
	// expire entries by the real clock, so Now must not run behind it. Default time.Now.
	Now func() time.Time
	// Logger receives the errors that happen after the handler has returned (a store that
	// fails to save). Default: the request's logger (web.Ctx.Logger) or slog.Default.
	Logger *slog.Logger
}

// Manager loads and saves sessions around handlers: see Middleware. It is safe for
// concurrent use.
type Manager struct {
	store Store
	cfg   Config
}

// New returns a Manager keeping sessions in store, configured by cfg (the zero Config is
// the default). It panics when store is nil or cfg.CookieName is not a valid cookie name
// (letters, digits and !#$%&'*+-.^_`|~): both are programming errors.
func New(store Store, cfg Config) *Manager {
	if store == nil {
		panic("session: New needs a Store")
	}
	if cfg.CookieName == "" {
		cfg.CookieName = DefaultCookieName
	}
	if err := (&http.Cookie{Name: cfg.CookieName, Value: "x"}).Valid(); err != nil {
		panic(fmt.Sprintf("session: Config.CookieName %q: %v", cfg.CookieName, err))
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.AbsoluteTimeout <= 0 {
		cfg.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	cfg.MaxSize = min(cfg.MaxSize, MaxDataSize)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Manager{store: store, cfg: cfg}
}

// Store returns the manager's store, for instance to run DeleteExpired periodically.
func (m *Manager) Store() Store { return m.store }

// ctxKey finds the *Session in a request's context.
type ctxKey struct{}

// Middleware makes a session available to the handlers it wraps, through From and
// FromContext. Nothing is read from the store until a handler uses the session, and
// nothing is written, and no cookie set, unless a handler changed it (or it must be
// kept alive, see Config.IdleTimeout). The session is saved just before the response
// header is written, so that its cookie goes with the response, and again when the
// handler returns if it changed after that. A handler that panics saves nothing.
func (m *Manager) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := web.CtxFrom(r); c != nil {
			// Served by a Sinew router: the session is made when a handler first asks for
			// it (see From) and commits from a BeforeWriteHeader hook, so a request that
			// never touches it costs no allocation and no wrapped writer.
			c.Set(ctxLocal, m)
			panicked := true
			defer func() {
				if s, ok := c.Get(ctxLocal).(*Session); ok && panicked {
					s.abandon() // the error page must not save it either
				}
			}()
			next.ServeHTTP(w, r)
			panicked = false
			if s, ok := c.Get(ctxLocal).(*Session); ok {
				s.commit(&s.w)
			}
			return
		}
		s := &Session{m: m, req: r}
		sw := &s.w // one allocation for both
		sw.ResponseWriter, sw.s = w, s
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, s))
		s.req = r
		next.ServeHTTP(sw, r)
		s.commit(sw)
	})
}

// attach makes the session of the request c serves, the first time a handler asks for
// it behind the Manager's middleware in a Sinew router. It commits just before the
// header goes out (a BeforeWriteHeader hook), and again when the middleware returns.
func (m *Manager) attach(c *web.Ctx) *Session {
	s := &Session{m: m, req: c.Request}
	s.w.ResponseWriter, s.w.s = c.Writer, s
	c.Set(ctxLocal, s)
	switch {
	case c.Written():
		s.w.wrote = true // too late for a cookie; the store is still written at the end
	case !c.BeforeWriteHeader(s.beforeHeader):
		// The Ctx's hooks are taken: wrap the writer the handler writes through.
		c.Writer = &s.w
	}
	return s
}

// abandon makes commit a no-op: the handler panicked.
func (s *Session) abandon() {
	s.mu.Lock()
	s.abandoned = true
	s.mu.Unlock()
}

// beforeHeader commits the session just before the response header goes out.
func (s *Session) beforeHeader(http.Header, int) {
	if !s.w.wrote {
		s.commit(&s.w)
		s.w.wrote = true
	}
}

// From returns the session of the request c serves, or nil when the Manager's middleware
// does not wrap the handler (the methods of a nil *Session do nothing and report
// ErrNoSession).
func From(c *web.Ctx) *Session {
	if c == nil || c.Request == nil {
		return nil
	}
	switch v := c.Get(ctxLocal).(type) {
	case *Session:
		return v
	case *Manager:
		return v.attach(c)
	}
	s, _ := c.Request.Context().Value(ctxKey{}).(*Session)
	return s
}

// ctxLocal is the key of the session among a web.Ctx's values: the *Manager until a
// handler asks for the session, the *Session from then on.
const ctxLocal = "sinew.session"

// FromContext returns the session carried by ctx (a request's context, or a *web.Ctx), or
// nil.
func FromContext(ctx context.Context) *Session {
	if c := web.CtxFromContext(ctx); c != nil {
		if s := From(c); s != nil {
			return s
		}
	}
	s, _ := ctx.Value(ctxKey{}).(*Session)
	return s
}

// ErrNoSession is returned by the methods of a nil *Session: the handler is not wrapped by
// a Manager's middleware.
var ErrNoSession = errors.New("session: no session in this request (is the session middleware installed?)")

// newID returns a fresh session ID: 32 bytes from crypto/rand, base64url without padding.
func newID() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it panics if the OS has no randomness)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validID reports whether id has the shape of a session ID; anything else in a cookie is
// ignored without asking the store.
func validID(id string) bool {
	if len(id) != idLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(id)
	return err == nil && len(b) == 32
}

// writer commits the session just before the response header goes out.
type writer struct {
	http.ResponseWriter
	s     *Session
	wrote bool
}

func (w *writer) WriteHeader(code int) {
	if !w.wrote && code >= 200 {
		w.s.commit(w)
		w.wrote = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *writer) Write(b []byte) (int, error) {
	if !w.wrote {
		w.s.commit(w)
		w.wrote = true
	}
	return w.ResponseWriter.Write(b)
}

// Flush commits the session, then flushes the response.
func (w *writer) Flush() {
	if !w.wrote {
		w.s.commit(w)
		w.wrote = true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over (for WebSocket upgrades) after committing the session,
// when the wrapped writer allows it.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !w.wrote {
		w.s.commit(w)
		w.wrote = true
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logger returns where errors after the handler go.
func (m *Manager) logger(r *http.Request) *slog.Logger {
	if m.cfg.Logger != nil {
		return m.cfg.Logger
	}
	if c := web.CtxFrom(r); c != nil {
		return c.Logger()
	}
	return slog.Default()
}

// cookie returns the session cookie carrying id until expires; an empty id deletes it.
func (m *Manager) cookie(r *http.Request, id string, expires time.Time) *http.Cookie {
	ck := &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    id,
		Path:     "/",
		Domain:   m.cfg.CookieDomain,
		HttpOnly: true,
		Secure:   middleware.IsSecure(r), // HTTPS directly or through a trusted proxy
		SameSite: http.SameSiteLaxMode,
	}
	if id == "" {
		ck.MaxAge = -1
		return ck
	}
	ck.Expires = expires.UTC()
	ck.MaxAge = max(1, int(expires.Sub(m.cfg.Now()).Seconds()))
	return ck
}

// record is the encoded form of a session.
type record struct {
	Created int64                      `json:"c"`           // Unix nanoseconds
	Saved   int64                      `json:"s"`           // Unix nanoseconds
	Values  map[string]json.RawMessage `json:"v,omitempty"` // the values, each as JSON
	Flashes []Flash                    `json:"f,omitempty"` // pending flash messages
}

// Flash is a one-time message for the next page the user sees.
type Flash struct {
	Kind    string `json:"k"` // such as "success", "info", "warning" or "error"
	Message string `json:"m"` // plain text
}
