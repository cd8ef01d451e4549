package form

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/storage"
)

// pngBytes returns n bytes starting with the PNG signature.
func pngBytes(n int) []byte {
	b := bytes.Repeat([]byte{0x42}, n)
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}

type uploadForm struct {
	Title  string  `form:"title" validate:"required"`
	Avatar *File   `form:"avatar" accept:"image/png,image/jpeg" maxsize:"64KiB"`
	Docs   []*File `form:"docs"`
}

// tempFiles lists the files in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestUploads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		parts     []part
		wantErr   map[string]string // field → code
		avatar    int64             // expected size of the avatar, -1 for none
		docs      int
		spilled   bool // the avatar is big enough to go to a temporary file
		ctype     string
		wantTitle string
	}{
		{name: "small image in memory", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "me.png", content: pngBytes(1000)}},
			avatar: 1000, ctype: "image/png", wantTitle: "t"},
		{name: "image spilled to a temporary file", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "me.png", content: pngBytes(60 << 10)}},
			avatar: 60 << 10, spilled: true, ctype: "image/png", wantTitle: "t"},
		{name: "exactly at the limit", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "me.png", content: pngBytes(64 << 10)}},
			avatar: 64 << 10, spilled: true, ctype: "image/png", wantTitle: "t"},
		{name: "one byte over the limit", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "me.png", content: pngBytes(64<<10 + 1)}},
			avatar: -1, wantErr: map[string]string{"avatar": CodeFileSize}, wantTitle: "t"},
		{name: "far over the limit", parts: []part{{name: "avatar", filename: "me.png", content: pngBytes(5 << 20)}, {name: "title", content: []byte("after")}},
			avatar: -1, wantErr: map[string]string{"avatar": CodeFileSize}, wantTitle: "after"},
		{name: "HTML named .png is refused", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "me.png", content: []byte("<html><script>alert(1)</script>")}},
			avatar: -1, wantErr: map[string]string{"avatar": CodeFileType}, wantTitle: "t"},
		{name: "text outside the field's allow-list", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "a.txt", content: []byte("plain")}},
			avatar: -1, wantErr: map[string]string{"avatar": CodeFileType}, wantTitle: "t"},
		{name: "SVG is not an image", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "x.svg", content: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}},
			avatar: -1, wantErr: map[string]string{"avatar": CodeFileType}, wantTitle: "t"},
		{name: "SVG among documents is plain text", parts: []part{{name: "title", content: []byte("t")}, {name: "docs", filename: "x.svg", content: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}},
			avatar: -1, docs: 1, wantTitle: "t"},
		{name: "empty file", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "me.png"}},
			avatar: -1, wantErr: map[string]string{"avatar": CodeFileEmpty}, wantTitle: "t"},
		{name: "no file chosen", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "", content: nil}},
			avatar: -1, wantTitle: "t"},
		{name: "several documents", parts: []part{{name: "title", content: []byte("t")}, {name: "docs", filename: "a.pdf", content: []byte("%PDF-1.7 ...")},
			{name: "docs", filename: "b.txt", content: []byte("notes")}}, avatar: -1, docs: 2, wantTitle: "t"},
		{name: "second file for a single field is ignored", parts: []part{{name: "title", content: []byte("t")}, {name: "avatar", filename: "a.png", content: pngBytes(10)},
			{name: "avatar", filename: "b.png", content: pngBytes(20)}}, avatar: 10, ctype: "image/png", wantTitle: "t"},
		{name: "file for an unknown field is skipped", parts: []part{{name: "title", content: []byte("t")}, {name: "other", filename: "a.png", content: pngBytes(10)}},
			avatar: -1, wantTitle: "t"},
		{name: "file sent to a text field is skipped", parts: []part{{name: "title", filename: "a.png", content: pngBytes(10)}},
			avatar: -1, wantErr: map[string]string{"title": "required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmp := t.TempDir()
			fs := newForms(t, Config{TempDir: tmp, MaxMemory: 32 << 10})
			var u uploadForm
			f, err := fs.Bind(context.Background(), postMultipart(t, tt.parts...), &u)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := map[string]string{}
			for _, e := range f.ErrorList() {
				got[e.Field] = e.Code
			}
			if len(got) != len(tt.wantErr) {
				t.Fatalf("errors %v, want %v", messages(f), tt.wantErr)
			}
			for k, v := range tt.wantErr {
				if got[k] != v {
					t.Fatalf("errors %v, want %v", messages(f), tt.wantErr)
				}
			}
			if u.Title != tt.wantTitle {
				t.Fatalf("title %q, want %q", u.Title, tt.wantTitle)
			}
			if tt.avatar < 0 {
				if u.Avatar != nil {
					t.Fatalf("avatar %+v, want none", u.Avatar)
				}
			} else {
				if u.Avatar == nil || u.Avatar.Size != tt.avatar || u.Avatar.ContentType != tt.ctype {
					t.Fatalf("avatar %+v, want %d bytes of %s", u.Avatar, tt.avatar, tt.ctype)
				}
				rc, err := u.Avatar.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				if !bytes.Equal(b, pngBytes(int(tt.avatar))) && !strings.Contains(tt.name, "second") {
					t.Fatal("avatar content differs")
				}
			}
			if len(u.Docs) != tt.docs {
				t.Fatalf("%d documents, want %d", len(u.Docs), tt.docs)
			}
			for _, d := range u.Docs {
				if d.Filename == "x.svg" && (d.ContentType != "text/plain" || d.Ext() != "txt") {
					t.Fatalf("SVG document sniffed as %s (.%s), want text/plain stored as .txt", d.ContentType, d.Ext())
				}
			}
			if n := len(tempFiles(t, tmp)); (n == 1) != tt.spilled || n > 1 {
				t.Fatalf("%d temporary files (spilled: %v)", n, tt.spilled)
			}
			f.Close()
			if left := tempFiles(t, tmp); len(left) != 0 {
				t.Fatalf("Close left %v", left)
			}
			if u.Avatar != nil {
				if _, err := u.Avatar.Open(); err == nil {
					t.Fatal("Open after Close succeeded")
				}
			}
		})
	}
}

func TestUploadSavedOnlyWhenValid(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	store, err := storage.NewDisk(filepath.Join(tmp, "uploads"), storage.DiskConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	fs := newForms(t, Config{TempDir: tmp, MaxMemory: 1024})
	ctx := context.Background()

	// Invalid form (no title): the handler does not save, and nothing is stored.
	var u uploadForm
	f := bind(t, fs, postMultipart(t, part{name: "avatar", filename: "../../evil.html", content: pngBytes(5000)}), &u)
	if f.Valid() {
		t.Fatal("form without a title is valid")
	}
	f.Close()
	if files := tempFiles(t, store.Dir()); len(files) != 0 {
		t.Fatalf("stored %v for an invalid form", files)
	}

	// Valid form: the file is saved under a generated name with the sniffed type's extension.
	u = uploadForm{}
	f = bind(t, fs, postMultipart(t, part{name: "title", content: []byte("me")}, part{name: "avatar", filename: `..\..\evil.html`, content: pngBytes(5000)}), &u)
	if !f.Valid() {
		t.Fatalf("errors %v", messages(f))
	}
	if u.Avatar.Filename != "evil.html" {
		t.Fatalf("filename %q, want the last element only", u.Avatar.Filename)
	}
	key, err := u.Avatar.Save(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if !storage.ValidKey(key) || !strings.HasSuffix(key, ".png") {
		t.Fatalf("key %q, want a generated .png key", key)
	}
	rc, err := store.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(b, pngBytes(5000)) {
		t.Fatal("stored content differs")
	}
	f.Close()
	if left := tempFiles(t, tmp); len(left) != 1 { // just the uploads directory
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestUploadTempFilesRemovedWhenRequestEnds(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	fs := newForms(t, Config{TempDir: tmp, MaxMemory: 1024})
	ctx, cancel := context.WithCancel(context.Background())
	r := postMultipart(t, part{name: "title", content: []byte("t")}, part{name: "avatar", filename: "a.png", content: pngBytes(10_000)}).WithContext(ctx)
	var u uploadForm
	if _, err := fs.Bind(context.Background(), r, &u); err != nil { // no Close: the request's end cleans up
		t.Fatal(err)
	}
	if len(tempFiles(t, tmp)) != 1 {
		t.Fatal("no temporary file while the request runs")
	}
	cancel() // net/http cancels the request's context when the handler returns
	deadline := time.Now().Add(10 * time.Second)
	for len(tempFiles(t, tmp)) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("temporary file not removed after the request ended")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFileExt(t *testing.T) {
	t.Parallel()
	for ctype, want := range map[string]string{"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf", "text/plain": "txt", "text/html": "bin", "": "bin"} {
		if got := (&File{ContentType: ctype}).Ext(); got != want {
			t.Errorf("Ext of %q = %q, want %q", ctype, got, want)
		}
	}
	for in, want := range map[string]string{"a.png": "a.png", "../../etc/passwd": "passwd", `C:\Users\x\doc.pdf`: "doc.pdf",
		"a\x00b\x1b[31m.png": "ab[31m.png", "\u202egnp.exe": "gnp.exe", strings.Repeat("é", 200): strings.Repeat("é", 127)} {
		if got := cleanFilename(in); got != want {
			t.Errorf("cleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMalformedMultipart(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{TempDir: t.TempDir()})
	good := postMultipart(t, part{name: "title", content: []byte("kept")}, part{name: "avatar", filename: "a.png", content: pngBytes(100)})
	full, _ := io.ReadAll(good.Body)
	ct := good.Header.Get("Content-Type")
	tests := []struct {
		name, ctype string
		body        []byte
	}{
		{"truncated body", ct, full[:len(full)-20]},
		{"garbage", ct, []byte("this is not multipart at all")},
		{"no boundary", "multipart/form-data", full},
		{"wrong boundary", "multipart/form-data; boundary=nope", full},
		{"bad part header", ct, bytes.Replace(full, []byte("Content-Disposition"), []byte("Content\x00Disposition\r\nBroken"), 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			var u uploadForm
			f := bind(t, fs, r, &u)
			if f.Valid() {
				t.Fatal("a malformed body gives a valid form")
			}
			nf := f.NonFieldErrors()
			if len(nf) != 1 || !strings.Contains(nf[0], "could not be read") {
				t.Fatalf("non-field errors %q, want the malformed-body message", nf)
			}
			h, err := f.Errors()
			if err != nil || !strings.Contains(string(h), `role="alert"`) {
				t.Fatalf("rendered errors %q, %v", h, err)
			}
		})
	}
}

func TestHugeTextField(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{})         // 1 MiB per value, 32 MiB per request
	huge := strings.Repeat("A", 10<<20) // 10 MiB
	for name, r := range map[string]*http.Request{
		"urlencoded": postForm(url.Values{"title": {huge}}),
		"multipart":  postMultipart(t, part{name: "title", content: []byte(huge)}),
	} {
		var u uploadForm
		f := bind(t, fs, r, &u)
		errs := f.ErrorList()
		if len(errs) != 1 || errs[0].Field != "title" || errs[0].Code != CodeTooLong || errs[0].Message != "This value is too long (at most 1 MiB)." {
			t.Fatalf("%s: errors %v", name, messages(f))
		}
		if u.Title != "" {
			t.Fatalf("%s: the huge value was bound", name)
		}
		if h := render(t, f); len(h) > 10_000 {
			t.Fatalf("%s: the form rendered again holds %d bytes: the value must not be echoed", name, len(h))
		}
	}
}
