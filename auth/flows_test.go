package auth_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/mail"
	"github.com/sinewdev/sinew/mail/mailtest"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

// fastPasswords keeps the tests quick; TestRehashOnLogin uses the defaults.
var fastPasswords = auth.PasswordConfig{Memory: 1024, Iterations: 1}

const goodPassword = "correct horse battery staple"

// mailbox is a fake SMTP server (package mailtest, real SMTP) and a mailer sending to it.
type mailbox struct {
	srv    *mailtest.Server
	mailer mail.Mailer
	seen   int
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	srv := mailtest.NewServer(t)
	m, err := mail.Open(srv.URL()+"&from=noreply@example.com", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return &mailbox{srv: srv, mailer: m}
}

// wait returns the next message and its link.
func (m *mailbox) wait(t *testing.T) (mailtest.Received, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	msgs, err := m.srv.WaitFor(ctx, m.seen+1)
	if err != nil {
		t.Fatalf("no e-mail: %v", err)
	}
	msg := msgs[m.seen]
	m.seen++
	link := regexp.MustCompile(`https?://\S+`).FindString(msg.Text)
	if link == "" {
		t.Fatalf("no link in %q", msg.Text)
	}
	return msg, link
}

// count returns how many messages the server received.
func (m *mailbox) count() int { return len(m.srv.Messages()) }

// flowsApp returns a started test app with auth registered, a members-only route and a
// route needing a permission.
func flowsApp(t *testing.T, cfg auth.Config) (*sinew.App, *mailbox) {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	mb := newMailbox(t)
	if cfg.Password == (auth.PasswordConfig{}) {
		cfg.Password = fastPasswords
	}
	if cfg.Flows.Mailer == nil {
		cfg.Flows.Mailer = mb.mailer
	}
	auth.Register(app, cfg)
	app.With(auth.RequireLogin).GET("/members", func(c *web.Ctx) error {
		return c.Text(200, "hello "+auth.CurrentUser(c).Email)
	})
	app.With(auth.RequirePerm("view_permission")).GET("/perms", func(c *web.Ctx) error { return c.Text(200, "secret") })
	app.With(auth.RequireScope("write")).POST("/api/write", func(c *web.Ctx) error { return c.Text(200, "written") })
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	return app, mb
}

// createUser stores an active user with goodPassword.
func createUser(t *testing.T, app *sinew.App, email string) *auth.User {
	t.Helper()
	u, err := auth.NewUser(email, goodPassword, fastPasswords)
	if err != nil {
		t.Fatal(err)
	}
	if err := orm.Create(orm.WithDB(t.Context(), app.DB()), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// browser talks to an app through ServeHTTP, keeping the session cookie.
type browser struct {
	t      *testing.T
	h      http.Handler
	cookie string
	ip     string
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(method, target string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Header.Set("Accept", "text/html")
	if b.ip != "" {
		req.RemoteAddr = b.ip + ":1234"
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: session.DefaultCookieName, Value: b.cookie})
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == session.DefaultCookieName {
			b.cookie = ck.Value
			if ck.MaxAge < 0 {
				b.cookie = ""
			}
		}
	}
	return rec
}

// submit loads the page at page, then posts form to target with the page's CSRF token.
func (b *browser) submit(page, target string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	rec := b.do("GET", page, nil)
	m := csrfRE.FindStringSubmatch(rec.Body.String())
	if m == nil {
		b.t.Fatalf("GET %s: %d, no CSRF field in %s", page, rec.Code, rec.Body)
	}
	form.Set("csrf_token", m[1])
	return b.do("POST", target, form)
}

func (b *browser) login(email, password string) *httptest.ResponseRecorder {
	b.t.Helper()
	return b.submit("/auth/login", "/auth/login", url.Values{"email": {email}, "password": {password}})
}

func TestLoginLogout(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{})
	u := createUser(t, app, "ada@example.com")
	b := &browser{t: t, h: app}

	// Anonymous: the members page redirects to the login with next=.
	rec := b.do("GET", "/members?tab=1", nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/auth/login?next=%2Fmembers%3Ftab%3D1" {
		t.Fatalf("anonymous /members: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	// The login page sets a session (for its CSRF token); logging in replaces its ID.
	rec = b.do("GET", "/auth/login?next=/members", nil)
	before := b.cookie
	m := csrfRE.FindStringSubmatch(rec.Body.String())
	if before == "" || m == nil || !strings.Contains(rec.Body.String(), `value="/members"`) {
		t.Fatalf("login page: cookie %q, body %s", before, rec.Body)
	}
	rec = b.do("POST", "/auth/login", url.Values{"email": {"ADA@example.com "}, "password": {goodPassword}, "next": {"/members"}, "csrf_token": {m[1]}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/members" {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	if b.cookie == "" || b.cookie == before {
		t.Fatal("the session ID was not renewed at login")
	}
	if rec := b.do("GET", "/members", nil); rec.Code != 200 || rec.Body.String() != "hello ada@example.com" {
		t.Fatalf("members: %d %s", rec.Code, rec.Body)
	}
	// The old session ID is worthless.
	old := &browser{t: t, h: app, cookie: before}
	if rec := old.do("GET", "/members", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("the pre-login session ID still works: %d", rec.Code)
	}
	got, err := orm.Q[auth.User](orm.WithDB(t.Context(), app.DB())).Get(u.ID)
	if err != nil || got.LastLogin == nil || time.Since(*got.LastLogin) > time.Minute {
		t.Errorf("last_login not set: %v %v", err, got)
	}
	// Logout needs a POST with the token; afterwards the user is anonymous.
	rec = b.submit("/auth/logout", "/auth/logout", url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d %s", rec.Code, rec.Body)
	}
	if rec := b.do("GET", "/members", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("members after logout: %d", rec.Code)
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{})
	createUser(t, app, "known@example.com")
	inactive := createUser(t, app, "inactive@example.com")
	inactive.IsActive = false
	if err := orm.Save(orm.WithDB(t.Context(), app.DB()), inactive, "IsActive"); err != nil {
		t.Fatal(err)
	}
	answer := func(email, password string) (int, string) {
		b := &browser{t: t, h: app}
		rec := b.login(email, password)
		return rec.Code, csrfRE.ReplaceAllString(rec.Body.String(), "")
	}
	wantCode, wantBody := answer("known@example.com", "wrong password!")
	if wantCode != http.StatusUnprocessableEntity || !strings.Contains(wantBody, "Invalid e-mail address or password") {
		t.Fatalf("wrong password: %d %s", wantCode, wantBody)
	}
	for _, email := range []string{"unknown@example.com", "inactive@example.com"} {
		code, body := answer(email, "wrong password!")
		body = strings.ReplaceAll(body, email, "known@example.com")
		if code != wantCode || body != wantBody {
			t.Errorf("%s: answer differs from a known account's: %d\n%s", email, code, body)
		}
	}
	if code, _ := answer("inactive@example.com", goodPassword); code != wantCode {
		t.Errorf("inactive user with the right password: %d", code)
	}
	// Hostile values are refused plainly and echoed escaped.
	for _, email := range []string{"' OR '1'='1", "admin@example.com' --", `"><script>alert(1)</script>`, "\x00", strings.Repeat("a", 300) + "@x.io"} {
		code, body := answer(email, "' OR 1=1 --")
		if code != wantCode || strings.Contains(body, "<script>alert") {
			t.Errorf("email %q: %d %s", email, code, body)
		}
	}
	// JSON clients get 401.
	b := &browser{t: t, h: app}
	tok := csrfFromJSON(t, b)
	req := httptest.NewRequest("POST", "/auth/login", strings.NewReader(`{"email":"known@example.com","password":"nope"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", tok)
	req.AddCookie(&http.Cookie{Name: session.DefaultCookieName, Value: b.cookie})
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "Invalid e-mail") {
		t.Errorf("JSON login failure: %d %s", rec.Code, rec.Body)
	}
}

func csrfFromJSON(t *testing.T, b *browser) string {
	t.Helper()
	rec := b.do("GET", "/auth/csrf", nil, "Accept", "application/json")
	var out struct {
		Token string `json:"csrf_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Token == "" {
		t.Fatalf("/auth/csrf: %d %s", rec.Code, rec.Body)
	}
	return out.Token
}

func TestLoginJSON(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{})
	createUser(t, app, "api@example.com")
	b := &browser{t: t, h: app}
	tok := csrfFromJSON(t, b)
	rec := b.do("POST", "/auth/login", nil, "Content-Type", "application/json", "X-CSRF-Token", tok)
	if rec.Code != 400 {
		t.Errorf("empty JSON body: %d %s", rec.Code, rec.Body)
	}
	req := func(body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/auth/login", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-CSRF-Token", tok)
		r.AddCookie(&http.Cookie{Name: session.DefaultCookieName, Value: b.cookie})
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, r)
		return rec
	}
	for _, body := range []string{`{`, `[]`, `"x"`, `{"email":` + strings.Repeat(`"x`, 10) + `}`} {
		if rec := req(body); rec.Code != 400 {
			t.Errorf("body %q: %d %s", body, rec.Code, rec.Body)
		}
	}
	if rec := req(`{"email":"` + strings.Repeat("x", 5000) + `","password":"x"}`); rec.Code != 400 {
		t.Errorf("oversized field: %d", rec.Code)
	}
	rec = req(`{"email":"api@example.com","password":"` + goodPassword + `"}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"email":"api@example.com"`) || strings.Contains(rec.Body.String(), "argon2") {
		t.Fatalf("JSON login: %d %s", rec.Code, rec.Body)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{Flows: auth.FlowsConfig{LoginLimit: ratelimit.Limit{Events: 3, Per: time.Hour}}})
	createUser(t, app, "target@example.com")
	b := &browser{t: t, h: app}
	for i := 1; i <= 3; i++ {
		if rec := b.login("target@example.com", "wrong"); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i, rec.Code)
		}
	}
	// Over the limit, even the right password is refused: 429 with Retry-After.
	rec := b.login("target@example.com", goodPassword)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "Too many attempts") {
		t.Fatalf("over the limit: %d %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	// Another client (another IP) is refused too: the limit is per account.
	other := &browser{t: t, h: app, ip: "192.0.2.77"}
	if rec := other.login("TARGET@example.com", goodPassword); rec.Code != http.StatusTooManyRequests {
		t.Errorf("per-account limit from another IP: %d", rec.Code)
	}
	// Another account is not affected.
	createUser(t, app, "other@example.com")
	if rec := other.login("other@example.com", goodPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("another account: %d", rec.Code)
	}
}

func TestLoginIPLimit(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{Flows: auth.FlowsConfig{LoginIPLimit: ratelimit.Limit{Events: 4, Per: time.Hour}}})
	b := &browser{t: t, h: app, ip: "198.51.100.9"}
	codes := []int{}
	for i := range 6 {
		codes = append(codes, b.login("spray"+string(rune('a'+i))+"@example.com", "password1234").Code)
	}
	if codes[3] != http.StatusUnprocessableEntity || codes[4] != http.StatusTooManyRequests || codes[5] != http.StatusTooManyRequests {
		t.Errorf("codes %v: want the 5th attempt from one IP over many accounts limited", codes)
	}
}

func TestRehashOnLogin(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{Password: auth.PasswordConfig{Memory: 2048, Iterations: 1}})
	u, err := auth.NewUser("old@example.com", goodPassword, auth.PasswordConfig{Memory: 1024, Iterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := orm.WithDB(t.Context(), app.DB())
	if err := orm.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, h: app}
	if rec := b.login("old@example.com", goodPassword); rec.Code != http.StatusSeeOther {
		t.Fatalf("login: %d", rec.Code)
	}
	got, _ := orm.Q[auth.User](ctx).Get(u.ID)
	if got.PasswordHash == u.PasswordHash || !strings.Contains(got.PasswordHash, "m=2048,") {
		t.Errorf("hash not upgraded: %s", got.PasswordHash)
	}
	if ok, _, _ := got.CheckPassword(goodPassword, auth.PasswordConfig{Memory: 2048, Iterations: 1}); !ok {
		t.Error("the new hash does not check")
	}
}

func TestSignup(t *testing.T) {
	t.Parallel()
	app, mb := flowsApp(t, auth.Config{})
	b := &browser{t: t, h: app}
	rec := b.submit("/auth/signup", "/auth/signup", url.Values{"email": {"New@Example.com"}, "name": {"<b>Neo</b>"},
		"password": {goodPassword}, "password2": {goodPassword}, "next": {"https://evil.example/"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		t.Fatalf("signup: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if rec := b.do("GET", "/members", nil); rec.Body.String() != "hello new@example.com" {
		t.Fatalf("not logged in after signup: %d %s", rec.Code, rec.Body)
	}
	// The verification e-mail's link verifies the address, once.
	msg, link := mb.wait(t)
	if len(msg.To) != 1 || msg.To[0] != "new@example.com" || !strings.Contains(link, "/auth/verify?token=") {
		t.Fatalf("mail %+v", msg)
	}
	u, _ := url.Parse(link)
	if rec := b.do("GET", u.RequestURI(), nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "verified") {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	if rec := b.do("GET", u.RequestURI(), nil); rec.Code != 400 {
		t.Errorf("verify link reused: %d", rec.Code)
	}
	got, _ := orm.Q[auth.User](orm.WithDB(t.Context(), app.DB())).Filter("email", "new@example.com").First()
	if got == nil || got.EmailVerifiedAt == nil || got.Name != "<b>Neo</b>" {
		t.Fatalf("user %+v", got)
	}

	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"taken", url.Values{"email": {"new@example.com"}, "password": {goodPassword}, "password2": {goodPassword}}, "already exists"},
		{"bad email", url.Values{"email": {"not an address"}, "password": {goodPassword}, "password2": {goodPassword}}, "valid e-mail"},
		{"short password", url.Values{"email": {"a@example.com"}, "password": {"short"}, "password2": {"short"}}, "too short"},
		{"common password", url.Values{"email": {"a@example.com"}, "password": {"password123"}, "password2": {"password123"}}, "too common"},
		{"mismatch", url.Values{"email": {"a@example.com"}, "password": {goodPassword}, "password2": {goodPassword + "!"}}, "differ"},
		{"control characters in name", url.Values{"email": {"a@example.com"}, "name": {"a\x00b"}, "password": {goodPassword}, "password2": {goodPassword}}, "150 characters"},
	}
	for _, tt := range tests {
		rec := (&browser{t: t, h: app}).submit("/auth/signup", "/auth/signup", tt.form)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tt.field) {
			t.Errorf("%s: %d %s", tt.name, rec.Code, rec.Body)
		}
	}
	n, _ := orm.Q[auth.User](orm.WithDB(t.Context(), app.DB())).Count()
	if n != 1 {
		t.Errorf("%d users after refused signups", n)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	app, mb := flowsApp(t, auth.Config{})
	createUser(t, app, "reset@example.com")
	b := &browser{t: t, h: app}
	known := b.submit("/auth/password/reset", "/auth/password/reset", url.Values{"email": {"reset@example.com"}})
	unknown := (&browser{t: t, h: app}).submit("/auth/password/reset", "/auth/password/reset", url.Values{"email": {"nobody@example.com"}})
	norm := func(s string) string { return strings.ReplaceAll(s, "nobody@example.com", "reset@example.com") }
	if known.Code != 200 || known.Code != unknown.Code || known.Body.String() != norm(unknown.Body.String()) {
		t.Fatalf("known %d / unknown %d answers differ:\n%s\n%s", known.Code, unknown.Code, known.Body, unknown.Body)
	}
	msg, link := mb.wait(t)
	if len(msg.To) != 1 || msg.To[0] != "reset@example.com" || !strings.Contains(msg.Subject, "Reset your password") {
		t.Fatalf("mail to %v: %q", msg.To, msg.Subject)
	}
	time.Sleep(50 * time.Millisecond) // not a timing assertion: a late second message would show below
	if n := mb.count(); n != 1 {
		t.Fatalf("%d e-mails: one went to an unknown address", n)
	}
	// The link moves the token into the session and off the address bar.
	u, _ := url.Parse(link)
	rec := b.do("GET", u.RequestURI(), nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/auth/password/reset/confirm" {
		t.Fatalf("link: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = b.submit("/auth/password/reset/confirm", "/auth/password/reset/confirm", url.Values{"new_password": {"a brand new passphrase"}, "new_password2": {"a brand new passphrase"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	if rec := (&browser{t: t, h: app}).login("reset@example.com", "a brand new passphrase"); rec.Code != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", rec.Code)
	}
	if rec := (&browser{t: t, h: app}).login("reset@example.com", goodPassword); rec.Code == http.StatusSeeOther {
		t.Error("the old password still works")
	}
	// The link works once.
	again := &browser{t: t, h: app}
	again.do("GET", u.RequestURI(), nil)
	if rec := again.do("GET", "/auth/password/reset/confirm", nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), "invalid") {
		t.Errorf("reused link: %d %s", rec.Code, rec.Body)
	}
	// Forged and truncated tokens.
	for _, tok := range []string{"x", strings.Repeat("A", 64), u.Query().Get("token")[:20], "' OR 1=1 --"} {
		bb := &browser{t: t, h: app}
		bb.do("GET", "/auth/password/reset/confirm?token="+url.QueryEscape(tok), nil)
		if rec := bb.do("GET", "/auth/password/reset/confirm", nil); rec.Code != 400 {
			t.Errorf("token %q: %d", tok, rec.Code)
		}
	}
}

func TestPasswordResetExpires(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	app, mb := flowsApp(t, auth.Config{Flows: auth.FlowsConfig{Now: clock}})
	createUser(t, app, "late@example.com")
	b := &browser{t: t, h: app}
	b.submit("/auth/password/reset", "/auth/password/reset", url.Values{"email": {"late@example.com"}})
	_, link := mb.wait(t)
	mu.Lock()
	now = now.Add(61 * time.Minute)
	mu.Unlock()
	u, _ := url.Parse(link)
	b.do("GET", u.RequestURI(), nil)
	if rec := b.do("GET", "/auth/password/reset/confirm", nil); rec.Code != 400 {
		t.Errorf("expired link: %d", rec.Code)
	}
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{})
	createUser(t, app, "change@example.com")
	b := &browser{t: t, h: app}
	other := &browser{t: t, h: app}
	b.login("change@example.com", goodPassword)
	other.login("change@example.com", goodPassword)
	rec := b.submit("/auth/password/change", "/auth/password/change", url.Values{"old_password": {"wrong"}, "new_password": {"another fine passphrase"}, "new_password2": {"another fine passphrase"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "not your current password") {
		t.Fatalf("wrong old password: %d", rec.Code)
	}
	before := b.cookie
	rec = b.submit("/auth/password/change", "/auth/password/change", url.Values{"old_password": {goodPassword}, "new_password": {"another fine passphrase"}, "new_password2": {"another fine passphrase"}})
	if rec.Code != http.StatusSeeOther || b.cookie == before {
		t.Fatalf("change: %d, cookie renewed %v", rec.Code, b.cookie != before)
	}
	if rec := b.do("GET", "/members", nil); rec.Code != 200 {
		t.Errorf("this session after the change: %d", rec.Code)
	}
	if rec := other.do("GET", "/members", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("another session after the change: %d (want logged out)", rec.Code)
	}
}

func TestPrivilegeChangeEndsSession(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{})
	u := createUser(t, app, "priv@example.com")
	b := &browser{t: t, h: app}
	b.login("priv@example.com", goodPassword)
	u.IsStaff = true
	if err := orm.Save(orm.WithDB(t.Context(), app.DB()), u, "IsStaff"); err != nil {
		t.Fatal(err)
	}
	if rec := b.do("GET", "/members", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("session kept across a privilege change: %d", rec.Code)
	}
}

func TestRequirePermAndTokens(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{})
	ctx := orm.WithDB(t.Context(), app.DB())
	plainUser := createUser(t, app, "plain@example.com")
	boss := createUser(t, app, "boss@example.com")
	boss.IsSuperuser = true
	if err := orm.Save(ctx, boss, "IsSuperuser"); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, h: app}
	b.login("plain@example.com", goodPassword)
	if rec := b.do("GET", "/perms", nil); rec.Code != http.StatusForbidden {
		t.Errorf("user without the permission: %d", rec.Code)
	}
	bb := &browser{t: t, h: app}
	bb.login("boss@example.com", goodPassword)
	if rec := bb.do("GET", "/perms", nil); rec.Code != 200 {
		t.Errorf("superuser: %d", rec.Code)
	}
	if rec := (&browser{t: t, h: app}).do("GET", "/perms", nil, "Accept", "application/json"); rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("anonymous API client: %d %v", rec.Code, rec.Header())
	}

	readTok, _, err := auth.CreateToken(ctx, plainUser, auth.TokenOptions{Name: "read", Scopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	writeTok, row, _ := auth.CreateToken(ctx, plainUser, auth.TokenOptions{Name: "write", Scopes: []string{"write"}})
	api := func(method, path, tok string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		return rec
	}
	if rec := api("GET", "/auth/me", readTok); rec.Code != 200 || !strings.Contains(rec.Body.String(), "plain@example.com") {
		t.Errorf("me with a token: %d %s", rec.Code, rec.Body)
	}
	// A bearer POST needs no CSRF token, but the scope.
	if rec := api("POST", "/api/write", readTok); rec.Code != 403 || !strings.Contains(rec.Header().Get("WWW-Authenticate"), "insufficient_scope") {
		t.Errorf("token without the scope: %d %v", rec.Code, rec.Header())
	}
	if rec := api("POST", "/api/write", writeTok); rec.Code != 200 {
		t.Errorf("token with the scope: %d %s", rec.Code, rec.Body)
	}
	if err := auth.RevokeToken(ctx, plainUser.ID, row.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{writeTok, "snw_nope", "", strings.Repeat("A", 9000)} {
		rec := api("POST", "/api/write", tok)
		if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("token %.20q: %d %v", tok, rec.Code, rec.Header())
		}
	}
	// The password change is for session users only.
	if rec := api("POST", "/auth/password/change", readTok); rec.Code != 403 {
		t.Errorf("password change with a token: %d %s", rec.Code, rec.Body)
	}
	// A bad token with a good session cookie is still refused: no fallback.
	req := httptest.NewRequest("GET", "/members", nil)
	req.Header.Set("Authorization", "Bearer snw_bad")
	req.AddCookie(&http.Cookie{Name: session.DefaultCookieName, Value: b.cookie})
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Errorf("bad token plus session cookie: %d", rec.Code)
	}
}

func TestTemplateOverride(t *testing.T) {
	t.Parallel()
	app, _ := flowsApp(t, auth.Config{Flows: auth.FlowsConfig{Templates: fstest.MapFS{
		"auth/layout.html": {Data: []byte(`<!doctype html><title>{{.Title}}</title><div id="mysite">{{block "content" .}}{{end}}</div>`)},
	}, SiteName: "Acme"}})
	rec := (&browser{t: t, h: app}).do("GET", "/auth/login", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<div id="mysite">`) || !strings.Contains(rec.Body.String(), `name="password"`) {
		t.Fatalf("override: %d %s", rec.Code, rec.Body)
	}
	// A broken override stops the start.
	bad := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(bad, auth.Config{Flows: auth.FlowsConfig{Templates: fstest.MapFS{"auth/login.html": {Data: []byte(`{{if}}`)}}}})
	if err := bad.Start(t.Context()); err == nil || !strings.Contains(err.Error(), "login.html") {
		t.Errorf("broken template: %v", err)
	}
}

func TestProdNeedsBaseURL(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("s", 40), Stderr: io.Discard})
	auth.Register(app, auth.Config{})
	if err := app.Start(t.Context()); err == nil || !strings.Contains(err.Error(), "BaseURL") {
		t.Errorf("prod without BaseURL: %v", err)
	}
}

func TestViewUser(t *testing.T) {
	t.Parallel()
	engine, err := view.New(fstest.MapFS{"who.html": {Data: []byte(`{{with currentUser}}user {{.Email}}{{else}}anonymous{{end}}`)}},
		view.Config{CurrentUser: auth.ViewUser})
	if err != nil {
		t.Fatal(err)
	}
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(app, auth.Config{Password: fastPasswords})
	app.SetRenderer(engine)
	app.GET("/who", func(c *web.Ctx) error { return c.Render(200, "who.html", nil) })
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	createUser(t, app, "viewer@example.com")
	b := &browser{t: t, h: app}
	if rec := b.do("GET", "/who", nil); rec.Body.String() != "anonymous" {
		t.Errorf("anonymous: %q", rec.Body)
	}
	b.login("viewer@example.com", goodPassword)
	if rec := b.do("GET", "/who", nil); rec.Body.String() != "user viewer@example.com" {
		t.Errorf("logged in: %q", rec.Body)
	}
}
