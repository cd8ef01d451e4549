package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestOpenAPIMatchesSpec compares the generated OpenAPI document with the official one
// (testdata/realworld/openapi.yml): the same paths, methods, operation IDs, parameters and
// success statuses, and the same properties in the User, Profile, Article and Comment
// schemas.
func TestOpenAPIMatchesSpec(t *testing.T) {
	t.Parallel()
	type operation struct {
		OperationID string `json:"operationId" yaml:"operationId"`
		Parameters  []struct {
			Name string
			Ref  string `json:"$ref" yaml:"$ref"`
		} `json:"parameters" yaml:"parameters"`
		Responses map[string]any `json:"responses" yaml:"responses"`
	}
	type document struct {
		Paths      map[string]map[string]operation `json:"paths" yaml:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties" yaml:"properties"`
			} `json:"schemas" yaml:"schemas"`
			Parameters map[string]struct{ Name string } `json:"parameters" yaml:"parameters"`
		} `json:"components" yaml:"components"`
	}
	b, err := os.ReadFile("testdata/realworld/openapi.yml")
	if err != nil {
		t.Fatal(err)
	}
	var spec, ours document
	if err := yaml.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	rec := httptest.NewRecorder()
	c.app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if err := json.Unmarshal(rec.Body.Bytes(), &ours); err != nil {
		t.Fatalf("GET /api/openapi.json = %d: %v", rec.Code, err)
	}

	// summary lists each operation as "METHOD path id params success-statuses".
	summary := func(d document, prefix string) []string {
		var out []string
		for path, item := range d.Paths {
			for method, op := range item {
				var params, statuses []string
				for _, p := range op.Parameters {
					name := p.Name
					if p.Ref != "" {
						name = d.Components.Parameters[p.Ref[strings.LastIndexByte(p.Ref, '/')+1:]].Name
					}
					params = append(params, name)
				}
				for s := range op.Responses {
					if strings.HasPrefix(s, "2") {
						statuses = append(statuses, s)
					}
				}
				slices.Sort(params)
				slices.Sort(statuses)
				out = append(out, strings.Join([]string{strings.ToUpper(method), strings.TrimPrefix(path, prefix),
					op.OperationID, strings.Join(params, ","), strings.Join(statuses, ",")}, " "))
			}
		}
		slices.Sort(out)
		return out
	}
	want, got := summary(spec, ""), summary(ours, "/api")
	for _, op := range want {
		if !slices.Contains(got, op) {
			t.Errorf("spec operation missing or different: %s", op)
		}
	}
	for _, op := range got {
		if !slices.Contains(want, op) {
			t.Errorf("operation not in the spec: %s", op)
		}
	}
	for _, name := range []string{"User", "Profile", "Article", "Comment"} {
		var w, g []string
		for p := range spec.Components.Schemas[name].Properties {
			w = append(w, p)
		}
		for p := range ours.Components.Schemas[name].Properties {
			g = append(g, p)
		}
		slices.Sort(w)
		slices.Sort(g)
		if !slices.Equal(w, g) {
			t.Errorf("schema %s has properties %v, the spec %v", name, g, w)
		}
	}
}
