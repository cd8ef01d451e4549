package sessiontest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sinewdev/sinew/session"
)

// NewStore returns a fresh, empty store for one subtest, cleaned up when t ends.
type NewStore func(t *testing.T) session.Store

// Config tunes the suite. Its zero value is the default.
type Config struct {
	// ExpiresDeleted reports that the store removes expired sessions by itself (Redis),
	// so DeleteExpired is expected to report 0. Default false: DeleteExpired must report
	// every expired session it removed.
	ExpiresDeleted bool
}

// newID returns a session ID shaped like the Manager's: 32 random bytes, base64url.
func newID(t *testing.T) string {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func mustSave(t *testing.T, s session.Store, id string, data []byte, exp time.Time) {
	t.Helper()
	if err := s.Save(context.Background(), id, data, exp); err != nil {
		t.Fatalf("Save(%.20q): %v", id, err)
	}
}

func wantData(t *testing.T, s session.Store, id string, want []byte) {
	t.Helper()
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%.20q): %v", id, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%.20q) = %d bytes %.40q, want %d bytes %.40q", id, len(got), got, len(want), want)
	}
}

func wantMissing(t *testing.T, s session.Store, id string) {
	t.Helper()
	got, err := s.Get(context.Background(), id)
	if !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Get(%.20q) = %.40q, %v; want ErrNotFound", id, got, err)
	}
}

// Run runs the conformance suite against the stores newStore returns.
func Run(t *testing.T, newStore NewStore, cfg Config) {
	t.Helper()
	hour := func() time.Time { return time.Now().Add(time.Hour) }
	tests := []struct {
		name string
		fn   func(t *testing.T, s session.Store)
	}{
		{"SaveGetDelete", func(t *testing.T, s session.Store) {
			id := newID(t)
			wantMissing(t, s, id)
			mustSave(t, s, id, []byte(`{"user":1}`), hour())
			wantData(t, s, id, []byte(`{"user":1}`))
			if err := s.Delete(context.Background(), id); err != nil {
				t.Fatal(err)
			}
			wantMissing(t, s, id)
			if err := s.Delete(context.Background(), id); err != nil {
				t.Fatalf("deleting a missing session: %v", err)
			}
		}},
		{"Replace", func(t *testing.T, s session.Store) {
			id := newID(t)
			mustSave(t, s, id, []byte("first"), hour())
			mustSave(t, s, id, []byte("second, longer"), hour())
			wantData(t, s, id, []byte("second, longer"))
			mustSave(t, s, id, []byte("3"), hour())
			wantData(t, s, id, []byte("3"))
		}},
		{"Isolation", func(t *testing.T, s session.Store) {
			a, b := newID(t), newID(t)
			mustSave(t, s, a, []byte("a"), hour())
			mustSave(t, s, b, []byte("b"), hour())
			wantData(t, s, a, []byte("a"))
			wantData(t, s, b, []byte("b"))
			if err := s.Delete(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			wantMissing(t, s, a)
			wantData(t, s, b, []byte("b"))
		}},
		{"EmptyData", func(t *testing.T, s session.Store) {
			id := newID(t)
			mustSave(t, s, id, nil, hour())
			wantData(t, s, id, []byte{})
		}},
		{"Expiry", func(t *testing.T, s session.Store) {
			short, long := newID(t), newID(t)
			mustSave(t, s, short, []byte("short"), time.Now().Add(300*time.Millisecond))
			mustSave(t, s, long, []byte("long"), hour())
			wantData(t, s, short, []byte("short"))
			time.Sleep(600 * time.Millisecond)
			wantMissing(t, s, short)
			wantData(t, s, long, []byte("long"))
		}},
		{"SaveExpiredDeletes", func(t *testing.T, s session.Store) {
			id := newID(t)
			mustSave(t, s, id, []byte("x"), hour())
			mustSave(t, s, id, []byte("y"), time.Now().Add(-time.Second))
			wantMissing(t, s, id)
		}},
		{"ExtendExpiry", func(t *testing.T, s session.Store) {
			id := newID(t)
			mustSave(t, s, id, []byte("x"), time.Now().Add(300*time.Millisecond))
			mustSave(t, s, id, []byte("x"), hour())
			time.Sleep(600 * time.Millisecond)
			wantData(t, s, id, []byte("x"))
		}},
		{"DeleteExpired", func(t *testing.T, s session.Store) {
			live := newID(t)
			mustSave(t, s, live, []byte("live"), hour())
			var dead []string
			for range 3 {
				id := newID(t)
				dead = append(dead, id)
				mustSave(t, s, id, []byte("dead"), time.Now().Add(300*time.Millisecond))
			}
			time.Sleep(600 * time.Millisecond)
			n, err := s.DeleteExpired(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := int64(3)
			if cfg.ExpiresDeleted {
				want = 0
			}
			if n != want {
				t.Errorf("DeleteExpired removed %d sessions, want %d", n, want)
			}
			for _, id := range dead {
				wantMissing(t, s, id)
			}
			wantData(t, s, live, []byte("live"))
			n, err = s.DeleteExpired(context.Background())
			if err != nil || n != 0 {
				t.Errorf("second DeleteExpired = %d, %v; want 0, nil", n, err)
			}
		}},
		{"Renew", func(t *testing.T, s session.Store) {
			// What Manager.Renew does: save the data under a new ID, delete the old one.
			old, renewed := newID(t), newID(t)
			mustSave(t, s, old, []byte("data"), hour())
			mustSave(t, s, renewed, []byte("data"), hour())
			if err := s.Delete(context.Background(), old); err != nil {
				t.Fatal(err)
			}
			wantMissing(t, s, old)
			wantData(t, s, renewed, []byte("data"))
		}},
		{"LargeBinary", func(t *testing.T, s session.Store) {
			for _, size := range []int{64 << 10, session.MaxDataSize} {
				data := make([]byte, size)
				if _, err := rand.Read(data); err != nil {
					t.Fatal(err)
				}
				data[0], data[1], data[size-1] = 0, 0xff, 0
				id := newID(t)
				mustSave(t, s, id, data, hour())
				wantData(t, s, id, data)
			}
			all := make([]byte, 256)
			for i := range all {
				all[i] = byte(i)
			}
			id := newID(t)
			mustSave(t, s, id, all, hour())
			wantData(t, s, id, all)
		}},
		{"TooLarge", func(t *testing.T, s session.Store) {
			id := newID(t)
			err := s.Save(context.Background(), id, make([]byte, session.MaxDataSize+1), hour())
			if !errors.Is(err, session.ErrTooLarge) {
				t.Fatalf("Save of %d bytes: %v, want ErrTooLarge", session.MaxDataSize+1, err)
			}
			wantMissing(t, s, id)
		}},
		{"HostileIDs", func(t *testing.T, s session.Store) {
			victim := newID(t)
			mustSave(t, s, victim, []byte("victim"), hour())
			hostile := []string{
				"", " ", "*", "?", "[a-z]*", "sinew:session:*", "' OR '1'='1", `"; DROP TABLE sinew_sessions; --`,
				"\x00", "\x00" + victim, victim + "\x00", strings.ToUpper(victim), victim[:42], victim + "=",
				"\xff\xfe", "%", "_", strings.Repeat("A", 10<<10), "é", "\r\nDEL x",
			}
			for _, id := range hostile {
				wantMissing(t, s, id)
				if err := s.Delete(context.Background(), id); err != nil {
					t.Errorf("Delete(%.20q): %v", id, err)
				}
			}
			wantData(t, s, victim, []byte("victim"))
			// Odd IDs that a store accepts are kept apart from each other.
			for i, id := range []string{"*", "' OR '1'='1", "\x00", "\xff\xfe", "%", "_", "é"} {
				data := []byte(fmt.Sprint("odd ", i))
				mustSave(t, s, id, data, hour())
				wantData(t, s, id, data)
			}
			wantData(t, s, victim, []byte("victim"))
			for _, id := range []string{"", strings.Repeat("A", 10<<10)} {
				if err := s.Save(context.Background(), id, []byte("x"), hour()); !errors.Is(err, session.ErrInvalidID) {
					t.Errorf("Save(%.20q) = %v, want ErrInvalidID", id, err)
				}
			}
		}},
		{"Concurrent", func(t *testing.T, s session.Store) {
			id := newID(t)
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for i := range 16 {
				wg.Go(func() {
					data := bytes.Repeat([]byte{byte('a' + i)}, 1000)
					if err := s.Save(context.Background(), id, data, hour()); err != nil {
						errs <- err
						return
					}
					if _, err := s.Get(context.Background(), id); err != nil {
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			got, err := s.Get(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			// Last write wins: the data is one writer's, whole.
			if len(got) != 1000 || !bytes.Equal(got, bytes.Repeat(got[:1], 1000)) {
				t.Fatalf("concurrent saves left mixed data: %.40q (%d bytes)", got, len(got))
			}
		}},
		{"CanceledContext", func(t *testing.T, s session.Store) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			id := newID(t)
			if err := s.Save(ctx, id, []byte("x"), hour()); err == nil {
				t.Error("Save with a canceled context succeeded")
			}
			if _, err := s.Get(ctx, id); err == nil {
				t.Error("Get with a canceled context succeeded")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}
