package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

// Session keys of the authenticated user.
const (
	sessionUserKey = "_auth_uid"  // the user's ID
	sessionHashKey = "_auth_hash" // a MAC of the user's credentials and privileges
)

// Request-scoped keys (web.Ctx.Set).
const (
	anonKey  = "auth.anonymous" // CurrentUser found no user: do not look again
	tokenKey = "auth.token"     // the *Token that authenticated the request
)

// ctxKey finds the app's *Auth from a request (web.Router.SetValue).
type ctxKey struct{}

// ErrNoAuth is returned by the helpers of this package when Register was not called for
// the app serving the request.
var ErrNoAuth = errors.New("auth: the app does not use auth (call auth.Register)")

// Auth is the authentication of one app: Register makes it. Its methods and the
// package's functions (CurrentUser, Login, RequireLogin, ...) find it from the request.
type Auth struct {
	app      *sinew.App
	cfg      Config
	flows    FlowsConfig
	keys     keys
	engine   *view.Engine
	mailTmpl *mailTemplates
	lim      limits
	setupErr error
	pending  sync.WaitGroup // e-mails being sent
	dummy    func() string  // the hash dummyCheck checks against, made once
}

// keys are the MAC keys derived from the app's secret key at start.
type keys struct {
	session, reset, verify []byte
}

func newAuth(app *sinew.App, cfg Config) *Auth {
	a := &Auth{app: app, cfg: cfg}
	a.dummy = sync.OnceValue(func() string {
		h, _ := cfg.Password.Hash("no account has this password: " + randomString())
		return h
	})
	a.flows = cfg.Flows.withDefaults()
	app.SetValue(ctxKey{}, a)
	app.Use(a.middleware)
	if a.flows.Prefix != "-" {
		a.engine, a.mailTmpl, a.setupErr = loadTemplates(a.flows.Templates)
		a.mount()
	}
	app.OnStart(a.start)
	app.OnStop(func(ctx context.Context) error {
		done := make(chan struct{})
		go func() { a.pending.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
		}
		return nil
	})
	return a
}

// start derives the keys from the app's secret key and opens the attempt store.
func (a *Auth) start(ctx context.Context) error {
	if a.setupErr != nil {
		return fmt.Errorf("auth: templates: %w", a.setupErr)
	}
	secret := []byte(a.app.SecretKey())
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("sinew/auth/" + purpose))
		return m.Sum(nil)
	}
	a.keys = keys{session: derive("session"), reset: derive("reset"), verify: derive("verify")}
	store := a.flows.Attempts
	if store == nil {
		store = a.app.RateLimitStore()
	}
	a.lim = newLimits(store, &a.flows)
	// Hashed now, in the background, rather than at the first unknown login. The hash's
	// memory (argon2id's 32 MiB by default) and the rest of start-up's garbage would then
	// stay in the heap, and the heap's goal at twice that, until enough allocation triggers
	// a collection (the showcase sat at 72 MiB of RSS when idle, 38 MiB without it). A server
	// returns it to the system once the hash is done; test processes, which start many Apps,
	// skip it.
	go func() {
		a.dummy()
		if a.app.Config().Env != sinew.EnvTest {
			debug.FreeOSMemory()
		}
	}()
	if a.flows.BaseURL == "" && a.app.Config().Env == sinew.EnvProd && a.flows.Prefix != "-" {
		return errors.New("auth: FlowsConfig.BaseURL is required in production: the links of password reset " +
			"e-mails must not be built from the request's Host header")
	}
	return nil
}

// randomString returns 16 random bytes in base64url.
func randomString() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// from returns the Auth of c's app, or nil.
func from(c *web.Ctx) *Auth {
	if c == nil {
		return nil
	}
	a, _ := c.Value(ctxKey{}).(*Auth)
	return a
}

// middleware authenticates requests carrying `Authorization: Bearer` with a personal access
// token, answering 401 with WWW-Authenticate when the token is not valid: such requests
// never fall back to the session (they are exempt from CSRF checks). Other requests pass
// untouched; CurrentUser loads their session's user when a handler asks.
func (a *Auth) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !middleware.HasBearer(r) {
			next.ServeHTTP(w, r)
			return
		}
		c := web.CtxFrom(r)
		plain := strings.TrimSpace(r.Header.Get("Authorization")[len("Bearer"):])
		if !strings.HasPrefix(plain, TokenPrefix) {
			// Not a personal access token: another scheme's (the ops token, a webhook
			// secret) for the route to check. The request stays anonymous to auth: a bearer
			// request is never authenticated by the session cookie.
			next.ServeHTTP(w, r)
			return
		}
		u, t, err := AuthenticateToken(r.Context(), plain)
		if err != nil {
			var te *TokenError
			if errors.As(err, &te) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token", error_description="the token is `+te.Reason+`"`)
			}
			if c != nil {
				c.Fail(err)
			} else {
				http.Error(w, http.StatusText(web.StatusOf(err)), web.StatusOf(err))
			}
			return
		}
		if c != nil {
			c.SetUser(u)
			c.Set(tokenKey, t)
		}
		next.ServeHTTP(w, r)
	})
}

// CurrentUser returns the user the request c serves is authenticated as, or nil: the
// owner of a valid bearer token, or the user logged in to the session, loaded from the
// database the first time it is asked for in a request (one query) and kept on c
// (c.User()). A session whose user was deactivated, changed password or privileges since
// the login reads as anonymous.
func CurrentUser(c *web.Ctx) *User {
	u, _ := currentUser(c)
	return u
}

// ViewUser is CurrentUser for view.Config.CurrentUser: templates then call
// {{with currentUser}}{{.Email}}{{end}}.
func ViewUser(c *web.Ctx) any {
	if u := CurrentUser(c); u != nil {
		return u
	}
	return nil
}

func currentUser(c *web.Ctx) (*User, error) {
	if c == nil {
		return nil, ErrNoAuth
	}
	if u, ok := c.User().(*User); ok {
		return u, nil
	}
	if c.Get(anonKey) != nil || middleware.HasBearer(c.Request) {
		return nil, nil
	}
	a := from(c)
	if a == nil {
		return nil, ErrNoAuth
	}
	u, err := a.sessionUser(c)
	if err != nil {
		c.Logger().Error("auth: loading the session's user", "err", err.Error())
		return nil, err
	}
	if u == nil {
		c.Set(anonKey, true)
		return nil, nil
	}
	c.SetUser(u)
	return u, nil
}

// sessionUser loads the user logged in to c's session.
func (a *Auth) sessionUser(c *web.Ctx) (*User, error) {
	s := session.From(c)
	if s == nil {
		return nil, nil
	}
	uid, ok := session.Get[int64](s, sessionUserKey)
	if !ok {
		return nil, nil
	}
	u, err := orm.Q[User](queryCtx(c)).Get(uid)
	if errors.Is(err, orm.ErrNotFound) {
		a.forget(s)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	hash, _ := session.Get[string](s, sessionHashKey)
	if !u.IsActive || !hmac.Equal([]byte(hash), []byte(a.sessionHash(u))) {
		a.forget(s)
		return nil, nil
	}
	return u, nil
}

// queryCtx is the context for c's queries from middleware: the request's own context,
// which carries the database like c does, rather than c, whose Request field the router
// rewrites when it reaches the handler while a driver's goroutine (modernc's SQLite
// interrupt watcher) may still be reading it.
func queryCtx(c *web.Ctx) context.Context {
	if ctx := c.Request.Context(); orm.FromContext(ctx) != nil {
		return ctx
	}
	return c
}

// forget logs the session out, keeping its other values.
func (a *Auth) forget(s *session.Session) {
	s.Delete(sessionUserKey)
	s.Delete(sessionHashKey)
}

// sessionHash is a MAC of what a login depends on: the password hash, the active flag and
// the privileges. A session whose stored value no longer matches is logged out, so that a
// password change ends the other sessions and a privilege change needs a new login (and
// so a new session ID).
func (a *Auth) sessionHash(u *User) string {
	m := hmac.New(sha256.New, a.keys.session)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(u.ID))
	m.Write(b[:])
	m.Write([]byte(u.PasswordHash))
	fmt.Fprintf(m, "|%t|%t|%t", u.IsActive, u.IsStaff, u.IsSuperuser)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// Login logs u in to the request's session: the session gets a new ID (so an ID planted
// before the login is worthless: session fixation) and a new CSRF secret, and u's
// LastLogin is saved. The flows call it; call it yourself for logins of your own (after a
// magic link, say).
func Login(c *web.Ctx, u *User) error {
	a := from(c)
	if a == nil {
		return ErrNoAuth
	}
	s := session.From(c)
	if s == nil {
		return session.ErrNoSession
	}
	if err := s.Renew(); err != nil {
		return fmt.Errorf("auth: login: %w", err)
	}
	s.RotateCSRF()
	if err := s.Set(sessionUserKey, u.ID); err != nil {
		return fmt.Errorf("auth: login: %w", err)
	}
	if err := s.Set(sessionHashKey, a.sessionHash(u)); err != nil {
		return fmt.Errorf("auth: login: %w", err)
	}
	t := a.flows.Now().UTC()
	u.LastLogin = &t
	if err := orm.Save(c, u, "LastLogin"); err != nil {
		return fmt.Errorf("auth: login: %w", err)
	}
	c.SetUser(u)
	return nil
}

// Logout ends the request's session (its data is dropped and its ID deleted) so that
// the user is anonymous from the next request on.
func Logout(c *web.Ctx) error {
	c.SetUser(nil)
	s := session.From(c)
	if s == nil {
		return nil
	}
	return s.Destroy()
}

// refreshLogin keeps the current session logged in after u's password changed: new ID,
// new MAC.
func (a *Auth) refreshLogin(c *web.Ctx, u *User) error {
	s := session.From(c)
	if s == nil {
		return session.ErrNoSession
	}
	if err := s.Renew(); err != nil {
		return err
	}
	return s.Set(sessionHashKey, a.sessionHash(u))
}

// Token returns the personal access token that authenticated the request, or nil for
// requests authenticated by session (or not at all).
func TokenOf(c *web.Ctx) *Token {
	t, _ := c.Get(tokenKey).(*Token)
	return t
}

// errLoginRequired answers API clients that are not authenticated.
var errLoginRequired = &web.HTTPError{Code: http.StatusUnauthorized, Message: "authentication required: log in, or send Authorization: Bearer with a personal access token"}

// RequireLogin is middleware for routes that need an authenticated user: browsers asking
// for a page are redirected to the login page (with next= set to come back), other
// clients get 401 with a WWW-Authenticate header.
//
//	members := app.With(auth.RequireLogin)
//	members.GET("/members", handler)
func RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := web.CtxFrom(r)
		if c == nil {
			http.Error(w, "auth.RequireLogin needs a Sinew router", http.StatusInternalServerError)
			return
		}
		u, err := currentUser(c)
		if err != nil {
			c.Fail(err)
			return
		}
		if u == nil {
			denyAnonymous(c)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// denyAnonymous redirects a browser to the login page or answers 401.
func denyAnonymous(c *web.Ctx) {
	r := c.Request
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !web.WantsJSON(r) {
		prefix := "/auth"
		if a := from(c); a != nil {
			prefix = a.flows.Prefix
		}
		target := r.URL.Path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		_ = c.Redirect(http.StatusSeeOther, prefix+"/login?next="+url.QueryEscape(SafeNext(target)))
		return
	}
	c.Writer.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
	c.Fail(errLoginRequired)
}

// RequirePerm returns middleware for routes that need every one of the permissions
// codenames ("change_post"): anonymous clients are treated as by RequireLogin,
// authenticated users without the permissions get 403.
//
//	app.With(auth.RequirePerm("publish_post")).POST("/posts/{id}/publish", publish)
func RequirePerm(codenames ...string) web.Middleware {
	return func(next http.Handler) http.Handler {
		return RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := web.CtxFrom(r)
			u := CurrentUser(c)
			ok, err := u.HasPerms(queryCtx(c), codenames...)
			if err != nil {
				c.Fail(err)
				return
			}
			if !ok {
				c.Fail(web.Error(http.StatusForbidden, "You do not have permission to do this ("+strings.Join(codenames, ", ")+")."))
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}

// RequireScope returns middleware for API routes that a personal access token may reach
// only when it grants scope; requests authenticated by session pass (the user is acting
// in person). Anonymous clients are treated as by RequireLogin.
func RequireScope(scope string) web.Middleware {
	return func(next http.Handler) http.Handler {
		return RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := web.CtxFrom(r)
			if t := TokenOf(c); t != nil && !t.HasScope(scope) {
				c.Writer.Header().Set("WWW-Authenticate", `Bearer realm="api", error="insufficient_scope", scope="`+scope+`"`)
				c.Fail(web.Error(http.StatusForbidden, "the token does not grant the scope "+strconv.Quote(scope)))
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}
