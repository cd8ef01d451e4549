package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// DiskConfig configures a [Disk]. Its zero value is the default.
type DiskConfig struct {
	// FileMode is the permission of saved files. Default: 0o640.
	FileMode fs.FileMode
	// DirMode is the permission of the directory when NewDisk creates it. Default: 0o750.
	DirMode fs.FileMode
}

// Disk is a [Store] over a directory of the local file system. It is safe for concurrent
// use.
type Disk struct {
	root *os.Root
	dir  string
	mode fs.FileMode
}

// maxExt is the longest extension a key keeps (without the dot).
const maxExt = 10

// NewDisk returns a Disk storing files in dir, which is created if needed. Close releases
// the directory handle.
func NewDisk(dir string, cfg DiskConfig) (*Disk, error) {
	if cfg.FileMode == 0 {
		cfg.FileMode = 0o640
	}
	if cfg.DirMode == 0 {
		cfg.DirMode = 0o750
	}
	if dir == "" {
		return nil, errors.New("storage: empty directory name")
	}
	if err := os.MkdirAll(dir, cfg.DirMode); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	return &Disk{root: root, dir: dir, mode: cfg.FileMode}, nil
}

// Dir returns the directory the Disk stores files in.
func (d *Disk) Dir() string { return d.dir }

// FS returns the stored files as an fs.FS confined to the directory, for serving them
// (web.Static) or listing them. Only files Save wrote live there (and, for an instant,
// its temporary files, whose names start with a dot).
func (d *Disk) FS() fs.FS { return d.root.FS() }

// Close releases the directory handle. The Disk must not be used afterwards.
func (d *Disk) Close() error { return d.root.Close() }

// Save copies r into a new file named by a random key with the extension of name, and
// returns the key. The copy goes to a temporary file that is synced and renamed into
// place; if r fails or ctx is cancelled, the temporary file is removed and nothing is
// stored.
func (d *Disk) Save(ctx context.Context, name string, r io.Reader) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	id, err := randomID()
	if err != nil {
		return "", err
	}
	key := id
	if ext := Ext(name); ext != "" {
		key += "." + ext
	}
	tmp := ".tmp-" + id
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, d.mode)
	if err != nil {
		return "", fmt.Errorf("storage: %w", err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		d.root.Remove(tmp)
		return "", err
	}
	if _, err := io.Copy(f, ctxReader{ctx, r}); err != nil {
		return fail(fmt.Errorf("storage: saving %s: %w", key, err))
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("storage: %w", err))
	}
	if err := f.Close(); err != nil {
		d.root.Remove(tmp)
		return "", fmt.Errorf("storage: %w", err)
	}
	if err := d.root.Rename(tmp, key); err != nil {
		d.root.Remove(tmp)
		return "", fmt.Errorf("storage: %w", err)
	}
	return key, nil
}

// Open opens the file with the given key for reading. The returned value is an *os.File.
func (d *Disk) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !ValidKey(key) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidKey, cut(key))
	}
	f, err := d.root.Open(key)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	return f, nil
}

// Delete removes the file with the given key; a key that does not exist is not an error.
func (d *Disk) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidKey(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, cut(key))
	}
	if err := d.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}

// ValidKey reports whether key has the shape of a key Disk generates: 32 lowercase hex
// digits, optionally followed by a dot and one to ten lowercase letters or digits.
func ValidKey(key string) bool {
	id, ext, hasExt := strings.Cut(key, ".")
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	if !hasExt {
		return true
	}
	if len(ext) == 0 || len(ext) > maxExt {
		return false
	}
	for i := 0; i < len(ext); i++ {
		if c := ext[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// Ext returns the extension a key gets for the name hint: the part after the last dot of
// the name's last path element, lowercased, if it is one to ten ASCII letters or digits;
// otherwise "". Ext("../x/Photo.JPG") is "jpg"; Ext("a.php;.html ") is "".
func Ext(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return ""
	}
	ext := name[i+1:]
	if len(ext) == 0 || len(ext) > maxExt {
		return ""
	}
	b := make([]byte, len(ext))
	for j := 0; j < len(ext); j++ {
		c := ext[j]
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			return ""
		}
		b[j] = c
	}
	return string(b)
}

func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("storage: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// cut shortens a hostile key for an error message.
func cut(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// ctxReader stops a copy when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

var _ Store = (*Disk)(nil)
