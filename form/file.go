package form

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
)

// File is an uploaded file, checked and held until the handler saves it: its content is in
// memory (up to Config.MaxMemory) or in a temporary file that is removed when the request
// ends. A form field of type *File (or []*File for several) receives it; it is nil when no
// file was chosen. Save it with Save once the whole form is valid.
type File struct {
	// Filename is the name the client gave (its last element only, without control
	// characters). Show it, but never use it as a path: Save generates the stored name.
	Filename string
	// Size is the length in bytes.
	Size int64
	// ContentType is the media type sniffed from the content (http.DetectContentType),
	// such as "image/png"; the type the client claimed is ignored.
	ContentType string

	mu   sync.Mutex
	data []byte // the content, when it fits in memory
	path string // the temporary file holding the content otherwise
	gone bool
}

// Saver stores a file's content and returns the key it is stored under. storage.Disk (and
// every storage.Store) is one.
type Saver interface {
	Save(ctx context.Context, name string, r io.Reader) (key string, err error)
}

// Open returns the file's content.
func (f *File) Open() (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return nil, fmt.Errorf("form: upload %q: %w (the request has ended)", f.Filename, fs.ErrClosed)
	}
	if f.path == "" {
		return io.NopCloser(bytes.NewReader(f.data)), nil
	}
	return os.Open(f.path)
}

// Ext returns the extension matching the sniffed content type ("png", "jpg", "pdf", "txt"),
// or "bin" for a type without a usual extension. It never comes from the client's file
// name, so a stored file is served with the type its content has.
func (f *File) Ext() string {
	if ext := extensions[f.ContentType]; ext != "" {
		return ext
	}
	return "bin"
}

// extensions maps the types http.DetectContentType reports to the usual extension.
var extensions = map[string]string{
	"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
	"image/bmp": "bmp", "image/x-icon": "ico", "image/avif": "avif", "application/pdf": "pdf",
	"text/plain": "txt", "text/csv": "csv", "application/zip": "zip", "application/x-gzip": "gz",
	"audio/mpeg": "mp3", "audio/wave": "wav", "audio/ogg": "ogg", "video/mp4": "mp4",
	"video/webm": "webm", "application/ogg": "ogg", "font/woff": "woff", "font/woff2": "woff2",
}

// Save stores the file with s under a name s generates (with the extension of the sniffed
// type) and returns its key.
func (f *File) Save(ctx context.Context, s Saver) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	key, err := s.Save(ctx, "upload."+f.Ext(), rc)
	if err != nil {
		return "", fmt.Errorf("form: saving upload %q: %w", f.Filename, err)
	}
	return key, nil
}

// remove deletes the temporary file, if any; the File cannot be opened afterwards.
func (f *File) remove() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gone = true
	f.data = nil
	if f.path == "" {
		return nil
	}
	err := os.Remove(f.path)
	f.path = ""
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return err
}

// cleanFilename keeps the last element of a client's file name, without control characters
// and at most 255 bytes.
func cleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd || (r >= 0x80 && r < 0xa0) || r == 0x202e || r == 0x202d {
			return -1
		}
		return r
	}, name)
	if len(name) > 255 {
		name = strings.ToValidUTF8(name[:255], "")
	}
	return name
}

// allowedType reports whether the media type matches one of the patterns ("image/png",
// "image/*", "*/*").
func allowedType(media string, patterns []string) bool {
	for _, p := range patterns {
		if p == media || p == "*/*" {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, "/*"); ok && strings.HasPrefix(media, prefix+"/") {
			return true
		}
	}
	return false
}
