package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated output (run go test -update if the change is intended)", path)
	}
}

func showcaseSpec(t *testing.T, h http.Handler) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("/openapi.json: %d", rec.Code)
	}
	return rec.Body.Bytes()
}

// TestShowcaseOpenAPI checks that the showcase's document is valid OpenAPI 3.1 and stable.
func TestShowcaseOpenAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	spec := showcaseSpec(t, app)
	golden(t, "openapi.json", spec)
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("invalid OpenAPI 3.1: %s: %s", e.Message, e.Reason)
		}
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/docs", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "swagger-ui") {
		t.Errorf("/docs: %d", rec.Code)
	}
}

// TestShowcaseContract sends, for every operation of the document, a request built from its
// schemas to the running showcase (authenticated with a superuser's API token where the
// operation is secured): each must succeed, and the request and the response must validate
// against the document.
func TestShowcaseContract(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := orm.WithDB(t.Context(), app.DB())
	admin, err := auth.NewUser("contract@example.com", "a long contract password", auth.PasswordConfig{})
	if err != nil {
		t.Fatal(err)
	}
	admin.IsSuperuser, admin.IsStaff = true, true
	if err := orm.Create(ctx, admin); err != nil {
		t.Fatal(err)
	}
	token, _, err := auth.CreateToken(ctx, admin, auth.TokenOptions{Name: "contract", Scopes: []string{"read", "write"}})
	if err != nil {
		t.Fatal(err)
	}

	spec := showcaseSpec(t, app)
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var d api.Document
	if err := json.Unmarshal(spec, &d); err != nil {
		t.Fatal(err)
	}
	type call struct {
		method, path string
		op           *api.Operation
	}
	var calls []call
	for path, item := range d.Paths {
		for _, mo := range item.Operations() {
			calls = append(calls, call{mo.Method, path, mo.Operation})
		}
	}
	rank := map[string]int{"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
	sort.Slice(calls, func(i, j int) bool {
		if rank[calls[i].method] != rank[calls[j].method] {
			return rank[calls[i].method] < rank[calls[j].method]
		}
		return calls[i].path < calls[j].path
	})
	if len(calls) < 9 {
		t.Fatalf("only %d operations documented", len(calls))
	}
	// The check is not vacuous: a response that breaks its schema fails it.
	bad := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"posts":"many","published":1}`))}
	if ok, _ := v.ValidateHttpResponse(httptest.NewRequest("GET", srv.URL+"/api/stats", nil), bad); ok {
		t.Fatal("a response with a string where the schema says integer passed validation")
	}
	gen := exampleGen{comps: d.Components.Schemas}
	for _, c := range calls {
		target := c.path
		query := []string{}
		for _, p := range c.op.Parameters {
			val := fmt.Sprint(gen.value(p.Schema, 0))
			if p.Schema != nil && p.Schema.Type == "integer" {
				val = "1"
			}
			switch {
			case p.In == "path":
				target = strings.ReplaceAll(target, "{"+p.Name+"}", val)
			case p.In == "query" && p.Required:
				query = append(query, p.Name+"="+val)
			}
		}
		if len(query) > 0 {
			target += "?" + strings.Join(query, "&")
		}
		var body []byte
		if c.op.RequestBody != nil {
			if mt := c.op.RequestBody.Content["application/json"]; mt != nil {
				body, _ = json.Marshal(gen.value(mt.Schema, 0))
			}
		}
		newReq := func() *http.Request {
			req, _ := http.NewRequest(c.method, srv.URL+target, bytes.NewReader(body))
			req.Header.Set("Accept", "application/json")
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			if len(c.op.Security) > 0 {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			return req
		}
		resp, err := srv.Client().Do(newReq())
		if err != nil {
			t.Fatal(err)
		}
		respBody, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		name := c.method + " " + target
		if resp.StatusCode >= 300 {
			t.Errorf("%s %s: %d %s", name, body, resp.StatusCode, respBody)
			continue
		}
		if _, documented := c.op.Responses[fmt.Sprint(resp.StatusCode)]; !documented {
			t.Errorf("%s: status %d is not documented", name, resp.StatusCode)
		}
		resp.Body = io.NopCloser(bytes.NewReader(respBody))
		if ok, verrs := v.ValidateHttpRequestResponse(newReq(), resp); !ok {
			for _, e := range verrs {
				t.Errorf("%s: %s: %s", name, e.Message, e.Reason)
				for _, se := range e.SchemaValidationErrors {
					t.Errorf("    %s: %s", se.FieldPath, se.Reason)
				}
			}
		}
	}
}

// exampleGen builds a value that satisfies a schema: its example, default or first enum
// value, else a value of its type within its bounds.
type exampleGen struct{ comps map[string]*api.Schema }

func (g exampleGen) value(s *api.Schema, depth int) any {
	if s == nil || depth > 6 {
		return nil
	}
	if s.Ref != "" {
		return g.value(g.comps[strings.TrimPrefix(s.Ref, "#/components/schemas/")], depth+1)
	}
	if len(s.AnyOf) > 0 {
		return g.value(s.AnyOf[0], depth+1)
	}
	switch {
	case len(s.Examples) > 0:
		return s.Examples[0]
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	typ, _ := s.Type.(string)
	if ts, ok := s.Type.([]any); ok && len(ts) > 0 {
		typ, _ = ts[0].(string)
	}
	switch typ {
	case "string":
		switch s.Format {
		case "email":
			return "someone@example.com"
		case "uri":
			return "https://example.com/"
		case "date-time":
			return "2025-01-02T03:04:05Z"
		case "date":
			return "2025-01-02"
		}
		return "text"
	case "integer":
		if s.Minimum != nil {
			return int(*s.Minimum)
		}
		return 1
	case "number":
		if s.Minimum != nil {
			return *s.Minimum
		}
		return 1.5
	case "boolean":
		return true
	case "array":
		return []any{g.value(s.Items, depth+1)}
	case "object":
		m := map[string]any{}
		for name, p := range s.Properties {
			if p.ReadOnly {
				continue
			}
			m[name] = g.value(p, depth+1)
		}
		return m
	}
	return nil
}
