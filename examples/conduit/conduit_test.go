package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
)

// client sends JSON requests to a started app.
type client struct {
	t   testing.TB
	app *sinew.App
}

func newClient(t testing.TB) *client {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	setup(app)
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	return &client{t, app}
}

// do sends method path with body (JSON text, or "" for none) and token (or ""), and returns
// the status and the decoded JSON answer (nil when empty).
func (c *client) do(method, path, token, body string) (int, map[string]any) {
	c.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if strings.HasPrefix(token, "Bearer ") {
		req.Header.Set("Authorization", token) // the scheme the OpenAPI document advertises
	} else if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	rec := httptest.NewRecorder()
	c.app.ServeHTTP(rec, req)
	var m map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			c.t.Fatalf("%s %s: %d, not JSON: %.200q", method, path, rec.Code, rec.Body.String())
		}
	}
	return rec.Code, m
}

// must sends the request and fails the test unless it answers want.
func (c *client) must(want int, method, path, token, body string) map[string]any {
	c.t.Helper()
	code, m := c.do(method, path, token, body)
	if code != want {
		c.t.Fatalf("%s %s = %d %v, want %d", method, path, code, m, want)
	}
	return m
}

// register creates a user and returns its token.
func (c *client) register(name string) string {
	c.t.Helper()
	m := c.must(http.StatusCreated, "POST", "/api/users", "",
		`{"user":{"username":"`+name+`","email":"`+name+`@example.com","password":"Correct-Horse-42"}}`)
	return m["user"].(map[string]any)["token"].(string)
}

// errorMessages returns the messages of the spec's error body, failing the test when m is not
// {"errors": {"body": ["..."]}} with at least one message.
func errorMessages(t *testing.T, m map[string]any) []any {
	t.Helper()
	errs, _ := m["errors"].(map[string]any)
	body, _ := errs["body"].([]any)
	if len(body) == 0 {
		t.Errorf("answer %v is not the spec's error body", m)
	}
	return body
}

func TestErrorResponses(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ada, bob := c.register("ada"), c.register("bob")
	slug := c.must(http.StatusCreated, "POST", "/api/articles", ada,
		`{"article":{"title":"Engines","description":"d","body":"b","tagList":["x"]}}`)["article"].(map[string]any)["slug"].(string)
	comment := c.must(http.StatusOK, "POST", "/api/articles/"+slug+"/comments", ada, `{"comment":{"body":"first"}}`)["comment"].(map[string]any)["id"].(float64)
	commentPath := "/api/articles/" + slug + "/comments/" + strconv.Itoa(int(comment))

	tests := []struct {
		name, method, path, token, body string
		status                          int
		message                         string // a part of one of the messages
	}{
		// 401 without a token, and with one that is not valid.
		{"current user, no token", "GET", "/api/user", "", "", 401, "missing token"},
		{"update user, no token", "PUT", "/api/user", "", `{"user":{"bio":"x"}}`, 401, "missing token"},
		{"feed, no token", "GET", "/api/articles/feed", "", "", 401, "missing token"},
		{"create article, no token", "POST", "/api/articles", "", `{"article":{"title":"t","description":"d","body":"b"}}`, 401, "missing token"},
		{"follow, no token", "POST", "/api/profiles/ada/follow", "", "", 401, "missing token"},
		{"favorite, no token", "POST", "/api/articles/" + slug + "/favorite", "", "", 401, "missing token"},
		{"comment, no token", "POST", "/api/articles/" + slug + "/comments", "", `{"comment":{"body":"x"}}`, 401, "missing token"},
		{"delete comment, no token", "DELETE", commentPath, "", "", 401, "missing token"},
		{"current user, bad token", "GET", "/api/user", "snw_forged", "", 401, "invalid token"},
		{"current user, unknown token", "GET", "/api/user", "snw_" + strings.Repeat("A", 43), "", 401, "invalid token"},
		{"public list, bad token", "GET", "/api/articles", "snw_forged", "", 401, "invalid token"},
		{"current user, bad bearer token", "GET", "/api/user", "Bearer snw_forged", "", 401, ""},
		{"wrong password", "POST", "/api/users/login", "", `{"user":{"email":"ada@example.com","password":"not-her-password"}}`, 401, "invalid"},
		{"unknown user", "POST", "/api/users/login", "", `{"user":{"email":"eve@example.com","password":"Correct-Horse-42"}}`, 401, "invalid"},
		// 403 changing what someone else wrote.
		{"update another's article", "PUT", "/api/articles/" + slug, bob, `{"article":{"body":"mine now"}}`, 403, "only the author"},
		{"delete another's article", "DELETE", "/api/articles/" + slug, bob, "", 403, "only the author"},
		{"delete another's comment", "DELETE", commentPath, bob, "", 403, "only the author"},
		// 404 for unknown slugs, profiles and comments.
		{"unknown article", "GET", "/api/articles/no-such-slug", "", "", 404, "not found"},
		{"update unknown article", "PUT", "/api/articles/no-such-slug", ada, `{"article":{"body":"x"}}`, 404, "not found"},
		{"delete unknown article", "DELETE", "/api/articles/no-such-slug", ada, "", 404, "not found"},
		{"favorite unknown article", "POST", "/api/articles/no-such-slug/favorite", ada, "", 404, "not found"},
		{"comments of unknown article", "GET", "/api/articles/no-such-slug/comments", "", "", 404, "not found"},
		{"comment on unknown article", "POST", "/api/articles/no-such-slug/comments", ada, `{"comment":{"body":"x"}}`, 404, "not found"},
		{"unknown comment", "DELETE", "/api/articles/" + slug + "/comments/999999", ada, "", 404, "not found"},
		{"comment of another article", "DELETE", "/api/articles/no-such-slug/comments/1", ada, "", 404, "not found"},
		{"unknown profile", "GET", "/api/profiles/nobody", "", "", 404, "not found"},
		{"follow unknown profile", "POST", "/api/profiles/nobody/follow", ada, "", 404, "not found"},
		{"unfollow unknown profile", "DELETE", "/api/profiles/nobody/follow", ada, "", 404, "not found"},
		// 422 for invalid input, with the spec's error body.
		{"register, nothing", "POST", "/api/users", "", `{"user":{}}`, 422, "username"},
		{"register, bad e-mail", "POST", "/api/users", "", `{"user":{"username":"eve","email":"not-an-address","password":"Correct-Horse-42"}}`, 422, "email"},
		{"register, short password", "POST", "/api/users", "", `{"user":{"username":"eve","email":"eve@example.com","password":"short"}}`, 422, "password"},
		{"register, common password", "POST", "/api/users", "", `{"user":{"username":"eve","email":"eve@example.com","password":"password123"}}`, 422, "password"},
		{"register, username taken", "POST", "/api/users", "", `{"user":{"username":"ada","email":"eve@example.com","password":"Correct-Horse-42"}}`, 422, "username has already been taken"},
		{"register, e-mail taken", "POST", "/api/users", "", `{"user":{"username":"eve","email":"ADA@example.com","password":"Correct-Horse-42"}}`, 422, "email has already been taken"},
		{"register, no body", "POST", "/api/users", "", "", 422, "body"},
		{"login, no password", "POST", "/api/users/login", "", `{"user":{"email":"ada@example.com"}}`, 422, "password"},
		{"update, bad e-mail", "PUT", "/api/user", ada, `{"user":{"email":"nope"}}`, 422, "email"},
		{"update, short password", "PUT", "/api/user", ada, `{"user":{"password":"short"}}`, 422, "password"},
		{"update, username taken", "PUT", "/api/user", ada, `{"user":{"username":"bob"}}`, 422, "username has already been taken"},
		{"article without title", "POST", "/api/articles", ada, `{"article":{"description":"d","body":"b"}}`, 422, "title"},
		{"article title too long", "POST", "/api/articles", ada, `{"article":{"title":"` + strings.Repeat("t", 300) + `","description":"d","body":"b"}}`, 422, "title"},
		{"article, tag too long", "POST", "/api/articles", ada, `{"article":{"title":"t","description":"d","body":"b","tagList":["` + strings.Repeat("x", 101) + `"]}}`, 422, "at most 100"},
		{"empty title on update", "PUT", "/api/articles/" + slug, ada, `{"article":{"title":""}}`, 422, "title"},
		{"comment without body", "POST", "/api/articles/" + slug + "/comments", ada, `{"comment":{}}`, 422, "body"},
		{"limit too large", "GET", "/api/articles?limit=1000", "", "", 422, "limit"},
		{"negative offset", "GET", "/api/articles?offset=-1", "", "", 422, "offset"},
		// 400 for what cannot be parsed.
		{"malformed JSON", "POST", "/api/users", "", `{"user":`, 400, ""},
		{"wrong JSON type", "POST", "/api/users", "", `{"user":{"username":42}}`, 400, "username"},
		{"unknown field", "POST", "/api/articles", ada, `{"article":{"title":"t","description":"d","body":"b","author":"eve"}}`, 400, "author"},
		{"limit not a number", "GET", "/api/articles?limit=many", "", "", 400, "limit"},
		{"comment id not a number", "DELETE", "/api/articles/" + slug + "/comments/abc", ada, "", 400, "id"},
		{"hostile slug", "GET", "/api/articles/x'%20OR%201=1--", "", "", 404, "not found"},
		{"hostile filter", "GET", "/api/articles?author=x'%20OR%20'1'='1&tag=%00", "", "", 200, ""},
		{"NUL byte in a title", "POST", "/api/articles", ada, `{"article":{"title":"a\u0000b","description":"d","body":"b"}}`, 422, "NUL"},
		{"empty token", "GET", "/api/user", " ", "", 401, "invalid token"},
		{"oversized body", "POST", "/api/users", "", `{"user":{"username":"` + strings.Repeat("x", 11<<20) + `"}}`, 413, ""},
		{"deep JSON", "POST", "/api/users", "", strings.Repeat("[", 100000), 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := c.do(tt.method, tt.path, tt.token, tt.body)
			if code != tt.status {
				t.Fatalf("%s %s = %d %v, want %d", tt.method, tt.path, code, m, tt.status)
			}
			if tt.message == "" {
				return
			}
			msgs := errorMessages(t, m)
			for _, msg := range msgs {
				if strings.Contains(msg.(string), tt.message) {
					return
				}
			}
			t.Errorf("messages %q do not mention %q", msgs, tt.message)
		})
	}
	// Nothing was changed by the refused requests.
	article := c.must(http.StatusOK, "GET", "/api/articles/"+slug, "", "")["article"].(map[string]any)
	if article["body"] != "b" {
		t.Errorf("article body = %v after refused updates", article["body"])
	}
	if n := c.must(http.StatusOK, "GET", "/api/articles", "", "")["articlesCount"]; n != 1.0 {
		t.Errorf("articlesCount = %v after refused creations, want 1", n)
	}
	// No refused registration left a user behind (eve's address and name are still free).
	c.must(http.StatusNotFound, "GET", "/api/profiles/eve", "", "")
	c.register("eve")
	// The refused deletions left the comment in place.
	if list := c.must(http.StatusOK, "GET", "/api/articles/"+slug+"/comments", "", "")["comments"].([]any); len(list) != 1 {
		t.Errorf("%d comments after refused deletions, want 1", len(list))
	}
}
