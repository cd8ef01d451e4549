package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/web"
)

type Writer struct {
	orm.Model
	Name string `json:"name"`
}

type Note struct {
	orm.Model
	Title     string  `json:"title" validate:"required,max=50" example:"Groceries"`
	Body      string  `json:"body" orm:"text"`
	Views     int     `json:"views" validate:"min=0"`
	Published bool    `json:"published"`
	Secret    string  `json:"secret,omitempty" create:"required"`
	Role      string  `json:"role" validate:"oneof=user admin"`
	Email     string  `json:"email" validate:"email"`
	WriterID  int64   `json:"writer_id" orm:"fk=Writer"`
	Writer    *Writer `json:"writer,omitempty"`
}

// engines are the databases the resource tests run on: SQLite always, PostgreSQL and
// MariaDB when SINEW_TEST_POSTGRES_URL and SINEW_TEST_MYSQL_URL are set (skipped otherwise).
var engines = []struct {
	name string
	open ormtest.Opener
}{{"sqlite", ormtest.OpenSQLite}, {"postgres", ormtest.OpenPostgres}, {"mysql", ormtest.OpenMySQL}}

// onEngines runs test once per engine, in parallel.
func onEngines(t *testing.T, test func(t *testing.T, open ormtest.Opener)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			test(t, e.open)
		})
	}
}

func newResourceAPI(t *testing.T, open ...ormtest.Opener) (http.Handler, *api.API) {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(Writer{}, Note{}); err != nil {
		t.Fatal(err)
	}
	opener := ormtest.Opener(ormtest.OpenSQLite)
	if len(open) > 0 {
		opener = open[0]
	}
	db := opener(t, orm.Config{Registry: reg})
	ctx := orm.WithDB(context.Background(), db)
	if err := db.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Ada", "Grace"} {
		if err := orm.Create(ctx, &Writer{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	r := web.NewRouter(web.Config{})
	r.SetValue(orm.ContextValue(db))
	a := api.New(r, api.Config{Title: "Notes"})
	caller := func(ctx context.Context) string { return api.Ctx(ctx).Header("X-User") }
	api.Resource(a, "/notes", api.ResourceConfig[Note]{
		Filter:          []string{"published", "views", "id", "title"},
		Order:           []string{"views", "title", "created_at"},
		Prefetch:        []string{"Writer"},
		WriteOnlyFields: []string{"secret"},
		Readable: func(ctx context.Context, n *Note, field string) bool {
			return field != "email" || caller(ctx) == "admin" || caller(ctx) == n.Email
		},
		Writable: func(ctx context.Context, n *Note, field string) bool {
			return field != "role" || caller(ctx) == "admin"
		},
		Authorize: func(ctx context.Context, action api.Action, n *Note) error {
			if action == api.ActionDelete && caller(ctx) == "guest" {
				return web.Error(http.StatusForbidden, "guests may not delete notes")
			}
			return nil
		},
		Validate: func(ctx context.Context, action api.Action, n *Note) error {
			if action == api.ActionUpdate && n.Title == "forbidden on update" {
				return web.Error(http.StatusUnprocessableEntity, "nope")
			}
			return nil
		},
	})
	return r, a
}

func send(t *testing.T, h http.Handler, method, target, body string, hdr ...string) result {
	t.Helper()
	return do(t, h, method, target, body, hdr...)
}

func decode[T any](t *testing.T, res result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatalf("%d %s: %v", res.code, res.body, err)
	}
	return v
}

func TestResourceCRUD(t *testing.T) {
	t.Parallel()
	onEngines(t, testResourceCRUD)
}

func testResourceCRUD(t *testing.T, open ormtest.Opener) {
	h, _ := newResourceAPI(t, open)
	res := send(t, h, "POST", "/notes", `{"id":99,"title":"First","views":3,"secret":"s3","email":"ada@example.com","writer_id":1}`)
	if res.code != 201 || res.header.Get("Location") != "/notes/1" || res.header.Get("ETag") == "" {
		t.Fatalf("create: %d %v %s", res.code, res.header, res.body)
	}
	n := decode[map[string]any](t, res)
	if n["id"] != 1.0 || n["title"] != "First" || n["secret"] != nil || n["email"] != nil {
		t.Errorf("created: %v (id ignored, secret write-only, email hidden from others)", n)
	}
	if w, _ := n["writer"].(map[string]any); w["name"] != "Ada" {
		t.Errorf("writer not nested: %v", n["writer"])
	}

	res = send(t, h, "GET", "/notes/1", "", "X-User", "ada@example.com")
	n = decode[map[string]any](t, res)
	etag := res.header.Get("ETag")
	if res.code != 200 || n["email"] != "ada@example.com" || etag == "" {
		t.Errorf("owner read: %d %v", res.code, n)
	}
	if res := send(t, h, "GET", "/notes/1", "", "If-None-Match", etag); res.code != 304 {
		t.Errorf("If-None-Match: %d", res.code)
	}
	if res := send(t, h, "GET", "/notes/1?fields=title,views", ""); res.body != "{\"title\":\"First\",\"views\":3}\n" {
		t.Errorf("sparse: %s", res.body)
	}

	res = send(t, h, "PATCH", "/notes/1", `{"title":"Renamed"}`, "If-Match", etag)
	n = decode[map[string]any](t, res)
	if res.code != 200 || n["title"] != "Renamed" || n["views"] != 3.0 {
		t.Fatalf("patch: %d %v", res.code, n)
	}
	if res := send(t, h, "PATCH", "/notes/1", `{"title":"Stale"}`, "If-Match", etag); res.code != 412 {
		t.Errorf("stale If-Match: %d %s", res.code, res.body)
	}
	res = send(t, h, "PUT", "/notes/1", `{"title":"Replaced","writer_id":2}`)
	n = decode[map[string]any](t, res)
	if res.code != 200 || n["title"] != "Replaced" || n["views"] != 0.0 || n["writer_id"] != 2.0 {
		t.Fatalf("put: %d %v", res.code, n)
	}
	if res := send(t, h, "DELETE", "/notes/1", "", "X-User", "guest"); res.code != 403 {
		t.Errorf("object hook: %d", res.code)
	}
	if res := send(t, h, "DELETE", "/notes/1", ""); res.code != 204 {
		t.Errorf("delete: %d %s", res.code, res.body)
	}
	for _, m := range []string{"GET", "PATCH", "PUT", "DELETE"} {
		if res := send(t, h, m, "/notes/1", `{"title":"x"}`); res.code != 404 {
			t.Errorf("%s after delete: %d", m, res.code)
		}
	}
	if res := send(t, h, "GET", "/notes/abc", ""); res.code != 404 {
		t.Errorf("malformed key: %d %s", res.code, res.body)
	}
}

func TestResourceWriteErrors(t *testing.T) {
	t.Parallel()
	onEngines(t, testResourceWriteErrors)
}

func testResourceWriteErrors(t *testing.T, open ormtest.Opener) {
	h, _ := newResourceAPI(t, open)
	if res := send(t, h, "POST", "/notes", `{"title":"ok","secret":"x","writer_id":1}`); res.code != 201 {
		t.Fatalf("%d %s", res.code, res.body)
	}
	tests := []struct {
		method, target, body string
		hdr                  []string
		code                 int
		fields               string
	}{
		{"POST", "/notes", `{"title":"","role":"boss","email":"x","views":-1,"writer_id":1}`, []string{"X-User", "admin"}, 422,
			"body.email:email body.role:oneof body.secret:required body.title:required body.views:min"},
		{"POST", "/notes", `{"title":"a","colour":"red"}`, nil, 400, "body.colour:unknown_field"},
		{"POST", "/notes", `{"title":"a","role":"admin","secret":"x","writer_id":1}`, nil, 403, "body.role:forbidden"},
		{"POST", "/notes", `{"title":"a","role":"admin","secret":"x","writer_id":1}`, []string{"X-User", "admin"}, 201, ""},
		{"POST", "/notes", `{"title":5}`, nil, 400, "body.title:type"},
		{"POST", "/notes", `[1]`, nil, 400, "body:type"},
		{"POST", "/notes", `{"title":`, nil, 400, ""},
		{"POST", "/notes", ``, nil, 422, "body:required"},
		{"POST", "/notes", `{"title":"a","secret":"x","writer_id":999}`, nil, 409, ""},
		{"PATCH", "/notes/1", `{"title":"forbidden on update"}`, nil, 422, ""},
		{"PATCH", "/notes/1", `{"views":-5}`, nil, 422, "body.views:min"},
		{"PATCH", "/notes/1", `{"id":7}`, nil, 200, ""},
	}
	for _, tt := range tests {
		res := send(t, h, tt.method, tt.target, tt.body, tt.hdr...)
		if res.code != tt.code {
			t.Errorf("%s %s %s: %d, want %d: %s", tt.method, tt.target, tt.body, res.code, tt.code, res.body)
			continue
		}
		if tt.fields == "" {
			continue
		}
		p := problemOf(t, res.body)
		var got []string
		for _, f := range p.Errors {
			got = append(got, f.Location+":"+f.Code)
		}
		if g := strings.Join(sorted(got), " "); g != tt.fields {
			t.Errorf("%s %s: fields %s, want %s", tt.method, tt.body, g, tt.fields)
		}
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestResourceList(t *testing.T) {
	t.Parallel()
	onEngines(t, testResourceList)
}

func testResourceList(t *testing.T, open ormtest.Opener) {
	h, _ := newResourceAPI(t, open)
	for i := 1; i <= 25; i++ {
		body := fmt.Sprintf(`{"title":"note %02d","views":%d,"published":%v,"secret":"x","writer_id":%d}`, i, i%7, i%2 == 0, 1+i%2)
		if res := send(t, h, "POST", "/notes", body); res.code != 201 {
			t.Fatalf("%d %s", res.code, res.body)
		}
	}
	type list struct {
		Items      []map[string]any `json:"items"`
		Total      int              `json:"total"`
		Page       int              `json:"page"`
		PerPage    int              `json:"per_page"`
		NextCursor *string          `json:"next_cursor"`
	}
	l := decode[list](t, send(t, h, "GET", "/notes", ""))
	if l.Total != 25 || len(l.Items) != 20 || l.Items[0]["id"] != 1.0 || l.NextCursor == nil {
		t.Fatalf("first page: total %d, %d items", l.Total, len(l.Items))
	}
	l = decode[list](t, send(t, h, "GET", "/notes?page=2", ""))
	if len(l.Items) != 5 || l.Items[0]["id"] != 21.0 || l.NextCursor != nil {
		t.Errorf("page 2: %d items", len(l.Items))
	}
	l = decode[list](t, send(t, h, "GET", "/notes?published=true&views__gte=3&order=-views,title&per_page=50", ""))
	want := 0
	for i := 1; i <= 25; i++ {
		if i%2 == 0 && i%7 >= 3 {
			want++
		}
	}
	if l.Total != want || len(l.Items) != want {
		t.Fatalf("filtered: %d/%d, want %d", l.Total, len(l.Items), want)
	}
	for i := 1; i < len(l.Items); i++ {
		if l.Items[i-1]["views"].(float64) < l.Items[i]["views"].(float64) {
			t.Errorf("not ordered by -views: %v", l.Items)
		}
	}
	l = decode[list](t, send(t, h, "GET", "/notes?id__in=3,5,7&fields=id", ""))
	if l.Total != 3 || fmt.Sprint(l.Items) != "[map[id:3] map[id:5] map[id:7]]" {
		t.Errorf("in + fields: %v", l.Items)
	}
	l = decode[list](t, send(t, h, "GET", "/notes?title__icontains=NOTE%201", ""))
	if l.Total != 10 {
		t.Errorf("icontains: %d", l.Total)
	}
	// Cursor pagination visits every row once, in order.
	seen := map[float64]bool{}
	target := "/notes?order=-views&per_page=6"
	for range 10 {
		l = decode[list](t, send(t, h, "GET", target, ""))
		for _, it := range l.Items {
			id := it["id"].(float64)
			if seen[id] {
				t.Fatalf("row %v twice", id)
			}
			seen[id] = true
		}
		if l.NextCursor == nil {
			break
		}
		target = "/notes?order=-views&per_page=6&cursor=" + *l.NextCursor
	}
	if len(seen) != 25 {
		t.Errorf("cursor pages saw %d rows", len(seen))
	}
	for _, bad := range []string{"page=0", "page=x", "per_page=1000", "order=secret", "order=body", "colour=red",
		"views__regex=1", "body=x", "fields=secret", "cursor=!!!", "cursor=" + strings.Repeat("A", 5000), "views=abc"} {
		res := send(t, h, "GET", "/notes?"+bad, "")
		if res.code != 400 && res.code != 422 {
			t.Errorf("%s: %d %s", bad, res.code, res.body)
		}
	}
}

func TestResourceDocument(t *testing.T) {
	t.Parallel()
	h, _ := newResourceAPI(t)
	res := do(t, h, "GET", "/openapi.json", "")
	validateOpenAPI(t, []byte(res.body))
	golden(t, "resource.json", []byte(res.body))
	for _, w := range []string{`"operationId": "listNote"`, `"operationId": "updateNote"`, `"NoteCreate"`, `"NoteUpdate"`, `"NotePatch"`,
		`"NoteList"`, `"views__gte"`, `"readOnly": true`, `"writeOnly": true`, `"If-Match"`, `"412"`} {
		if !strings.Contains(res.body, w) {
			t.Errorf("document lacks %s", w)
		}
	}
}

// FuzzResourceQuery sends arbitrary query strings (filters, orderings, pages, cursors,
// fields) to a resource's list and retrieve: every answer is a 200 or a 4xx problem.
func FuzzResourceQuery(f *testing.F) {
	for _, seed := range []string{"", "page=2&per_page=5", "order=-views,title&published=true", "views__gte=3&id__in=1,2,x",
		"cursor=eyJpZCI6M30", "cursor=e30&order=created_at", "fields=id,title", "title__icontains=%25_%5C", "colour=red",
		"per_page=-1", "page=99999999999999999999", "order=,", "views__in=", "created_at__gt=yesterday", "fields="} {
		f.Add(seed)
	}
	reg := orm.NewRegistry()
	if err := reg.Register(Writer{}, Note{}); err != nil {
		f.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(f.TempDir(), "fuzz.db"), orm.Config{Registry: reg})
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	ctx := orm.WithDB(context.Background(), db)
	if err := db.CreateTables(ctx); err != nil {
		f.Fatal(err)
	}
	if err := orm.Create(ctx, &Writer{Name: "Ada"}); err != nil {
		f.Fatal(err)
	}
	for i := range 5 {
		if err := orm.Create(ctx, &Note{Title: fmt.Sprint("note ", i), Views: i, WriterID: 1}); err != nil {
			f.Fatal(err)
		}
	}
	r := web.NewRouter(web.Config{})
	r.SetValue(orm.ContextValue(db))
	a := api.New(r, api.Config{})
	api.Resource(a, "/notes", api.ResourceConfig[Note]{
		Filter: []string{"published", "views", "id", "title", "created_at"},
		Order:  []string{"views", "title", "created_at"},
	})
	f.Fuzz(func(t *testing.T, query string) {
		for _, target := range []string{"/notes?" + query, "/notes/1?" + query} {
			req := httptest.NewRequest("GET", "/", nil)
			req.URL.RawQuery = query
			req.URL.Path = strings.SplitN(target, "?", 2)[0]
			req.Header.Set("Accept", "application/json")
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code >= 500 || (w.Code != 200 && w.Code < 400) {
				t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
			}
		}
	})
}
