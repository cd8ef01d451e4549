package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/sinewdev/sinew/orm"
)

// StoreEnv is the environment variable naming the rate-limit store: empty (or "database")
// for the app's database, "memory" for a per-process store, or a redis:// (rediss:// for
// TLS) URL. The app reads it and passes its value to OpenStore.
const StoreEnv = "SINEW_RATELIMIT_STORE"

// ErrUnsupportedStore is returned by OpenStore for a value that names no store.
var ErrUnsupportedStore = errors.New("ratelimit: unsupported store (want empty or \"database\" for the database, \"memory\", or a redis:// URL)")

// OpenStore returns the store that storeURL (the value of SINEW_RATELIMIT_STORE) names:
// the database store on db when it is empty or "database", a MemoryStore for "memory", a
// Redis store for a redis:// or rediss:// URL (the connection is checked with a PING).
// Every returned store implements io.Closer: closing a Redis store opened here closes its
// connections; closing the others does nothing. The database store's table comes from
// Migrations or CreateTable.
func OpenStore(ctx context.Context, storeURL string, db *orm.DB) (Store, error) {
	switch strings.ToLower(strings.TrimSpace(storeURL)) {
	case "", "database", "db":
		if db == nil {
			return nil, errors.New("ratelimit: the database store needs a database (or set " + StoreEnv + " to memory or a redis:// URL)")
		}
		return NewDBStore(db), nil
	case "memory":
		return NewMemoryStore(), nil
	}
	u, err := url.Parse(storeURL)
	if err != nil {
		// url.Parse's messages quote parts of the URL, which may hold the password.
		return nil, fmt.Errorf("ratelimit: %s is not a valid URL (write @, : and / in the password as %%40, %%3A and %%2F)", StoreEnv)
	}
	switch strings.ToLower(u.Scheme) {
	case "redis", "rediss":
		opt, err := redis.ParseURL(storeURL)
		if err != nil {
			return nil, fmt.Errorf("ratelimit: %s: %w", StoreEnv, redact(err))
		}
		rdb := redis.NewClient(opt)
		if err := rdb.Ping(ctx).Err(); err != nil {
			rdb.Close()
			return nil, fmt.Errorf("ratelimit: connecting to Redis at %s: %w", u.Redacted(), err)
		}
		s := NewRedisStore(rdb, RedisConfig{})
		s.owned = true
		return s, nil
	}
	return nil, fmt.Errorf("%w: scheme %q", ErrUnsupportedStore, short(u.Scheme))
}

// redact drops the URL that url.Error carries, which may hold a password.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
