package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/web"
)

// FuzzBind sends arbitrary path segments, query strings, headers, cookies and bodies to typed
// operations: every answer must be a success or a 4xx problem document, never a 500 or a
// crash, and the router must keep serving.
func FuzzBind(f *testing.F) {
	f.Add("7", "s", "limit=5&need=x&tag=a&tag=b", "tok", "theme=dark; v=2", `{"title":"a","quantity":1}`)
	f.Add("x", "", "limit=&since=2024-13-45&wait=-1h", "", "v=", `{"title":5}`)
	f.Add("-1", "%2F", "opt=1e400&ratio=NaN&flag=2", "\x00", "theme=\"q\"", `{"address":{"city":null},"tags":[1]}`)
	f.Add("99999999999999999999", "a b", "need=%zz", "", "", `[`)
	f.Add("0", "é", "need=1", "", "", `{"due":"yesterday","price":"1"}`)
	f.Add("1", "s", "need=1", "", "", `{"title":"a","quantity":1}{"x":1}`)
	r := web.NewRouter(web.Config{})
	a := api.New(r, api.Config{})
	api.Get(a, "/params/{id}/{slug}", echoParams)
	api.Post(a, "/items/{id}", func(ctx context.Context, in *struct {
		ID   int64 `path:"id"`
		Body itemBody
	}) (*itemBody, error) {
		return &in.Body, nil
	})
	f.Fuzz(func(t *testing.T, id, slug, query, header, cookie, body string) {
		p := "/params/" + url.PathEscape(id) + "/" + url.PathEscape(slug) + "?" + query
		check(t, r, httptest.NewRequest("GET", "/", nil), p, header, cookie)
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		check(t, r, req, "/items/"+url.PathEscape(id), header, cookie)
	})
}

func check(t *testing.T, r http.Handler, req *http.Request, target, header, cookie string) {
	t.Helper()
	u, err := url.ParseRequestURI(target)
	if err != nil || id(u.Path) {
		return
	}
	req.URL = u
	req.RequestURI = target
	req.Header.Set("Accept", "application/json")
	if !strings.ContainsAny(header, "\r\n\x00") {
		req.Header.Set("X-Token", header)
		req.Header.Set("X-Count", header)
	}
	if !strings.ContainsAny(cookie, "\r\n\x00") {
		req.Header.Set("Cookie", cookie)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	switch {
	case w.Code >= 500:
		t.Fatalf("%s %s: %d %s", req.Method, target, w.Code, w.Body)
	case w.Code >= 400:
		var p web.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code {
			t.Fatalf("%s %s: %d without a problem document: %s", req.Method, target, w.Code, w.Body)
		}
	case w.Code >= 300:
		// clean-path redirects of odd paths
	}
}

// id reports whether a path is one the router answers with a redirect or 404 before binding
// (not what this target exercises).
func id(p string) bool { return p == "" }
