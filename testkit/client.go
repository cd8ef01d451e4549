package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/auth"
)

// Client is an HTTP client bound to a test app: it keeps cookies (so the session survives
// from one request to the next), adds a CSRF token to unsafe requests, and returns
// Responses with assertions. It does not follow redirects: see Response.Follow. A Client is
// meant for one goroutine; make one per simulated browser.
type Client struct {
	// Header is added to every request (Accept, Authorization, ...).
	Header http.Header
	// NoCSRF stops the client from adding CSRF tokens, to test that the app refuses
	// requests without one.
	NoCSRF bool

	t       testing.TB
	app     *App
	http    *http.Client
	base    *url.URL
	csrf    string // the token for csrfFor
	csrfFor string // the cookies the token was fetched with
}

// Client returns a new client of the app, with an empty cookie jar: a new visitor.
func (a *App) Client() *Client {
	a.t.Helper()
	if a.URL == "" {
		a.t.Fatal("testkit: the app is not served (Config.NoServe)")
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatal(err)
	}
	base, _ := url.Parse(a.URL)
	return &Client{
		Header: http.Header{},
		t:      a.t,
		app:    a,
		base:   base,
		http: &http.Client{
			Jar:           jar,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Get sends GET path (a path with an optional query, relative to the app's URL).
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Request(http.MethodGet, path, nil, "")
}

// PostForm sends the URL-encoded form to path with POST.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.t.Helper()
	return c.Request(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// PostJSON sends v, encoded as JSON, to path with POST and asks for JSON.
func (c *Client) PostJSON(path string, v any) *Response {
	c.t.Helper()
	return c.sendJSON(http.MethodPost, path, v)
}

// PutJSON sends v, encoded as JSON, to path with PUT and asks for JSON.
func (c *Client) PutJSON(path string, v any) *Response {
	c.t.Helper()
	return c.sendJSON(http.MethodPut, path, v)
}

// PatchJSON sends v, encoded as JSON, to path with PATCH and asks for JSON.
func (c *Client) PatchJSON(path string, v any) *Response {
	c.t.Helper()
	return c.sendJSON(http.MethodPatch, path, v)
}

// Delete sends DELETE path.
func (c *Client) Delete(path string) *Response {
	c.t.Helper()
	return c.Request(http.MethodDelete, path, nil, "")
}

func (c *Client) sendJSON(method, path string, v any) *Response {
	c.t.Helper()
	var body io.Reader
	switch v := v.(type) {
	case string:
		body = strings.NewReader(v) // raw JSON, possibly malformed on purpose
	case []byte:
		body = bytes.NewReader(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			c.t.Fatalf("testkit: encoding the JSON body: %v", err)
		}
		body = bytes.NewReader(b)
	}
	req := c.NewRequest(method, path, body)
	req.Header.Set("Content-Type", "application/json")
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	return c.Do(req)
}

// Request sends a request with the given method, body and content type ("" for none).
func (c *Client) Request(method, path string, body io.Reader, contentType string) *Response {
	c.t.Helper()
	req := c.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.Do(req)
}

// NewRequest makes a request to path on the app with the client's headers, for Do. A path
// starting with / is sent as written, dot segments and escapes included.
func (c *Client) NewRequest(method, path string, body io.Reader) *http.Request {
	c.t.Helper()
	// A path is appended to the base URL as it is, so that tests can send unclean paths
	// ("/static/../main.go"), which resolving it as a reference would clean.
	var u *url.URL
	var err error
	if strings.HasPrefix(path, "/") {
		u, err = url.Parse(c.base.String() + path)
	} else {
		u, err = c.base.Parse(path)
	}
	if err != nil {
		c.t.Fatalf("testkit: path %q: %v", path, err)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, u.String(), body)
	if err != nil {
		c.t.Fatalf("testkit: %s %s: %v", method, path, err)
	}
	for k, vs := range c.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	return req
}

// Do sends req, adding a CSRF token to unsafe methods unless NoCSRF is set or the request
// already carries one, and reads the whole response.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
	default:
		if !c.NoCSRF && req.Header.Get("X-CSRF-Token") == "" {
			if tok := c.CSRFToken(); tok != "" {
				req.Header.Set("X-CSRF-Token", tok)
			}
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("testkit: %s %s: %v", req.Method, req.URL.RequestURI(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("testkit: reading the answer to %s %s: %v", req.Method, req.URL.RequestURI(), err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Request: req, t: c.t, c: c}
}

// cookieKey identifies the client's cookies for the app, so a token is fetched again when
// the session changes (at login, for instance).
func (c *Client) cookieKey() string {
	var b strings.Builder
	for _, ck := range c.http.Jar.Cookies(c.base) {
		b.WriteString(ck.Name)
		b.WriteByte('=')
		b.WriteString(ck.Value)
		b.WriteByte(';')
	}
	return b.String()
}

// CSRFToken returns a CSRF token of the client's session, the one a page would render in
// its csrf_token field; it starts a session when the client has none. It returns "" when
// the app has no sessions (then only the origin check applies, which a non-browser client
// passes).
func (c *Client) CSRFToken() string {
	c.t.Helper()
	if c.csrf != "" && c.csrfFor == c.cookieKey() {
		return c.csrf
	}
	req := c.NewRequest(http.MethodGet, csrfPath, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("testkit: fetching a CSRF token: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("testkit: fetching a CSRF token: status %d: %s", resp.StatusCode, b)
	}
	c.csrf, c.csrfFor = string(b), c.cookieKey()
	return c.csrf
}

// LoginAs logs the client's session in as u (which must be saved), the way the login form
// does after checking the password (auth.Login: a new session ID and CSRF secret). The app
// must use package auth (auth.Register in its setup).
func (c *Client) LoginAs(u *auth.User) {
	c.t.Helper()
	if u == nil || u.ID == 0 {
		c.t.Fatal("testkit: LoginAs: the user is nil or not saved")
	}
	req := c.NewRequest(http.MethodGet, strings.Replace(loginPath, "{id}", strconv.FormatInt(u.ID, 10), 1), nil)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("testkit: LoginAs: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		c.t.Fatalf("testkit: LoginAs %s: status %d: %s", u.Email, resp.StatusCode, b)
	}
}

// Cookie returns the value of the client's cookie name for the app, "" when it has none.
func (c *Client) Cookie(name string) string {
	for _, ck := range c.http.Jar.Cookies(c.base) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
