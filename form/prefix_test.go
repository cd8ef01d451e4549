package form_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/form"
)

type line struct {
	Name string `form:"name" validate:"required"`
	Qty  int    `form:"qty" validate:"min=1"`
}

// TestForPrefix: two forms of one type in one submission, told apart by their prefixes.
func TestForPrefix(t *testing.T) {
	t.Parallel()
	fs, err := form.New(form.Config{})
	if err != nil {
		t.Fatal(err)
	}
	body := url.Values{"lines-0-name": {"bolt"}, "lines-0-qty": {"3"}, "lines-1-name": {""}, "lines-1-qty": {"x"}}
	req := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	var a, b line
	fa, err := fs.ForPrefix(&a, "lines-0-")
	if err != nil {
		t.Fatal(err)
	}
	fb, err := fs.ForPrefix(&b, "lines-1-")
	if err != nil {
		t.Fatal(err)
	}
	if err := fa.Bind(t.Context(), req()); err != nil {
		t.Fatal(err)
	}
	if err := fb.Bind(t.Context(), req()); err != nil {
		t.Fatal(err)
	}
	if !fa.Valid() || a.Name != "bolt" || a.Qty != 3 {
		t.Errorf("first row: valid=%v %+v %v", fa.Valid(), a, fa.ErrorList())
	}
	if fb.Valid() || len(fb.FieldErrors("lines-1-name")) != 1 || len(fb.FieldErrors("lines-1-qty")) != 1 {
		t.Errorf("second row: %v", fb.ErrorList())
	}
	h, err := fb.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(h), `name="lines-1-qty"`) || !strings.Contains(string(h), `id="id_lines-1-qty"`) || !strings.Contains(string(h), `value="x"`) {
		t.Errorf("rendered row:\n%s", h)
	}
	if _, err := fs.ForPrefix(&a, "bad prefix\n"); err == nil {
		t.Error("a prefix with spaces must be refused")
	}
}
