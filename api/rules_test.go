package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/web"
)

// everyRule has one field per validate rule, so that one request breaks them all.
type everyRule struct {
	Required string   `json:"required" validate:"required"`
	MinLen   string   `json:"min_len" validate:"min=3"`
	MaxLen   string   `json:"max_len" validate:"max=3"`
	Len      string   `json:"len" validate:"len=2"`
	Gt       int      `json:"gt" validate:"gt=0"`
	Gte      float64  `json:"gte" validate:"gte=1.5"`
	Lt       int      `json:"lt" validate:"lt=10"`
	Lte      int      `json:"lte" validate:"lte=10"`
	OneOf    string   `json:"one_of" validate:"oneof=red green"`
	Email    string   `json:"email" validate:"email"`
	URL      string   `json:"url" validate:"url"`
	UUID     string   `json:"uuid" validate:"uuid"`
	Slug     string   `json:"slug" validate:"slug"`
	Alpha    string   `json:"alpha" validate:"alpha"`
	Alnum    string   `json:"alnum" validate:"alphanum"`
	Numeric  string   `json:"numeric" validate:"numeric"`
	Date     string   `json:"date" validate:"date"`
	DateTime string   `json:"datetime" validate:"datetime"`
	Pattern  string   `json:"pattern" validate:"pattern=^[A-Z]{2},[0-9]+$"`
	Items    []string `json:"items" validate:"min=1,max=2"`
	Password string   `json:"password"`
	Confirm  string   `json:"confirm" validate:"eqfield=Password"`
}

func TestEveryRule(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	a := api.New(r, api.Config{})
	api.Post(a, "/rules", func(ctx context.Context, in *struct{ Body everyRule }) (*everyRule, error) { return &in.Body, nil })
	bad := `{"min_len":"ab","max_len":"abcd","len":"abc","gt":0,"gte":1,"lt":10,"lte":11,"one_of":"blue",
		"email":"a@","url":"ftp://x","uuid":"123","slug":"Not A Slug","alpha":"a1","alnum":"a-1","numeric":"1a",
		"date":"2024-13-01","datetime":"yesterday","pattern":"ab,1","items":["a","b","c"],"password":"x","confirm":"y"}`
	res := do(t, r, "POST", "/rules", bad)
	if res.code != http.StatusUnprocessableEntity {
		t.Fatalf("%d %s", res.code, res.body)
	}
	var got []string
	for _, f := range problemOf(t, res.body).Errors {
		got = append(got, f.Location+":"+f.Code)
	}
	sort.Strings(got)
	want := []string{"body.alnum:alphanum", "body.alpha:alpha", "body.confirm:eqfield", "body.date:date", "body.datetime:datetime",
		"body.email:email", "body.gt:gt", "body.gte:gte", "body.items:max", "body.len:len", "body.lt:lt", "body.lte:lte",
		"body.max_len:max", "body.min_len:min", "body.numeric:numeric", "body.one_of:oneof", "body.pattern:pattern",
		"body.required:required", "body.slug:slug", "body.url:url", "body.uuid:uuid"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("fields\n got  %v\n want %v", got, want)
	}
	good := `{"required":"x","min_len":"abc","max_len":"abc","len":"ab","gt":1,"gte":1.5,"lt":9,"lte":10,"one_of":"red",
		"email":"a@example.com","url":"https://example.com","uuid":"0191d1d4-7b7a-7cc0-8f2b-8a4c3b2f1e0d","slug":"a-slug",
		"alpha":"abc","alnum":"a1","numeric":"125","date":"2024-12-01","datetime":"2024-12-01T10:00:00Z","pattern":"AB,12",
		"items":["a"],"password":"x","confirm":"x"}`
	if res := do(t, r, "POST", "/rules", good); res.code != 200 {
		t.Fatalf("valid input refused: %d %s", res.code, res.body)
	}

	// The document carries the same constraints.
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
				Required   []string                  `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	spec := do(t, r, "GET", "/openapi.json", "").body
	validateOpenAPI(t, []byte(spec))
	if err := json.Unmarshal([]byte(spec), &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Components.Schemas["everyRule"].Properties
	checks := []struct {
		field, key string
		want       any
	}{
		{"min_len", "minLength", 3.0}, {"max_len", "maxLength", 3.0}, {"len", "minLength", 2.0}, {"len", "maxLength", 2.0},
		{"gt", "exclusiveMinimum", 0.0}, {"gte", "minimum", 1.5}, {"lt", "exclusiveMaximum", 10.0}, {"lte", "maximum", 10.0},
		{"email", "format", "email"}, {"url", "format", "uri"}, {"uuid", "format", "uuid"}, {"date", "format", "date"},
		{"datetime", "format", "date-time"}, {"pattern", "pattern", "^[A-Z]{2},[0-9]+$"}, {"items", "minItems", 1.0},
		{"items", "maxItems", 2.0}, {"slug", "pattern", "^[A-Za-z0-9_-]+$"}, {"numeric", "pattern", "^[0-9]+$"}, {"alpha", "pattern", `^\p{L}+$`},
	}
	for _, c := range checks {
		if got := p[c.field][c.key]; got != c.want {
			t.Errorf("%s.%s = %v, want %v", c.field, c.key, got, c.want)
		}
	}
	if e, _ := p["one_of"]["enum"].([]any); len(e) != 2 || e[0] != "red" {
		t.Errorf("one_of enum = %v", p["one_of"]["enum"])
	}
	if req := doc.Components.Schemas["everyRule"].Required; !strings.Contains(strings.Join(req, ","), "required") {
		t.Errorf("required list %v", req)
	}
}
