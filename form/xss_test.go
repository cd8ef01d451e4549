package form

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// payloads are stored XSS attempts aimed at every context a form writes into: element text,
// quoted attributes, textarea and option content, URLs and scripts.
var payloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)`,
	`javascript:alert(document.cookie)`,
	`</textarea><script>alert(1)</script>`,
	`</option></select><svg onload=alert(1)>`,
	`--><script>alert(1)</script><!--`,
	`<style>body{background:url("javascript:alert(1)")}</style>`,
	"`-alert(1)-`",
	`{{.}}{{template "row" .}}`,
	"\u2028\u2029<\x00script>",
}

// hostileType builds a struct type whose labels, help texts, placeholders and choices all
// hold p, one field per widget. Tags are code, not input, but the admin site derives them
// from model metadata, so they are escaped like everything else.
func hostileType(p string) reflect.Type {
	q := strings.NewReplacer(`"`, `\"`, "|", "", ":", "").Replace(p) // tag syntax only
	tag := func(name, extra string) reflect.StructTag {
		return reflect.StructTag(fmt.Sprintf(`form:"%s" label:"L %s" help:"H %s" placeholder:"P %s" %s`, name, q, q, q, extra))
	}
	choices := fmt.Sprintf(`choices:"a:%s|b:two"`, q)
	fields := []reflect.StructField{
		{Name: "Text", Type: reflect.TypeFor[string](), Tag: tag("text", `validate:"required"`)},
		{Name: "Area", Type: reflect.TypeFor[string](), Tag: tag("area", `widget:"textarea"`)},
		{Name: "Hidden", Type: reflect.TypeFor[string](), Tag: tag("hidden", `widget:"hidden"`)},
		{Name: "URL", Type: reflect.TypeFor[string](), Tag: tag("url", `widget:"url"`)},
		{Name: "Email", Type: reflect.TypeFor[string](), Tag: tag("email", `widget:"email"`)},
		{Name: "Pass", Type: reflect.TypeFor[string](), Tag: tag("pass", `widget:"password"`)},
		{Name: "Num", Type: reflect.TypeFor[int](), Tag: tag("num", "")},
		{Name: "Check", Type: reflect.TypeFor[bool](), Tag: tag("check", "")},
		{Name: "Sel", Type: reflect.TypeFor[string](), Tag: tag("sel", choices)},
		{Name: "Radio", Type: reflect.TypeFor[string](), Tag: tag("radio", choices+` widget:"radio"`)},
		{Name: "Multi", Type: reflect.TypeFor[[]string](), Tag: tag("multi", choices)},
		{Name: "Date", Type: reflect.TypeFor[string](), Tag: tag("date", `widget:"date"`)},
		{Name: "File", Type: reflect.TypeFor[*File](), Tag: tag("file", "")},
	}
	return reflect.StructOf(fields)
}

// shape counts what would change if a payload escaped its context: tags, quotes and
// apostrophes.
func shape(s string) [3]int {
	return [3]int{strings.Count(s, "<"), strings.Count(s, `"`), strings.Count(s, "'")}
}

func TestXSSPayloadsRenderInert(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})
	renderWith := func(p string, submit bool) string {
		t.Helper()
		v := reflect.New(hostileType(p)).Interface()
		if !submit {
			f, err := fs.For(v)
			if err != nil {
				t.Fatal(err)
			}
			return render(t, f)
		}
		values := url.Values{}
		for _, name := range []string{"text", "area", "hidden", "url", "email", "pass", "num", "check", "sel", "radio", "multi", "date"} {
			values.Set(name, p)
		}
		f := bind(t, fs, postForm(values), v)
		f.AddError("", "whole form: "+p)
		f.AddError("text", "field: "+p)
		return render(t, f)
	}
	// The same text without the characters markup is made of gives the same errors, so
	// the markup must have the same shape.
	defuse := strings.NewReplacer("<", "x", ">", "x", `"`, "x", "'", "x", "&", "x")
	for _, p := range payloads {
		for _, submit := range []bool{false, true} {
			got, benign := renderWith(p, submit), renderWith(defuse.Replace(p), submit)
			if shape(got) != shape(benign) {
				t.Errorf("payload %q (submitted: %v) changed the markup's shape %v → %v:\n%s", p, submit, shape(benign), shape(got), got)
			}
			for _, raw := range []string{"<script", "<img", "<svg", "<style", "</textarea><", "</option></select>"} {
				if strings.Contains(strings.ToLower(got), raw) {
					t.Errorf("payload %q (submitted: %v) left %q in the markup:\n%s", p, submit, raw, got)
				}
			}
		}
	}
}
