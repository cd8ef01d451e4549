package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

type address struct {
	City string `json:"city" validate:"required"`
	Zip  string `json:"zip,omitempty" validate:"len=5"`
}

type itemBody struct {
	Title    string    `json:"title" validate:"required,max=20" doc:"The title" example:"Milk"`
	Price    float64   `json:"price" validate:"gte=0"`
	Quantity int       `json:"quantity" validate:"min=1,max=100"`
	Email    string    `json:"email,omitempty" validate:"email"`
	Kind     string    `json:"kind,omitempty" validate:"oneof=food tool"`
	Tags     []string  `json:"tags,omitempty" validate:"max=3"`
	Address  *address  `json:"address,omitempty"`
	Due      time.Time `json:"due,omitzero"`
}

type allParams struct {
	ID      int64         `path:"id"`
	Slug    string        `path:"slug"`
	Limit   int           `query:"limit" default:"20" validate:"min=1,max=100"`
	Ratio   float64       `query:"ratio"`
	Flag    bool          `query:"flag"`
	Tags    []string      `query:"tag"`
	Since   time.Time     `query:"since"`
	Wait    time.Duration `query:"wait"`
	Opt     *int          `query:"opt"`
	Need    string        `query:"need" required:"true"`
	Token   string        `header:"X-Token"`
	Count   uint8         `header:"X-Count"`
	Theme   string        `cookie:"theme" default:"light"`
	Version int           `cookie:"v"`
}

type echoOut struct {
	ID      int64    `json:"id"`
	Slug    string   `json:"slug"`
	Limit   int      `json:"limit"`
	Ratio   float64  `json:"ratio"`
	Flag    bool     `json:"flag"`
	Tags    []string `json:"tags"`
	Since   string   `json:"since"`
	Wait    string   `json:"wait"`
	Opt     *int     `json:"opt"`
	Need    string   `json:"need"`
	Token   string   `json:"token"`
	Count   uint8    `json:"count"`
	Theme   string   `json:"theme"`
	Version int      `json:"version"`
}

func echoParams(ctx context.Context, in *allParams) (*echoOut, error) {
	return &echoOut{ID: in.ID, Slug: in.Slug, Limit: in.Limit, Ratio: in.Ratio, Flag: in.Flag, Tags: in.Tags,
		Since: in.Since.Format(time.RFC3339), Wait: in.Wait.String(), Opt: in.Opt, Need: in.Need, Token: in.Token,
		Count: in.Count, Theme: in.Theme, Version: in.Version}, nil
}

type createIn struct {
	Body itemBody
}

type created struct {
	Status   int
	Location string `header:"Location"`
	Body     itemBody
}

func createItem(ctx context.Context, in *createIn) (*created, error) {
	return &created{Status: http.StatusCreated, Location: "/items/1", Body: in.Body}, nil
}

type optBodyIn struct {
	Body *itemBody
}

type getIn struct {
	ID int64 `path:"id"`
}

type item struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

func getItem(ctx context.Context, in *getIn) (*item, error) {
	switch in.ID {
	case 404:
		return nil, fmt.Errorf("loading item: %w", orm.ErrNotFound)
	case 409:
		return nil, web.Error(http.StatusConflict, "taken")
	case 500:
		return nil, errors.New("database exploded")
	case 204:
		return nil, nil
	}
	return &item{ID: in.ID, Title: "x"}, nil
}

type streamOut struct {
	ContentType string `header:"Content-Type" default:"application/x-ndjson"`
	Body        api.StreamFunc
}

type readerOut struct {
	ContentType string `header:"Content-Type"`
	Body        io.Reader
}

type cookieOut struct {
	Cookie *http.Cookie `header:"Set-Cookie"`
	Body   struct {
		OK bool `json:"ok"`
	}
}

func newTestAPI(t testing.TB, cfg api.Config) (*web.Router, *api.API) {
	t.Helper()
	r := web.NewRouter(web.Config{})
	a := api.New(r, cfg)
	api.Get(a, "/params/{id}/{slug}", echoParams)
	api.Post(a, "/items", createItem, api.Op{Summary: "Create an item", Tags: []string{"items"}, Status: http.StatusCreated})
	api.Put(a, "/optional", func(ctx context.Context, in *optBodyIn) (*item, error) {
		if in.Body == nil {
			return &item{Title: "none"}, nil
		}
		return &item{Title: in.Body.Title}, nil
	})
	api.Get(a, "/items/{id}", getItem, api.Op{Errors: []int{404, 409}})
	api.Get(a, "/stream", func(ctx context.Context, in *struct{}) (*streamOut, error) {
		return &streamOut{Body: func(w io.Writer) error {
			for i := range 3 {
				fmt.Fprintf(w, "{\"n\":%d}\n", i)
			}
			return nil
		}}, nil
	})
	api.Get(a, "/reader", func(ctx context.Context, in *struct{}) (*readerOut, error) {
		return &readerOut{ContentType: "text/plain", Body: strings.NewReader("hello")}, nil
	})
	api.Post(a, "/cookie", func(ctx context.Context, in *struct{}) (*cookieOut, error) {
		out := &cookieOut{Cookie: &http.Cookie{Name: "seen", Value: "1"}}
		out.Body.OK = true
		return out, nil
	})
	return r, a
}

type result struct {
	code   int
	header http.Header
	body   string
}

func do(t testing.TB, h http.Handler, method, target, body string, hdr ...string) result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return result{w.Code, w.Header(), w.Body.String()}
}

func problemOf(t *testing.T, body string) web.Problem {
	t.Helper()
	var p web.Problem
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("not a problem document: %v: %s", err, body)
	}
	return p
}

func TestBindEveryLocation(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{})
	res := do(t, r, "GET", "/params/7/hello%2Fworld?limit=5&ratio=0.5&flag=yes&tag=a&tag=b&since=2024-01-02&wait=1m30s&opt=3&need=x",
		"", "X-Token", "tok", "X-Count", "200", "Cookie", "theme=dark; v=2")
	if res.code != 200 {
		t.Fatalf("status %d: %s", res.code, res.body)
	}
	var got echoOut
	if err := json.Unmarshal([]byte(res.body), &got); err != nil {
		t.Fatal(err)
	}
	three := 3
	want := echoOut{ID: 7, Slug: "hello/world", Limit: 5, Ratio: 0.5, Flag: true, Tags: []string{"a", "b"},
		Since: "2024-01-02T00:00:00Z", Wait: "1m30s", Opt: &three, Need: "x", Token: "tok", Count: 200, Theme: "dark", Version: 2}
	if fmt.Sprint(got.Tags) != fmt.Sprint(want.Tags) || *got.Opt != 3 {
		t.Fatalf("got %+v", got)
	}
	got.Tags, want.Tags, got.Opt, want.Opt = nil, nil, nil, nil
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestBindDefaults(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{})
	res := do(t, r, "GET", "/params/1/s?need=1", "")
	var got echoOut
	_ = json.Unmarshal([]byte(res.body), &got)
	if res.code != 200 || got.Limit != 20 || got.Theme != "light" || got.Opt != nil || got.Tags != nil {
		t.Fatalf("%d %+v", res.code, got)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{})
	tests := []struct {
		name, method, target, body string
		hdr                        []string
		code                       int
		fields                     map[string]string // location → code
	}{
		{"path not a number", "GET", "/params/abc/s?need=1", "", nil, 400, map[string]string{"path.id": "type"}},
		{"every bad parameter at once", "GET", "/params/1/s?need=1&limit=x&ratio=y&flag=maybe&since=never&wait=soon&opt=1.5",
			"", []string{"X-Count", "300", "Cookie", "v=abc"}, 400,
			map[string]string{"query.limit": "type", "query.ratio": "type", "query.flag": "type", "query.since": "type",
				"query.wait": "type", "query.opt": "type", "header.X-Count": "type", "cookie.v": "type"}},
		{"missing required query", "GET", "/params/1/s", "", nil, 422, map[string]string{"query.need": "required"}},
		{"query rule", "GET", "/params/1/s?need=1&limit=1000", "", nil, 422, map[string]string{"query.limit": "max"}},
		{"integer overflow", "GET", "/params/99999999999999999999/s?need=1", "", nil, 400, map[string]string{"path.id": "type"}},
		{"body rules, every field", "POST", "/items", `{"title":"","price":-1,"quantity":0,"email":"nope","kind":"car","tags":["a","b","c","d"],"address":{"zip":"1"}}`,
			nil, 422, map[string]string{"body.title": "required", "body.price": "gte", "body.quantity": "min", "body.email": "email",
				"body.kind": "oneof", "body.tags": "max", "body.address.city": "required", "body.address.zip": "len"}},
		{"wrong JSON type", "POST", "/items", `{"title":5,"quantity":1}`, nil, 400, map[string]string{"body.title": "type"}},
		{"unknown field", "POST", "/items", `{"title":"a","quantity":1,"colour":"red"}`, nil, 400, map[string]string{"body.colour": "unknown_field"}},
		{"malformed JSON", "POST", "/items", `{"title":`, nil, 400, map[string]string{"body": "malformed"}},
		{"syntax error", "POST", "/items", `{"title" "a"}`, nil, 400, map[string]string{"body": "malformed"}},
		{"two values", "POST", "/items", `{"title":"a","quantity":1} {}`, nil, 400, map[string]string{"body": "malformed"}},
		{"missing body", "POST", "/items", ``, nil, 422, map[string]string{"body": "required"}},
		{"null body passes to rules", "POST", "/items", `null`, nil, 422, map[string]string{"body.title": "required", "body.quantity": "min"}},
		{"wrong content type", "POST", "/items", `title=a`, []string{"Content-Type", "text/plain"}, 415, nil},
		{"not found from the ORM", "GET", "/items/404", "", nil, 404, nil},
		{"conflict", "GET", "/items/409", "", nil, 409, nil},
		{"server error hides details", "GET", "/items/500", "", nil, 500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hdr := tt.hdr
			res := func() result {
				if len(hdr) >= 2 && hdr[0] == "Content-Type" {
					req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
					req.Header.Set("Content-Type", hdr[1])
					req.Header.Set("Accept", "application/json")
					w := httptest.NewRecorder()
					r.ServeHTTP(w, req)
					return result{w.Code, w.Header(), w.Body.String()}
				}
				return do(t, r, tt.method, tt.target, tt.body, hdr...)
			}()
			if res.code != tt.code {
				t.Fatalf("status %d, want %d: %s", res.code, tt.code, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("Content-Type %q: %s", ct, res.body)
			}
			p := problemOf(t, res.body)
			if p.Status != tt.code {
				t.Errorf("problem status %d", p.Status)
			}
			if tt.code == 500 && strings.Contains(res.body, "exploded") {
				t.Errorf("500 leaks the cause: %s", res.body)
			}
			got := map[string]string{}
			for _, f := range p.Errors {
				got[f.Location] = f.Code
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Location)
				}
			}
			if tt.fields != nil && fmt.Sprint(got) != fmt.Sprint(tt.fields) {
				t.Errorf("fields\n got  %v\n want %v", got, tt.fields)
			}
		})
	}
}

func TestAllowUnknownFields(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{AllowUnknownFields: true})
	res := do(t, r, "POST", "/items", `{"title":"a","quantity":1,"colour":"red"}`)
	if res.code != 201 {
		t.Fatalf("%d %s", res.code, res.body)
	}
}

func TestOutputs(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{})
	res := do(t, r, "POST", "/items", `{"title":"Milk","price":1.5,"quantity":2,"due":"2025-01-01T00:00:00Z"}`)
	if res.code != 201 || res.header.Get("Location") != "/items/1" {
		t.Fatalf("%d %v %s", res.code, res.header, res.body)
	}
	var back itemBody
	if err := json.Unmarshal([]byte(res.body), &back); err != nil || back.Title != "Milk" || back.Quantity != 2 {
		t.Fatalf("%v %+v", err, back)
	}
	if res := do(t, r, "GET", "/items/204", ""); res.code != 204 || res.body != "" {
		t.Errorf("nil output: %d %q", res.code, res.body)
	}
	res = do(t, r, "GET", "/stream", "")
	if res.code != 200 || res.header.Get("Content-Type") != "application/x-ndjson" || res.body != "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n" {
		t.Errorf("stream: %d %v %q", res.code, res.header, res.body)
	}
	res = do(t, r, "GET", "/reader", "")
	if res.code != 200 || res.header.Get("Content-Type") != "text/plain" || res.body != "hello" {
		t.Errorf("reader: %d %v %q", res.code, res.header, res.body)
	}
	res = do(t, r, "POST", "/cookie", "")
	if res.code != 200 || !strings.HasPrefix(res.header.Get("Set-Cookie"), "seen=1") || res.body != "{\"ok\":true}\n" {
		t.Errorf("cookie: %d %v %q", res.code, res.header, res.body)
	}
	res = do(t, r, "PUT", "/optional", "")
	if res.code != 200 || !strings.Contains(res.body, `"none"`) {
		t.Errorf("optional body absent: %d %s", res.code, res.body)
	}
	res = do(t, r, "PUT", "/optional", `{"title":"t","quantity":1}`)
	if res.code != 200 || !strings.Contains(res.body, `"t"`) {
		t.Errorf("optional body: %d %s", res.code, res.body)
	}
}

func TestCtxReachesTheRequest(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	a := api.New(r, api.Config{})
	api.Get(a, "/ip", func(ctx context.Context, in *struct{}) (*item, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		return &item{Title: api.Ctx(ctx).Header("X-Who")}, nil
	})
	if res := do(t, r, "GET", "/ip", "", "X-Who", "me"); !strings.Contains(res.body, `"me"`) {
		t.Fatalf("%d %s", res.code, res.body)
	}
}

func TestSecurity(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	var seen []api.Requirement
	a := api.New(r, api.Config{
		Security: []api.Requirement{api.Bearer("items:read")},
		Authorize: func(c *web.Ctx, reqs []api.Requirement) error {
			seen = reqs
			if c.Header("Authorization") != "Bearer good" {
				return web.Error(http.StatusUnauthorized, "a valid API token is required")
			}
			return nil
		},
	})
	api.Get(a, "/private", func(ctx context.Context, in *struct{}) (*item, error) { return &item{Title: "secret"}, nil })
	api.Get(a, "/public", func(ctx context.Context, in *struct{}) (*item, error) { return &item{Title: "open"}, nil },
		api.Op{Security: api.Public})
	if res := do(t, r, "GET", "/private", ""); res.code != 401 || res.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s", res.code, res.body)
	}
	if res := do(t, r, "GET", "/private", "", "Authorization", "Bearer good"); res.code != 200 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	if len(seen) != 1 || seen[0].Scheme != api.SchemeBearer || seen[0].Scopes[0] != "items:read" {
		t.Errorf("Authorize saw %+v", seen)
	}
	if res := do(t, r, "GET", "/public", ""); res.code != 200 {
		t.Fatalf("%d %s", res.code, res.body)
	}
}

func TestRegistrationErrors(t *testing.T) {
	t.Parallel()
	type badType struct {
		X map[string]int `query:"x"`
	}
	type badDefault struct {
		N int `query:"n" default:"ten"`
	}
	type noWildcard struct {
		ID int `path:"id"`
	}
	type badOut struct {
		Extra string
		Body  string
	}
	tests := []struct {
		name string
		reg  func(a *api.API)
		want string
	}{
		{"unbindable", func(a *api.API) {
			api.Get(a, "/x", func(ctx context.Context, in *badType) (*item, error) { return nil, nil })
		}, "cannot be of type"},
		{"bad default", func(a *api.API) {
			api.Get(a, "/x", func(ctx context.Context, in *badDefault) (*item, error) { return nil, nil })
		}, `default "ten"`},
		{"field without wildcard", func(a *api.API) {
			api.Get(a, "/x", func(ctx context.Context, in *noWildcard) (*item, error) { return nil, nil })
		}, "no {id} wildcard"},
		{"wildcard without field", func(a *api.API) {
			api.Get(a, "/x/{id}/{other}", func(ctx context.Context, in *noWildcard) (*item, error) { return nil, nil })
		}, "{other}"},
		{"input not a struct", func(a *api.API) {
			api.Get(a, "/x", func(ctx context.Context, in *int) (*item, error) { return nil, nil })
		}, "not a struct"},
		{"stray output field", func(a *api.API) {
			api.Get(a, "/x", func(ctx context.Context, in *struct{}) (*badOut, error) { return nil, nil })
		}, "Extra"},
		{"duplicate operation ID", func(a *api.API) {
			api.Get(a, "/x", getItemNoID, api.Op{ID: "same"})
			api.Get(a, "/y", getItemNoID, api.Op{ID: "same"})
		}, `"same"`},
		{"security without Authorize", func(a *api.API) {
			api.Get(a, "/x", getItemNoID, api.Op{Security: []api.Requirement{api.Bearer()}})
		}, "Authorize"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := api.New(web.NewRouter(web.Config{}), api.Config{})
			defer func() {
				rec := recover()
				if rec == nil || !strings.Contains(fmt.Sprint(rec), tt.want) {
					t.Fatalf("panic %v, want one mentioning %q", rec, tt.want)
				}
			}()
			tt.reg(a)
		})
	}
}

func getItemNoID(ctx context.Context, in *struct{}) (*item, error) { return &item{}, nil }

// TestHostileInput sends oversized and hostile values: every answer is a 4xx problem and the
// router keeps serving.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{})
	h := http.MaxBytesHandler(r, 1<<16)
	long := strings.Repeat("9", 10000)
	cases := []struct {
		method, target, body string
		code                 int
	}{
		{"GET", "/params/" + long + "/s?need=1", "", 400},
		{"GET", "/params/1/s?need=1&limit=" + long, "", 400},
		{"POST", "/items", `{"title":"` + strings.Repeat("a", 1<<17) + `"}`, 413},
		{"POST", "/items", strings.Repeat("[", 10000), 400},
		{"POST", "/items", `{"quantity":1e999}`, 400},
		{"POST", "/items", "\xff\xfe", 400},
		{"POST", "/items", `{"title":"\u0000<script>","quantity":1}`, 201},
	}
	for _, c := range cases {
		res := do(t, h, c.method, c.target, c.body)
		if res.code != c.code {
			t.Errorf("%s %.60s: %d, want %d: %.200s", c.method, c.target, res.code, c.code, res.body)
		}
		if p := (web.Problem{}); c.code != 201 && json.Unmarshal([]byte(res.body), &p) == nil && len(fmt.Sprint(p.Errors))+len(p.Detail) > 1024 {
			t.Errorf("answer of %d bytes echoes the input", len(res.body))
		}
	}
	if res := do(t, r, "GET", "/items/1", ""); res.code != 200 {
		t.Fatalf("router stopped serving: %d", res.code)
	}
}
