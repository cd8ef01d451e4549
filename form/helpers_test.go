package form

import (
	"bytes"
	"context"
	"flag"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// newForms returns a Forms with cfg, failing the test on error.
func newForms(t testing.TB, cfg Config) *Forms {
	t.Helper()
	fs, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// postForm builds a URL-encoded POST request.
func postForm(values url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(values.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// part is one part of a multipart body.
type part struct {
	name, filename string
	content        []byte
}

// postMultipart builds a multipart POST request.
func postMultipart(t testing.TB, parts ...part) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
			h.Set("Content-Type", "application/octet-stream")
			w, err = mw.CreatePart(h)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.content)
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

// bind binds r into v and fails the test on a Bind error; the form is closed at the end of
// the test.
func bind(t testing.TB, fs *Forms, r *http.Request, v any, fields ...string) *Form {
	t.Helper()
	f, err := fs.Bind(context.Background(), r, v, fields...)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// golden compares got with the file testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
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
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// render renders the whole form, failing the test on error.
func render(t testing.TB, f *Form) string {
	t.Helper()
	h, err := f.HTML()
	if err != nil {
		t.Fatal(err)
	}
	nf, err := f.Errors()
	if err != nil {
		t.Fatal(err)
	}
	return string(nf) + string(h)
}
