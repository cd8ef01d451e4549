package form

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type fuzzForm struct {
	allTypes
	Upload *File   `form:"upload"`
	Many   []*File `form:"many"`
}

// FuzzBind feeds arbitrary bodies, as URL-encoded and multipart forms, to Bind: it must never
// panic, must answer either a form or a 413/415 RequestError, and the form must render.
func FuzzBind(f *testing.F) {
	f.Add(0, "s=hello&i=42&b=on&strs=a&strs=c&d=2024-01-02&dt=2024-01-02T10:00&f64=1.5")
	f.Add(0, "i=abc&i8=999&u=-1&f32=NaN&pt=x&addr=::1&named=high&ints=2")
	f.Add(0, "%zz=%&&&=;s=%00")
	f.Add(1, "--B\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\nvalue\r\n--B\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nxxxx\r\n--B--\r\n")
	f.Add(1, "--B\r\nContent-Disposition: form-data; name=\"many\"; filename=\"../x.txt\"\r\n\r\nplain text\r\n--B\r\nContent-Disposition: form-data; name=\"i\"\r\n\r\n12\r\n--B--")
	f.Add(1, "--B\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\nunterminated")
	f.Add(1, "garbage")
	dir := f.TempDir()
	fs, err := New(Config{TempDir: dir, MaxMemory: 64, MaxRequestBytes: 1 << 16, MaxFieldBytes: 1 << 10, MaxFileBytes: 1 << 12, MaxFields: 50})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, kind int, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		if kind%2 == 0 {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		}
		var v fuzzForm
		form, err := fs.Bind(context.Background(), r, &v)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) || (re.StatusCode() != 413 && re.StatusCode() != 415) {
				t.Fatalf("Bind: %v", err)
			}
			return
		}
		defer form.Close()
		if form.Valid() != (len(form.ErrorList()) == 0) {
			t.Fatal("Valid disagrees with the error list")
		}
		if _, err := form.HTML(); err != nil {
			t.Fatalf("render: %v", err)
		}
		if _, err := form.Errors(); err != nil {
			t.Fatalf("render errors: %v", err)
		}
		// A text value bound without error is the value as typed, trimmed.
		if b, _ := form.Bound("s"); !b.Invalid() && b.Value() != "" && strings.TrimSpace(b.Value()) != v.S {
			t.Fatalf("s bound %q from %q", v.S, b.Value())
		}
		for _, file := range append([]*File{v.Upload}, v.Many...) {
			if file != nil && (file.Size > 1<<12 || file.Size <= 0 || !allowedType(file.ContentType, defaultAllowedTypes)) {
				t.Fatalf("accepted file %+v", file)
			}
		}
	})
}

// FuzzTagParsers checks the parsers of the maxsize and choices tags: no panic, and what they
// accept is usable (a positive size, choices with a value and a label).
func FuzzTagParsers(f *testing.F) {
	for _, s := range []string{"2MB", "1.5MiB", "512", "0", "-1KB", "1e300GB", "draft:Draft|live:Live", "a||b", ":x", "ü:Ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseSize(s); err == nil && n <= 0 {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
		if choices, err := parseChoices(s); err == nil {
			for _, c := range choices {
				if c.Value == "" || c.Label == "" {
					t.Fatalf("parseChoices(%q) gave %+v", s, c)
				}
			}
		}
	})
}
