package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"github.com/sinewdev/sinew/mail"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// FlowsConfig configures the pages Register mounts under /auth/ and their protections.
// The zero value is the default for every field.
type FlowsConfig struct {
	// Prefix is where the flows are mounted. Default "/auth"; "-" mounts nothing (the
	// middleware, CurrentUser and the Require helpers still work).
	Prefix string
	// Templates overrides the default templates: a file here with the name of a default
	// one replaces it ("auth/layout.html" to give the pages the site's look,
	// "auth/login.html", "auth/email/reset.txt", ...). Default: the embedded templates.
	Templates fs.FS
	// Mailer sends the password reset and address verification e-mails. Default: the
	// app's mailer (app.Mailer(): SINEW_MAIL_URL, or the log mailer in dev and test).
	Mailer mail.Mailer
	// BaseURL is the site's URL ("https://example.com") for the links in e-mails.
	// Required in prod: building them from the request's Host header would let anyone
	// send reset links pointing to their own site. Default in dev and test: the request's
	// scheme and host.
	BaseURL string
	// SiteName names the site in e-mails and page titles. Default "Sinew".
	SiteName string
	// LoginRedirect is where a login without next= lands. Default "/".
	LoginRedirect string
	// LogoutRedirect is where a logout lands. Default "/".
	LogoutRedirect string
	// DisableSignup removes the signup pages (accounts made by admins only).
	DisableSignup bool
	// ResetTTL is how long a password reset link works. Default one hour.
	ResetTTL time.Duration
	// VerifyTTL is how long an address verification link works. Default three days.
	VerifyTTL time.Duration
	// Attempts keeps the attempt counters of the limits below. Default: the app's store
	// (app.RateLimitStore(): the database, or Redis with SINEW_RATELIMIT_STORE), so the
	// limits hold across every instance of the app.
	Attempts ratelimit.Store
	// LoginLimit bounds login attempts per account (and password change attempts per
	// user). Default 10 per 15 minutes; a successful login resets it. Events -1 turns a
	// limit off.
	LoginLimit ratelimit.Limit
	// LoginIPLimit bounds login attempts per client IP. Default 50 per 15 minutes.
	LoginIPLimit ratelimit.Limit
	// ResetLimit bounds password reset and verification e-mails per address. Default 5
	// per hour.
	ResetLimit ratelimit.Limit
	// ResetIPLimit bounds password reset requests per client IP. Default 20 per hour.
	ResetIPLimit ratelimit.Limit
	// SignupIPLimit bounds signups per client IP. Default 20 per hour.
	SignupIPLimit ratelimit.Limit
	// Now returns the current time (tests move it forward). Default time.Now.
	Now func() time.Time
}

func (f FlowsConfig) withDefaults() FlowsConfig {
	if f.Prefix == "" {
		f.Prefix = "/auth"
	}
	f.Prefix = strings.TrimRight(f.Prefix, "/")
	if f.SiteName == "" {
		f.SiteName = "Sinew"
	}
	f.BaseURL = strings.TrimRight(f.BaseURL, "/")
	if f.LoginRedirect == "" {
		f.LoginRedirect = "/"
	}
	if f.LogoutRedirect == "" {
		f.LogoutRedirect = "/"
	}
	if f.ResetTTL == 0 {
		f.ResetTTL = time.Hour
	}
	if f.VerifyTTL == 0 {
		f.VerifyTTL = 72 * time.Hour
	}
	def := func(l *ratelimit.Limit, n int, per time.Duration) {
		if l.Events == 0 {
			l.Events = n
		}
		if l.Per <= 0 {
			l.Per = per
		}
	}
	def(&f.LoginLimit, 10, 15*time.Minute)
	def(&f.LoginIPLimit, 50, 15*time.Minute)
	def(&f.ResetLimit, 5, time.Hour)
	def(&f.ResetIPLimit, 20, time.Hour)
	def(&f.SignupIPLimit, 20, time.Hour)
	if f.Now == nil {
		f.Now = time.Now
	}
	return f
}

// Session key of a password reset token between the link and the form.
const sessionResetKey = "_auth_reset"

// maxField bounds each input field of the flows.
const maxField = 4096

// mount registers the flows' routes.
func (a *Auth) mount() {
	g := a.app.Group(a.flows.Prefix)
	g.GET("/login", a.loginPage).Name("auth.login")
	g.POST("/login", a.login)
	g.GET("/logout", a.logoutPage).Name("auth.logout")
	g.POST("/logout", a.logout)
	if !a.flows.DisableSignup {
		g.GET("/signup", a.signupPage).Name("auth.signup")
		g.POST("/signup", a.signup)
	}
	members := g.With(RequireLogin, sessionOnly)
	members.GET("/password/change", a.passwordChangePage).Name("auth.password_change")
	members.POST("/password/change", a.passwordChange)
	members.POST("/verify/resend", a.resendVerification).Name("auth.verify_resend")
	g.GET("/password/reset", a.resetPage).Name("auth.password_reset")
	g.POST("/password/reset", a.reset)
	g.GET("/password/reset/confirm", a.resetConfirmPage).Name("auth.password_reset_confirm")
	g.POST("/password/reset/confirm", a.resetConfirm)
	g.GET("/verify", a.verify).Name("auth.verify")
	g.GET("/csrf", a.csrfToken).Name("auth.csrf")
	g.GET("/me", a.me).Name("auth.me")
}

// sessionOnly refuses requests authenticated by a bearer token: changing the password or
// the address is for the person at the keyboard, not for a script holding a token.
func sessionOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := web.CtxFrom(r); c != nil && TokenOf(c) != nil {
			c.Fail(web.Error(http.StatusForbidden, "this page is not available to API tokens: log in with a browser"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// pageData is what the flows' templates get.
type pageData struct {
	Title    string
	SiteName string
	Prefix   string
	Next     string
	Error    string            // a problem with the whole form
	Errors   map[string]string // problems with fields, by field name
	Values   map[string]string // values to show again (never passwords)
	Message  string            // the text of message.html
	Signup   bool              // the signup page exists
	User     *User
}

func (a *Auth) data(c *web.Ctx, title string) *pageData {
	return &pageData{Title: title, SiteName: a.flows.SiteName, Prefix: a.flows.Prefix,
		Signup: !a.flows.DisableSignup, Errors: map[string]string{}, Values: map[string]string{}, User: CurrentUser(c)}
}

// render answers an HTML page of the flows.
func (a *Auth) render(c *web.Ctx, status int, name string, d *pageData) error {
	var buf bytes.Buffer
	if err := a.engine.Render(c, &buf, name, d); err != nil {
		return err
	}
	c.SetHeader("Cache-Control", "no-store")
	return c.Blob(status, "text/html; charset=utf-8", buf.Bytes())
}

// input is a flow's submitted fields, from a form or a JSON object.
type input struct {
	json bool
	vals map[string]string
}

func (in input) get(name string) string { return in.vals[name] }

// readInput reads the fields of a form or of a JSON object (string members only), each at
// most maxField bytes.
func readInput(c *web.Ctx) (input, error) {
	in := input{vals: map[string]string{}}
	ct, _, _ := mime.ParseMediaType(c.Request.Header.Get("Content-Type"))
	if ct == "application/json" {
		in.json = true
		var m map[string]any
		dec := json.NewDecoder(c.Request.Body)
		if err := dec.Decode(&m); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return in, err
			}
			return in, web.Error(http.StatusBadRequest, "the body is not a JSON object")
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				in.vals[k] = s
			}
		}
	} else {
		form, err := c.Form()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return in, err
			}
			return in, web.Error(http.StatusBadRequest, "the form could not be read")
		}
		for k, v := range form {
			if len(v) > 0 {
				in.vals[k] = v[0]
			}
		}
	}
	for k, v := range in.vals {
		if len(v) > maxField {
			return in, web.Errorf(http.StatusBadRequest, "the field %q is too long", clipText(k, 32))
		}
	}
	return in, nil
}

// wantsJSON reports whether the answer should be JSON.
func wantsJSON(c *web.Ctx, in input) bool { return in.json || web.WantsJSON(c.Request) }

// publicUser is a user as the JSON answers show it.
type publicUser struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	IsStaff       bool       `json:"is_staff"`
	IsSuperuser   bool       `json:"is_superuser"`
	EmailVerified bool       `json:"email_verified"`
	LastLogin     *time.Time `json:"last_login"`
}

func publicOf(u *User) publicUser {
	return publicUser{ID: u.ID, Email: u.Email, Name: u.Name, IsStaff: u.IsStaff, IsSuperuser: u.IsSuperuser,
		EmailVerified: u.EmailVerifiedAt != nil, LastLogin: u.LastLogin}
}

// limited answers an attempt over a limit: 429 with Retry-After, as the page with the
// error for browsers.
func (a *Auth) limited(c *web.Ctx, in input, err error, page string, d *pageData) error {
	var le *ratelimit.LimitError
	if !errors.As(err, &le) {
		return err
	}
	le.SetHeaders(c.Writer.Header())
	if wantsJSON(c, in) {
		return web.Error(http.StatusTooManyRequests, tooMany(le))
	}
	d.Error = tooMany(le)
	return a.render(c, http.StatusTooManyRequests, page, d)
}

// dummyCheck checks password against a hash of a password nobody has, made with the
// configured parameters at start, so that a login naming no account costs the same time
// as one naming an account.
func (a *Auth) dummyCheck(password string) {
	if h := a.dummy(); h != "" {
		_, _, _ = a.cfg.Password.Check(h, password)
	}
}

// userByEmail returns the user with the (normalized) address, or nil.
func userByEmail(ctx context.Context, email string) (*User, error) {
	u, err := orm.Q[User](ctx).Filter("email", email).First()
	if errors.Is(err, orm.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// accountKey names an address in attempt counters, whether or not it is valid.
func accountKey(email string) string {
	if n, err := NormalizeEmail(email); err == nil {
		return n
	}
	return strings.ToLower(strings.TrimSpace(clipText(email, 254)))
}

func (a *Auth) next(v string) string {
	if v == "" {
		return a.flows.LoginRedirect
	}
	return SafeNext(v)
}

// --- login and logout ---

func (a *Auth) loginPage(c *web.Ctx) error {
	d := a.data(c, "Log in")
	d.Next = a.next(c.Query("next"))
	return a.render(c, http.StatusOK, "auth/login.html", d)
}

// errBadLogin is the one answer to a failed login, whatever failed.
const errBadLogin = "Invalid e-mail address or password."

func (a *Auth) login(c *web.Ctx) error {
	in, err := readInput(c)
	if err != nil {
		return err
	}
	email, password := strings.TrimSpace(in.get("email")), in.get("password")
	d := a.data(c, "Log in")
	d.Next = a.next(in.get("next"))
	d.Values["email"] = email
	acct := accountKey(email)
	if err := check(c, limitCheck{a.lim.loginIP, c.ClientIP()}, limitCheck{a.lim.loginAcct, acct}); err != nil {
		return a.limited(c, in, err, "auth/login.html", d)
	}
	var u *User
	if norm, err := NormalizeEmail(email); err == nil {
		if u, err = userByEmail(c, norm); err != nil {
			return err
		}
	}
	ok, rehash := false, false
	if u != nil && u.PasswordHash != "" {
		ok, rehash, err = u.CheckPassword(password, a.cfg.Password)
		if err != nil {
			c.Logger().Error("auth: a stored password hash is malformed", "user_id", u.ID, "err", err.Error())
			ok = false
		}
	} else {
		a.dummyCheck(password)
	}
	if !ok || !u.IsActive {
		if wantsJSON(c, in) {
			return web.Error(http.StatusUnauthorized, errBadLogin)
		}
		d.Error = errBadLogin
		return a.render(c, http.StatusUnprocessableEntity, "auth/login.html", d)
	}
	if rehash {
		// The parameters changed since the hash was made: store one made with today's.
		if h, err := a.cfg.Password.Hash(password); err == nil {
			u.PasswordHash = h
			if err := orm.Save(c, u, "PasswordHash"); err != nil {
				return err
			}
		}
	}
	if err := reset(c, a.lim.loginAcct, acct); err != nil {
		return err
	}
	if err := Login(c, u); err != nil {
		return err
	}
	if wantsJSON(c, in) {
		return c.JSON(http.StatusOK, map[string]any{"user": publicOf(u)})
	}
	return c.Redirect(http.StatusSeeOther, d.Next)
}

func (a *Auth) logoutPage(c *web.Ctx) error {
	return a.render(c, http.StatusOK, "auth/logout.html", a.data(c, "Log out"))
}

func (a *Auth) logout(c *web.Ctx) error {
	if err := Logout(c); err != nil {
		return err
	}
	if web.WantsJSON(c.Request) {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, a.flows.LogoutRedirect)
}

// --- signup ---

func (a *Auth) signupPage(c *web.Ctx) error {
	d := a.data(c, "Sign up")
	d.Next = a.next(c.Query("next"))
	return a.render(c, http.StatusOK, "auth/signup.html", d)
}

func (a *Auth) signup(c *web.Ctx) error {
	in, err := readInput(c)
	if err != nil {
		return err
	}
	d := a.data(c, "Sign up")
	d.Next = a.next(in.get("next"))
	email, name, password := strings.TrimSpace(in.get("email")), strings.TrimSpace(in.get("name")), in.get("password")
	d.Values["email"], d.Values["name"] = email, name
	if err := check(c, limitCheck{a.lim.signupIP, c.ClientIP()}); err != nil {
		return a.limited(c, in, err, "auth/signup.html", d)
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		d.Errors["email"] = "Enter a valid e-mail address."
	}
	if utf8.RuneCountInString(name) > 150 || strings.ContainsFunc(name, isControl) || !utf8.ValidString(name) {
		d.Errors["name"] = "Use at most 150 characters of text."
	}
	if err := a.cfg.Password.Validate(password); err != nil {
		d.Errors["password"] = capitalize(err.Error()) + "."
	} else if p2, ok := in.vals["password2"]; (ok || !in.json) && p2 != password {
		d.Errors["password2"] = "The two passwords differ."
	}
	var u *User
	if len(d.Errors) == 0 {
		u = &User{Email: norm, Name: name, IsActive: true}
		if err := u.SetPassword(password, a.cfg.Password); err != nil {
			d.Errors["password"] = capitalize(err.Error()) + "."
		} else if err := orm.Create(c, u); err != nil {
			var dup *orm.UniqueViolation
			if !errors.As(err, &dup) {
				return err
			}
			d.Errors["email"] = "An account with this e-mail address already exists: log in, or reset its password."
		}
	}
	if len(d.Errors) > 0 {
		if wantsJSON(c, in) {
			return fieldErrors(d.Errors)
		}
		return a.render(c, http.StatusUnprocessableEntity, "auth/signup.html", d)
	}
	a.sendVerification(c, u)
	if err := Login(c, u); err != nil {
		return err
	}
	if wantsJSON(c, in) {
		return c.JSON(http.StatusCreated, map[string]any{"user": publicOf(u)})
	}
	_ = session.From(c).AddFlash("success", "Welcome! We sent you an e-mail to verify your address.")
	return c.Redirect(http.StatusSeeOther, d.Next)
}

// fieldErrors is a 422 with one FieldError per field.
func fieldErrors(errs map[string]string) error {
	e := &web.HTTPError{Code: http.StatusUnprocessableEntity, Message: "some fields are not valid"}
	for _, k := range []string{"email", "name", "password", "password2", "old_password", "new_password", "new_password2", "token"} {
		if m, ok := errs[k]; ok {
			e.Fields = append(e.Fields, web.FieldError{Location: "body." + k, Message: m, Code: "invalid"})
		}
	}
	return e
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// --- password change ---

func (a *Auth) passwordChangePage(c *web.Ctx) error {
	return a.render(c, http.StatusOK, "auth/password_change.html", a.data(c, "Change your password"))
}

func (a *Auth) passwordChange(c *web.Ctx) error {
	in, err := readInput(c)
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	d := a.data(c, "Change your password")
	if err := check(c, limitCheck{a.lim.loginAcct, fmt.Sprintf("user:%d", u.ID)}); err != nil {
		return a.limited(c, in, err, "auth/password_change.html", d)
	}
	old, pw := in.get("old_password"), in.get("new_password")
	if ok, _, _ := u.CheckPassword(old, a.cfg.Password); !ok {
		d.Errors["old_password"] = "This is not your current password."
	} else if err := a.cfg.Password.Validate(pw); err != nil {
		d.Errors["new_password"] = capitalize(err.Error()) + "."
	} else if p2, ok := in.vals["new_password2"]; (ok || !in.json) && p2 != pw {
		d.Errors["new_password2"] = "The two passwords differ."
	}
	if len(d.Errors) > 0 {
		if wantsJSON(c, in) {
			return fieldErrors(d.Errors)
		}
		return a.render(c, http.StatusUnprocessableEntity, "auth/password_change.html", d)
	}
	if err := u.SetPassword(pw, a.cfg.Password); err != nil {
		return err
	}
	if err := orm.Save(c, u, "PasswordHash"); err != nil {
		return err
	}
	// Other sessions of the user end (their MAC no longer matches); this one goes on
	// under a new ID.
	if err := a.refreshLogin(c, u); err != nil {
		return err
	}
	if wantsJSON(c, in) {
		return c.JSON(http.StatusOK, map[string]string{"detail": "password changed"})
	}
	_ = session.From(c).AddFlash("success", "Your password was changed.")
	return c.Redirect(http.StatusSeeOther, a.flows.LoginRedirect)
}

// --- password reset ---

func (a *Auth) resetPage(c *web.Ctx) error {
	return a.render(c, http.StatusOK, "auth/password_reset.html", a.data(c, "Reset your password"))
}

// resetSent is the one answer to a reset request, whether or not the address has an
// account.
const resetSent = "If an account uses this address, we sent it a link to choose a new password. The link works for a limited time."

func (a *Auth) reset(c *web.Ctx) error {
	in, err := readInput(c)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(in.get("email"))
	d := a.data(c, "Reset your password")
	d.Values["email"] = email
	if err := check(c, limitCheck{a.lim.resetIP, c.ClientIP()}, limitCheck{a.lim.resetAcct, accountKey(email)}); err != nil {
		return a.limited(c, in, err, "auth/password_reset.html", d)
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		if wantsJSON(c, in) {
			return fieldErrors(map[string]string{"email": "Enter a valid e-mail address."})
		}
		d.Errors["email"] = "Enter a valid e-mail address."
		return a.render(c, http.StatusUnprocessableEntity, "auth/password_reset.html", d)
	}
	u, err := userByEmail(c, norm)
	if err != nil {
		return err
	}
	if u != nil && u.IsActive {
		link := a.baseURL(c) + a.flows.Prefix + "/password/reset/confirm?token=" +
			signToken(a.keys.reset, u.ID, a.flows.Now().Add(a.flows.ResetTTL), resetState(u))
		// Sent in the background: the answer must not take longer for known addresses.
		a.sendAsync(c, u.Email, a.mailTmpl.reset, "Reset your password", link)
	}
	if wantsJSON(c, in) {
		return c.JSON(http.StatusAccepted, map[string]string{"detail": resetSent})
	}
	d.Title = "Check your e-mail"
	d.Message = resetSent
	return a.render(c, http.StatusOK, "auth/message.html", d)
}

// resetUser returns the user a reset token is valid for, or nil.
func (a *Auth) resetUser(c *web.Ctx, tok string) (*User, error) {
	uid, _, ok := parseToken(tok)
	if !ok {
		return nil, nil
	}
	u, err := orm.Q[User](c).Get(uid)
	if errors.Is(err, orm.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !u.IsActive || !checkToken(a.keys.reset, tok, resetState(u), a.flows.Now()) {
		return nil, nil
	}
	return u, nil
}

const badResetLink = "This password reset link is invalid: it was used already, it expired, or it was copied incompletely. Ask for a new one."

func (a *Auth) resetConfirmPage(c *web.Ctx) error {
	s := session.From(c)
	if tok := c.Query("token"); tok != "" {
		// Keep the token in the session and drop it from the address, so that it does not
		// leak through the Referer header or the browser's history.
		if err := s.Set(sessionResetKey, clipText(tok, 128)); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, a.flows.Prefix+"/password/reset/confirm")
	}
	tok, _ := session.Get[string](s, sessionResetKey)
	u, err := a.resetUser(c, tok)
	if err != nil {
		return err
	}
	d := a.data(c, "Choose a new password")
	if u == nil {
		d.Title, d.Message = "Invalid link", badResetLink
		return a.render(c, http.StatusBadRequest, "auth/message.html", d)
	}
	d.Values["email"] = u.Email
	return a.render(c, http.StatusOK, "auth/password_reset_confirm.html", d)
}

func (a *Auth) resetConfirm(c *web.Ctx) error {
	in, err := readInput(c)
	if err != nil {
		return err
	}
	s := session.From(c)
	tok := in.get("token") // API clients send the token itself
	if tok == "" {
		tok, _ = session.Get[string](s, sessionResetKey)
	}
	u, err := a.resetUser(c, tok)
	if err != nil {
		return err
	}
	d := a.data(c, "Choose a new password")
	if u == nil {
		if wantsJSON(c, in) {
			return web.Error(http.StatusBadRequest, badResetLink)
		}
		d.Title, d.Message = "Invalid link", badResetLink
		return a.render(c, http.StatusBadRequest, "auth/message.html", d)
	}
	pw := in.get("new_password")
	if err := a.cfg.Password.Validate(pw); err != nil {
		d.Errors["new_password"] = capitalize(err.Error()) + "."
	} else if p2, ok := in.vals["new_password2"]; (ok || !in.json) && p2 != pw {
		d.Errors["new_password2"] = "The two passwords differ."
	}
	if len(d.Errors) > 0 {
		if wantsJSON(c, in) {
			return fieldErrors(d.Errors)
		}
		d.Values["email"] = u.Email
		return a.render(c, http.StatusUnprocessableEntity, "auth/password_reset_confirm.html", d)
	}
	if err := u.SetPassword(pw, a.cfg.Password); err != nil {
		return err
	}
	if u.EmailVerifiedAt == nil {
		now := a.flows.Now().UTC() // the link reached the address: it is verified
		u.EmailVerifiedAt = &now
	}
	if err := orm.Save(c, u, "PasswordHash", "EmailVerifiedAt"); err != nil {
		return err
	}
	s.Delete(sessionResetKey)
	_ = reset(c, a.lim.loginAcct, u.Email)
	if wantsJSON(c, in) {
		return c.JSON(http.StatusOK, map[string]string{"detail": "password changed"})
	}
	_ = s.AddFlash("success", "Your password was changed. Log in with the new one.")
	return c.Redirect(http.StatusSeeOther, a.flows.Prefix+"/login")
}

// --- e-mail verification ---

// sendVerification e-mails u a link that verifies the address.
func (a *Auth) sendVerification(c *web.Ctx, u *User) {
	link := a.baseURL(c) + a.flows.Prefix + "/verify?token=" +
		signToken(a.keys.verify, u.ID, a.flows.Now().Add(a.flows.VerifyTTL), verifyState(u))
	a.sendAsync(c, u.Email, a.mailTmpl.verify, "Verify your e-mail address", link)
}

const badVerifyLink = "This verification link is invalid: it was used already, it expired, or it was copied incompletely."

func (a *Auth) verify(c *web.Ctx) error {
	tok := c.Query("token")
	d := a.data(c, "E-mail verification")
	uid, _, ok := parseToken(tok)
	var u *User
	if ok {
		var err error
		u, err = orm.Q[User](c).Get(uid)
		if err != nil && !errors.Is(err, orm.ErrNotFound) {
			return err
		}
	}
	if u == nil || !checkToken(a.keys.verify, tok, verifyState(u), a.flows.Now()) {
		if web.WantsJSON(c.Request) {
			return web.Error(http.StatusBadRequest, badVerifyLink)
		}
		d.Title, d.Message = "Invalid link", badVerifyLink
		return a.render(c, http.StatusBadRequest, "auth/message.html", d)
	}
	now := a.flows.Now().UTC()
	u.EmailVerifiedAt = &now
	if err := orm.Save(c, u, "EmailVerifiedAt"); err != nil {
		return err
	}
	if web.WantsJSON(c.Request) {
		return c.JSON(http.StatusOK, map[string]string{"detail": "address verified"})
	}
	d.Title, d.Message = "Address verified", "Thank you: "+u.Email+" is verified."
	return a.render(c, http.StatusOK, "auth/message.html", d)
}

func (a *Auth) resendVerification(c *web.Ctx) error {
	u := CurrentUser(c)
	in := input{json: web.WantsJSON(c.Request)}
	d := a.data(c, "E-mail verification")
	if err := check(c, limitCheck{a.lim.resetAcct, u.Email}); err != nil {
		return a.limited(c, in, err, "auth/message.html", d)
	}
	msg := "We sent a new verification link to " + u.Email + "."
	if u.EmailVerifiedAt != nil {
		msg = u.Email + " is verified already."
	} else {
		a.sendVerification(c, u)
	}
	if in.json {
		return c.JSON(http.StatusAccepted, map[string]string{"detail": msg})
	}
	d.Message = msg
	return a.render(c, http.StatusOK, "auth/message.html", d)
}

// --- for scripts ---

// csrfToken answers a CSRF token for single-page apps that log in with JSON (send it
// back in the X-CSRF-Token header).
func (a *Auth) csrfToken(c *web.Ctx) error {
	tok := session.CSRFToken(c)
	if tok == "" {
		return web.Error(http.StatusServiceUnavailable, "no session store: CSRF tokens are unavailable")
	}
	c.SetHeader("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]string{"csrf_token": tok, "header": "X-CSRF-Token", "field": "csrf_token"})
}

// me answers the current user, or 401.
func (a *Auth) me(c *web.Ctx) error {
	u, err := currentUser(c)
	if err != nil {
		return err
	}
	if u == nil {
		c.Writer.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		return errLoginRequired
	}
	out := map[string]any{"user": publicOf(u)}
	if t := TokenOf(c); t != nil {
		out["token"] = map[string]any{"name": t.Name, "scopes": t.ScopeList(), "expires_at": t.ExpiresAt}
	}
	c.SetHeader("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

// --- e-mail ---

// baseURL is the start of the links in e-mails.
func (a *Auth) baseURL(c *web.Ctx) string {
	if a.flows.BaseURL != "" {
		return a.flows.BaseURL
	}
	scheme := "http"
	if c.Secure() {
		scheme = "https"
	}
	return scheme + "://" + (&url.URL{Host: c.Request.Host}).Host
}

func (a *Auth) mailer() mail.Mailer {
	if a.flows.Mailer != nil {
		return a.flows.Mailer
	}
	return a.app.Mailer()
}

// mailData is what the e-mail templates get.
type mailData struct {
	SiteName string
	Email    string
	Link     string
	TTL      string
}

// sendAsync renders an e-mail and sends it in the background (the app's stop waits for
// it), logging a failure.
func (a *Auth) sendAsync(c *web.Ctx, to string, tmpl *texttemplate.Template, subject, link string) {
	ttl := a.flows.ResetTTL
	if tmpl == a.mailTmpl.verify {
		ttl = a.flows.VerifyTTL
	}
	var body bytes.Buffer
	if err := tmpl.Execute(&body, mailData{SiteName: a.flows.SiteName, Email: to, Link: link, TTL: humanDuration(ttl)}); err != nil {
		c.Logger().Error("auth: rendering an e-mail", "template", tmpl.Name(), "err", err.Error())
		return
	}
	msg := &mail.Message{To: []string{to}, Subject: a.flows.SiteName + ": " + subject, Text: body.String()}
	ctx := c.Detach()
	logger := c.Logger()
	a.pending.Add(1)
	go func() {
		defer a.pending.Done()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := a.mailer().Send(ctx, msg); err != nil {
			logger.Error("auth: sending an e-mail", "subject", subject, "err", err.Error())
		}
	}()
}
