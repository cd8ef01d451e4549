package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// kept is everything a handler was handed for one request, stored past its return.
type kept struct {
	Param, Rest, Query, Header, Cookie, Form, Path, Pattern string
	QueryValues                                             url.Values
	QuerySlice                                              []string
	FormSlice                                               []string
	Body                                                    []byte
	Bound                                                   leakForm
}

type leakForm struct {
	ID     string   `path:"id"`
	Rest   string   `path:"rest"`
	Q      string   `query:"q"`
	QS     []string `query:"qs"`
	Header string   `header:"X-V"`
	F      string   `form:"f"`
	FS     []string `form:"fs"`
	JSON   string   `json:"json"`
	JSONS  []string `json:"jsons"`
}

// leakValue is the unique value of request i; odd requests get a %2F-escaped slash in
// their parameters, which takes the decoding path through RawPath.
func leakValue(i int) string {
	v := "v" + strconv.Itoa(i) + strings.Repeat("x", i%7)
	if i%2 == 1 {
		v += "/s"
	}
	return v
}

func leakRequest(i int) *http.Request {
	v := leakValue(i)
	target := "/leak/" + url.PathEscape(v) + "/r/" + url.PathEscape(v) + "?" + url.Values{
		"q": {v}, "qs": {v, v + "2"}, "i": {strconv.Itoa(i)}}.Encode()
	var req *http.Request
	if i%3 == 0 {
		body := fmt.Sprintf(`{"json":%q,"jsons":[%q,%q]}`, v, v, v+"2")
		req = httptest.NewRequest("PUT", target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		body := url.Values{"f": {v}, "fs": {v, v + "2"}}.Encode()
		req = httptest.NewRequest("POST", target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-V", v)
	req.AddCookie(&http.Cookie{Name: "c", Value: strings.ReplaceAll(v, "/", "_")})
	return req
}

func leakRouter(t *testing.T, store func(i int, k kept), withMiddleware bool) *web.Router {
	t.Helper()
	r := web.NewRouter(web.Config{})
	if withMiddleware {
		r.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { next.ServeHTTP(w, req) })
		})
	}
	h := func(c *web.Ctx) error {
		var k kept
		k.Param, k.Rest = c.Param("id"), c.Param("rest")
		k.Query = c.Query("q")
		k.QueryValues = c.QueryValues()
		k.QuerySlice = c.QueryValues()["qs"]
		k.Header = c.Header("X-V")
		ck, err := c.Cookie("c")
		if err != nil {
			return err
		}
		k.Cookie = ck
		k.Path, k.Pattern = c.Path(), c.RoutePattern()
		if c.Method() == "PUT" {
			b, err := c.Body()
			if err != nil {
				return err
			}
			k.Body = b
			c.Request.Body = io.NopCloser(bytes.NewReader(b))
			if err := c.Bind(&k.Bound); err != nil {
				return err
			}
		} else {
			k.Form = c.FormValue("f")
			form, err := c.Form()
			if err != nil {
				return err
			}
			k.FormSlice = form["fs"]
			if err := c.Bind(&k.Bound); err != nil {
				return err
			}
		}
		i, err := strconv.Atoi(c.Query("i"))
		if err != nil {
			return err
		}
		store(i, k)
		return c.NoContent(http.StatusNoContent)
	}
	r.Handle("POST /leak/{id}/r/{rest...}", h)
	r.Handle("PUT /leak/{id}/r/{rest...}", h)
	return r
}

func expectedKept(i int) kept {
	v := leakValue(i)
	k := kept{
		Param: v, Rest: v, Query: v, Header: v, Cookie: strings.ReplaceAll(v, "/", "_"),
		Path: "/leak/" + v + "/r/" + v, Pattern: "/leak/{id}/r/{rest...}",
		QueryValues: url.Values{"q": {v}, "qs": {v, v + "2"}, "i": {strconv.Itoa(i)}},
		QuerySlice:  []string{v, v + "2"},
		Bound:       leakForm{ID: v, Rest: v, Q: v, QS: []string{v, v + "2"}, Header: v},
	}
	if i%3 == 0 {
		k.Body = fmt.Appendf(nil, `{"json":%q,"jsons":[%q,%q]}`, v, v, v+"2")
		k.Bound.JSON, k.Bound.JSONS = v, []string{v, v + "2"}
	} else {
		k.Form, k.FormSlice = v, []string{v, v + "2"}
		k.Bound.F, k.Bound.FS = v, []string{v, v + "2"}
	}
	return k
}

// TestPoolingNeverLeaks stores every string and slice handlers were handed, pushes
// thousands of concurrent requests with other values through the same router, and checks
// that nothing stored changed.
func TestPoolingNeverLeaks(t *testing.T) {
	for _, mw := range []bool{false, true} {
		t.Run(fmt.Sprintf("middleware=%v", mw), func(t *testing.T) {
			t.Parallel()
			const first, total = 300, 6000
			var mu sync.Mutex
			stored := map[int]kept{}
			r := leakRouter(t, func(i int, k kept) {
				mu.Lock()
				defer mu.Unlock()
				if i < first {
					stored[i] = k
				}
			}, mw)
			serve := func(from, to int) {
				var wg sync.WaitGroup
				for w := range 8 {
					wg.Go(func() {
						for i := from + w; i < to; i += 8 {
							rec := httptest.NewRecorder()
							r.ServeHTTP(rec, leakRequest(i))
							if rec.Code != http.StatusNoContent {
								t.Errorf("request %d: %d %s", i, rec.Code, rec.Body)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			serve(0, first)
			if len(stored) != first {
				t.Fatalf("%d requests stored", len(stored))
			}
			// Deep copies of what was stored, before the flood.
			snapshot := map[int]string{}
			for i, k := range stored {
				snapshot[i] = fmt.Sprintf("%#v", k)
				if want := expectedKept(i); !reflect.DeepEqual(k, want) {
					t.Fatalf("request %d handed\n%#v\nwant\n%#v", i, k, want)
				}
			}
			serve(first, total)
			for i, k := range stored {
				if got := fmt.Sprintf("%#v", k); got != snapshot[i] {
					t.Fatalf("request %d: stored values changed after other requests:\nnow  %s\nwas  %s", i, got, snapshot[i])
				}
				if !reflect.DeepEqual(k, expectedKept(i)) {
					t.Fatalf("request %d: stored values changed", i)
				}
			}
		})
	}
}

func TestZeroAllocRouting(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop values")
	}
	r := web.NewRouter(web.Config{})
	r.GET("/", func(c *web.Ctx) error { return nil })
	r.GET("/users/new", func(c *web.Ctx) error { return nil })
	r.GET("/repos/{owner}/{repo}/issues/{number}", func(c *web.Ctx) error {
		if c.Param("owner") == "" || c.Param("number") == "" {
			return web.Error(500, "lost params")
		}
		return nil
	})
	r.GET("/users/{id}", func(c *web.Ctx) error { return c.NoContent(http.StatusNoContent) })
	r.GET("/static/{path...}", func(c *web.Ctx) error { _ = c.Param("path"); return nil })
	w := &noopWriter{h: http.Header{}}
	for _, target := range []string{"/", "/users/new", "/users/42", "/repos/golang/go/issues/123", "/static/css/site.css"} {
		req := httptest.NewRequest("GET", target, nil)
		r.ServeHTTP(w, req) // warm the pool
		if n := testing.AllocsPerRun(1000, func() { r.ServeHTTP(w, req) }); n != 0 {
			t.Errorf("GET %s: %v allocs per request, want 0", target, n)
		}
	}
}

func BenchmarkRouter(b *testing.B) {
	r := web.NewRouter(web.Config{})
	r.GET("/users/new", func(c *web.Ctx) error { return nil })
	r.GET("/repos/{owner}/{repo}/issues/{number}", func(c *web.Ctx) error { return nil })
	w := &noopWriter{h: http.Header{}}
	for _, target := range []string{"/users/new", "/repos/golang/go/issues/123"} {
		req := httptest.NewRequest("GET", target, nil)
		b.Run(target, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.ServeHTTP(w, req)
			}
		})
	}
}
