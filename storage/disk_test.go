package storage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newDisk(t *testing.T) *Disk {
	t.Helper()
	d, err := NewDisk(filepath.Join(t.TempDir(), "uploads"), DiskConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// files lists the names in the Disk's directory.
func files(t *testing.T, d *Disk) []string {
	t.Helper()
	entries, err := os.ReadDir(d.Dir())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestDiskSaveOpenDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, hint, wantExt string
		content             []byte
	}{
		{"png", "photo.PNG", ".png", []byte("\x89PNG\r\n\x1a\nrest")},
		{"no extension", "README", "", []byte("text")},
		{"traversal in hint", "../../etc/passwd", "", []byte("x")},
		{"windows traversal", `..\..\boot.ini`, ".ini", []byte("x")},
		{"double extension", "shell.php.jpg", ".jpg", []byte("x")},
		{"hostile extension", "a.php;.html%00", "", []byte("x")},
		{"long extension", "a.abcdefghijk", "", []byte("x")},
		{"empty file", "empty.txt", ".txt", nil},
		{"large file", "big.bin", ".bin", bytes.Repeat([]byte("0123456789"), 200_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDisk(t)
			ctx := context.Background()
			key, err := d.Save(ctx, tt.hint, bytes.NewReader(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if !ValidKey(key) || filepath.Ext(key) != tt.wantExt || strings.ContainsAny(key, `/\`) {
				t.Fatalf("key %q: want a valid key with extension %q", key, tt.wantExt)
			}
			if got := files(t, d); len(got) != 1 || got[0] != key {
				t.Fatalf("directory holds %v, want just %s", got, key)
			}
			rc, err := d.Open(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, tt.content) {
				t.Fatalf("read back %d bytes (err %v), want %d", len(got), err, len(tt.content))
			}
			if err := d.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Open after Delete: %v, want fs.ErrNotExist", err)
			}
			if err := d.Delete(ctx, key); err != nil {
				t.Fatalf("second Delete: %v, want nil", err)
			}
		})
	}
}

func TestDiskRejectsForeignKeys(t *testing.T) {
	t.Parallel()
	d := newDisk(t)
	ctx := context.Background()
	// A file next to the storage directory that no key may reach.
	secret := filepath.Join(filepath.Dir(d.Dir()), "app.db")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A symbolic link inside the directory, pointing out of it, with a key-shaped name.
	link := strings.Repeat("a", 32) + ".db"
	if err := os.Symlink(secret, filepath.Join(d.Dir(), link)); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		"../app.db", "/etc/passwd", "", ".", "..", ".tmp-" + strings.Repeat("0", 32),
		strings.Repeat("a", 32) + "/../../app.db", strings.Repeat("A", 32),
		strings.Repeat("a", 32) + ".", strings.Repeat("a", 32) + ".PNG", strings.Repeat("a", 31),
		strings.Repeat("a", 32) + ".abcdefghijk", strings.Repeat("a", 32) + ".png/x",
		strings.Repeat("../", 1000),
	} {
		if _, err := d.Open(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q): %v, want ErrInvalidKey", cut(key), err)
		}
		if err := d.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Delete(%q): %v, want ErrInvalidKey", cut(key), err)
		}
	}
	// The link has a valid key's shape, but os.Root refuses to follow it out of the directory.
	if rc, err := d.Open(ctx, link); err == nil {
		b, _ := io.ReadAll(rc)
		rc.Close()
		t.Fatalf("Open followed a symbolic link out of the directory and read %q", b)
	}
	if _, err := fs.ReadFile(d.FS(), link); err == nil {
		t.Fatal("FS followed a symbolic link out of the directory")
	}
	if _, err := fs.ReadFile(d.FS(), "../app.db"); err == nil {
		t.Fatal("FS opened a file outside the directory")
	}
}

// failingReader returns some bytes, then an error.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n > 0 {
		n := min(f.n, len(p))
		f.n -= n
		return n, nil
	}
	return 0, errors.New("connection reset")
}

func TestDiskSaveLeavesNothingOnFailure(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		r    io.Reader
		want string
	}{
		{"reader fails midway", context.Background(), &failingReader{n: 100_000}, "connection reset"},
		{"context cancelled", cancelled, strings.NewReader("x"), "context canceled"},
		{"cancelled during copy", nil, nil, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDisk(t)
			ctx, r := tt.ctx, tt.r
			if ctx == nil {
				c, cancel := context.WithCancel(context.Background())
				ctx = c
				r = io.MultiReader(strings.NewReader("first part"), readerFunc(func(p []byte) (int, error) {
					cancel()
					return copy(p, "more"), nil
				}), strings.NewReader("never read"))
			}
			_, err := d.Save(ctx, "a.txt", r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Save: %v, want an error containing %q", err, tt.want)
			}
			if got := files(t, d); len(got) != 0 {
				t.Fatalf("a failed Save left %v", got)
			}
		})
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestDiskConcurrentSaves(t *testing.T) {
	t.Parallel()
	d := newDisk(t)
	const n = 50
	keys := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := d.Save(context.Background(), "f.txt", strings.NewReader(strings.Repeat("x", i)))
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, k := range keys {
		if seen[k] {
			t.Fatalf("key %s generated twice", k)
		}
		seen[k] = true
		b, err := fs.ReadFile(d.FS(), k)
		if err != nil || len(b) != i {
			t.Fatalf("file %d: %d bytes, %v", i, len(b), err)
		}
	}
}

func TestNewDiskErrors(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"", file, filepath.Join(file, "sub")} {
		if d, err := NewDisk(dir, DiskConfig{}); err == nil {
			d.Close()
			t.Errorf("NewDisk(%q) succeeded", dir)
		}
	}
}

func TestExt(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"photo.jpg": "jpg", "Photo.JPEG": "jpeg", "archive.tar.gz": "gz", "noext": "", "dot.": "",
		".hidden": "hidden", "../../x.png": "png", `C:\x\y.GIF`: "gif", "x.p-g": "", "x.pñg": "",
		"x.png/": "png", "x.png ": "", "a.0123456789": "0123456789", "a.0123456789a": "", "": "",
	}
	for in, want := range tests {
		if got := Ext(in); got != want {
			t.Errorf("Ext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzExt checks that whatever the name hint, the key Disk would build from it is valid.
func FuzzExt(f *testing.F) {
	for _, s := range []string{"a.png", "../../etc/passwd", "x.PHP;.jpg", "\x00.png", ".", "a.ünï"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		ext := Ext(name)
		key := strings.Repeat("0", 32)
		if ext != "" {
			key += "." + ext
		}
		if !ValidKey(key) {
			t.Fatalf("Ext(%q) = %q gives the invalid key %q", name, ext, key)
		}
	})
}
