package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// ErrNotFound is returned by Store.Get when no live session has the ID: it never existed,
// was deleted, or has expired.
var ErrNotFound = errors.New("session: not found")

// ErrTooLarge is returned when a session's encoded data exceeds the size limit
// (Config.MaxSize for the Manager, MaxDataSize for the stores).
var ErrTooLarge = errors.New("session: data too large")

// ErrInvalidID is returned by a Store asked to save a session under an empty or oversized
// ID.
var ErrInvalidID = errors.New("session: invalid session ID")

// MaxDataSize is the largest data a store accepts, whatever the Manager's configuration:
// 1 MiB.
const MaxDataSize = 1 << 20

// maxIDLen bounds the IDs a store accepts on Save. The Manager's IDs are 43 characters.
const maxIDLen = 256

// Store keeps session data by session ID. The IDs it is given are the secret values of
// the cookies; a Store must never keep them as they are (the stores of this package key
// their rows by a SHA-256 hash of the ID), so that a leaked table or key space gives no
// usable session.
//
// Implementations are safe for concurrent use. Concurrent saves of one ID are not merged:
// the last write wins.
type Store interface {
	// Get returns the data of the session id. It returns ErrNotFound (possibly wrapped)
	// when there is no such session or it has expired; any ID, however malformed, is
	// merely not found.
	Get(ctx context.Context, id string) ([]byte, error)
	// Save creates or replaces the session id with data, valid until expires. An expiry
	// that has passed deletes the session.
	Save(ctx context.Context, id string, data []byte, expires time.Time) error
	// Delete removes the session id. Deleting a missing session is not an error.
	Delete(ctx context.Context, id string) error
	// DeleteExpired removes expired sessions and returns how many it removed (stores that
	// expire entries by themselves, like Redis, return 0).
	DeleteExpired(ctx context.Context) (int64, error)
}

// hashID returns the key under which a store keeps the session id: the hex SHA-256 of id.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// checkSave validates the arguments of Store.Save.
func checkSave(id string, data []byte) error {
	if id == "" || len(id) > maxIDLen {
		return ErrInvalidID
	}
	if len(data) > MaxDataSize {
		return ErrTooLarge
	}
	return nil
}
