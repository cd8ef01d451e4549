package ratelimit_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/ratelimit"
)

func TestOpenStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := ormtest.OpenSQLite(t, orm.Config{})
	tests := []struct {
		name, url string
		db        *orm.DB
		want      string // the store's type, or "error: <substring>"
	}{
		{"default", "", db, "*ratelimit.DBStore"},
		{"database", "database", db, "*ratelimit.DBStore"},
		{"memory", "memory", nil, "*ratelimit.MemoryStore"},
		{"memory upper", " MEMORY ", nil, "*ratelimit.MemoryStore"},
		{"no database", "", nil, "error: needs a database"},
		{"unknown scheme", "memcached://127.0.0.1:11211", db, "error: unsupported store"},
		{"garbage", "::::", db, "error: " + ratelimit.StoreEnv},
		{"bad redis url", "redis://:secret@127.0.0.1:notaport/0", db, "error: " + ratelimit.StoreEnv},
		{"redis down", "redis://:hunter2@127.0.0.1:1/0", db, "error: connecting to Redis"},
		{"huge", strings.Repeat("x", 100000) + "://", db, "error: "},
		{"slash in the password", "redis://:hunter2/x@127.0.0.1:6379/0", db, "error: not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			s, err := ratelimit.OpenStore(ctx, tt.url, tt.db)
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("OpenStore(%.30q) = %v, want an error containing %q", tt.url, err, want)
				}
				if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "secret") {
					t.Fatalf("error leaks the password: %v", err)
				}
				if len(err.Error()) > 400 {
					t.Fatalf("error of %d bytes echoes the input", len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := typeName(s); got != tt.want {
				t.Fatalf("OpenStore(%q) = %s, want %s", tt.url, got, tt.want)
			}
			if c, ok := s.(io.Closer); !ok || c.Close() != nil {
				t.Fatal("store is not an io.Closer closing cleanly")
			}
		})
	}
	t.Run("unsupported is matchable", func(t *testing.T) {
		_, err := ratelimit.OpenStore(ctx, "memcached://x", db)
		if !errors.Is(err, ratelimit.ErrUnsupportedStore) {
			t.Fatalf("%v, want ErrUnsupportedStore", err)
		}
	})
}

func TestOpenStoreRedis(t *testing.T) {
	t.Parallel()
	u := ratelimittestRequire(t)
	s, err := ratelimit.OpenStore(context.Background(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.(io.Closer).Close()
	key := "open-test:" + time.Now().String()
	defer s.Reset(context.Background(), key)
	if n, _, err := s.Hit(context.Background(), key, time.Minute); err != nil || n != 1 {
		t.Fatalf("Hit = %d, %v", n, err)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *ratelimit.DBStore:
		return "*ratelimit.DBStore"
	case *ratelimit.MemoryStore:
		return "*ratelimit.MemoryStore"
	case *ratelimit.RedisStore:
		return "*ratelimit.RedisStore"
	}
	return "unknown"
}
