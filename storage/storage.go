package storage

import (
	"context"
	"errors"
	"io"
)

// Store saves, opens and deletes files by key. Implementations generate the keys: a key
// is safe to put in a URL path and to store in a database column.
type Store interface {
	// Save copies r into a new file and returns its key. name is a hint (usually the
	// uploaded file's name, or just an extension such as "upload.png") from which only a
	// sanitised extension is kept. Nothing is left behind when Save fails.
	Save(ctx context.Context, name string, r io.Reader) (key string, err error)
	// Open returns the content of the file with the given key. A key that does not exist
	// gives an error wrapping fs.ErrNotExist; a malformed key gives ErrInvalidKey.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the file with the given key. Deleting a key that does not exist is
	// not an error.
	Delete(ctx context.Context, key string) error
}

// ErrInvalidKey is returned for a key the store could not have generated (an attempt to
// reach another file, such as "../app.db").
var ErrInvalidKey = errors.New("storage: invalid key")
