package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/sinewdev/sinew/api"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
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
		t.Errorf("%s differs from the generated output (run go test -update if the change is intended)\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// ValidateOpenAPI checks a document against the OpenAPI 3.1 specification schema.
func validateOpenAPI(t *testing.T, spec []byte) {
	t.Helper()
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatalf("libopenapi: %v", err)
	}
	if v := doc.GetSpecInfo().Version; v != "3.1.0" {
		t.Fatalf("version %q", v)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Fatalf("building the model: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("invalid OpenAPI 3.1: %s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  at %s: %s", se.FieldPath+" "+se.KeywordLocation, se.Reason)
			}
		}
	}
}

func TestDocument(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{Title: "Test API", Version: "1.2.3", Servers: []string{"https://api.example.com"}})
	res := do(t, r, "GET", "/openapi.json", "")
	if res.code != 200 || res.header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v", res.code, res.header)
	}
	validateOpenAPI(t, []byte(res.body))
	golden(t, "openapi.json", []byte(res.body))

	var doc map[string]any
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatal(err)
	}
	// Spot checks of what the golden file holds, so that a regenerated file cannot lose them.
	want := []string{
		`"operationId": "createItem"`, `"operationId": "echoParams"`, `"operationId": "get_stream"`,
		`"maxLength": 20`, `"minimum": 1`, `"maximum": 100`, `"format": "email"`, `"enum": [`,
		`"examples": [`, `"default": 20`, `"application/problem+json"`, `"securitySchemes"`,
		`"additionalProperties": false`, `"application/x-ndjson"`, `"Location"`, `"in": "cookie"`,
		`"in": "header"`, `"name": "X-Token"`, `"/params/{id}/{slug}"`, `"required": true`,
	}
	for _, w := range want {
		if !strings.Contains(res.body, w) {
			t.Errorf("document lacks %s", w)
		}
	}

	y := do(t, r, "GET", "/openapi.yaml", "")
	if y.code != 200 || y.header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("yaml: %d %v", y.code, y.header)
	}
	golden(t, "openapi.yaml", []byte(y.body))
	// The YAML holds the same document.
	ydoc, err := libopenapi.NewDocument([]byte(y.body))
	if err != nil {
		t.Fatal(err)
	}
	yjson := ydoc.GetSpecInfo().GetSpecJSONBytes()
	if yjson == nil {
		t.Fatal("the YAML document does not convert to JSON")
	}
	var fromYAML map[string]any
	if err := json.Unmarshal(*yjson, &fromYAML); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(doc)
	b, _ := json.Marshal(fromYAML)
	if !bytes.Equal(a, b) {
		t.Errorf("the YAML document differs from the JSON one")
	}
}

func TestDocsPage(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{Title: "Test <API>"})
	res := do(t, r, "GET", "/docs", "")
	if res.code != 200 || !strings.Contains(res.body, `data-spec="openapi.json"`) || !strings.Contains(res.body, "Test &lt;API&gt;") {
		t.Fatalf("%d %s", res.code, res.body)
	}
	if strings.Contains(res.body, "<script>") {
		t.Errorf("inline script breaks a strict Content-Security-Policy")
	}
	for _, f := range []string{"swagger-ui-bundle.js", "swagger-ui.css", "init.js"} {
		res := do(t, r, "GET", "/docs/assets/"+f, "")
		if res.code != 200 || len(res.body) == 0 || res.header.Get("ETag") == "" {
			t.Errorf("%s: %d, %d bytes", f, res.code, len(res.body))
		}
	}
	if res := do(t, r, "GET", "/docs/assets/../api.go", ""); res.code < 300 {
		t.Errorf("traversal served: %d", res.code)
	}
}

func TestDocsDisabled(t *testing.T) {
	t.Parallel()
	r, _ := newTestAPI(t, api.Config{DocsPath: "-", SpecPath: "-"})
	for _, p := range []string{"/docs", "/openapi.json", "/openapi.yaml"} {
		if res := do(t, r, "GET", p, ""); res.code != 404 {
			t.Errorf("%s: %d", p, res.code)
		}
	}
}

func TestJSONToYAML(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`{}`, "{}\n"},
		{`[]`, "[]\n"},
		{`{"a":1,"b":"no","c":[1,{"d":true,"e":null}],"f":{},"g":[],"200":{"x":[[1,2],[]]}}`,
			"a: 1\nb: \"no\"\nc:\n  - 1\n  - d: true\n    e: null\nf: {}\ng: []\n\"200\":\n  x:\n    -\n      - 1\n      - 2\n    - []\n"},
		{`{"$ref":"#/x","k":"line\nbreak"}`, "\"$ref\": \"#/x\"\nk: \"line\\nbreak\"\n"},
	}
	for _, tt := range tests {
		got, err := api.JSONToYAML([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("JSONToYAML(%s) = %q, %v\nwant %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := api.JSONToYAML([]byte(`{`)); err == nil {
		t.Errorf("malformed JSON accepted")
	}
}

// TestValidatorCatchesErrors makes sure the document check above is not vacuous.
func TestValidatorCatchesErrors(t *testing.T) {
	t.Parallel()
	bad := []byte(`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"type":5}}}}}}}}}`)
	doc, err := libopenapi.NewDocument(bad)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := validator.NewValidator(doc)
	if ok, _ := v.ValidateDocument(); ok {
		t.Fatal("an invalid document (no response description, a numeric type) passed")
	}
}
