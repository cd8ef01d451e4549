package form

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

func TestSetChoices(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{Registry: registry(t)})
	articles, err := ForModel[Article](fs, "Title", "WriterID")
	if err != nil {
		t.Fatal(err)
	}
	writers := []Choice{{"1", "Ada"}, {"2", "Grace <3"}}
	newForm := func(a *Article) *Form {
		t.Helper()
		f := articles.New(a)
		if err := f.SetChoices("writer_id", writers); err != nil {
			t.Fatal(err)
		}
		return f
	}

	// Rendered as a select of the given rows.
	h, err := newForm(&Article{WriterID: 2}).Field("WriterID")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<select id="id_writer_id" name="writer_id">`, `<option value="2" selected>Grace &lt;3</option>`} {
		if !strings.Contains(string(h), want) {
			t.Fatalf("rendered\n%s\nlacks %s", h, want)
		}
	}
	// Without SetChoices the same field is a number input: the plan is not changed.
	if h, _ := articles.New(nil).Field("writer_id"); !strings.Contains(string(h), `type="number"`) {
		t.Fatalf("the plan changed:\n%s", h)
	}

	for _, tt := range []struct {
		value string
		want  int64
		code  string
	}{{"2", 2, ""}, {"3", 0, CodeChoice}, {"x", 0, CodeChoice}, {"", 0, ""}} {
		var a Article
		f := newForm(&a)
		if err := f.Bind(context.Background(), postForm(url.Values{"title": {"T"}, "writer_id": {tt.value}})); err != nil {
			t.Fatal(err)
		}
		errs := f.ErrorList()
		if tt.code == "" && (len(errs) != 0 || a.WriterID != tt.want) || tt.code != "" && (len(errs) != 1 || errs[0].Code != tt.code) {
			t.Errorf("writer_id=%q: bound %d, errors %v", tt.value, a.WriterID, messages(f))
		}
		if err := f.Bind(context.Background(), postForm(url.Values{})); err == nil {
			t.Error("a form bound twice")
		}
		if err := f.SetChoices("writer_id", writers); err == nil {
			t.Error("SetChoices after Bind")
		}
	}

	f := articles.New(nil)
	for name, choices := range map[string][]Choice{"nope": nil, "writer_id": {{"one", "One"}}} {
		if err := f.SetChoices(name, choices); err == nil {
			t.Errorf("SetChoices(%q, %v) succeeded", name, choices)
		}
	}
	if err := newForms(t, Config{}).mustFor(t, &uploadForm{}).SetChoices("avatar", writers); err == nil {
		t.Error("choices on a file field")
	}
}

// A choice widget whose choices were never given accepts nothing: forgetting SetChoices
// shows errors instead of letting any value through.
func TestChoiceWidgetWithoutChoicesFailsClosed(t *testing.T) {
	t.Parallel()
	type pick struct {
		Owner int64   `form:"owner" widget:"select"`
		Tags  []int64 `form:"tags"`
	}
	fs := newForms(t, Config{})
	var p pick
	f := bind(t, fs, postForm(url.Values{"owner": {"1"}, "tags": {"5"}}), &p)
	if got := strings.Join(messages(f), "|"); got != "owner: Select a valid choice.|tags: Select a valid choice." || p.Owner != 0 || p.Tags != nil {
		t.Fatalf("errors %s, bound %+v", got, p)
	}
	f = bind(t, fs, postForm(url.Values{}), &p)
	if !f.Valid() {
		t.Fatalf("empty submission: %v", messages(f))
	}
}

func (fs *Forms) mustFor(t *testing.T, v any) *Form {
	t.Helper()
	f, err := fs.For(v)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
