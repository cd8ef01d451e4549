package session

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/sinewdev/sinew/orm"
)

// StoreEnv is the environment variable naming the session store: empty for the app's
// database, or a redis:// (rediss:// for TLS) URL. The app reads it and passes its value
// to OpenStore.
const StoreEnv = "SINEW_SESSION_STORE"

// ErrUnsupportedStore is returned by OpenStore for a URL whose scheme names no store.
var ErrUnsupportedStore = errors.New("session: unsupported store URL (want empty for the database, or redis://)")

// OpenStore returns the store that storeURL (the value of SINEW_SESSION_STORE) names: the
// database store on db when it is empty, a Redis store when it is a redis:// or rediss://
// URL (the connection is checked with a PING). The returned store implements io.Closer:
// closing a Redis store closes its connections; closing the database store leaves db open.
// The database store's table comes from Migrations.
func OpenStore(ctx context.Context, storeURL string, db *orm.DB) (Store, error) {
	if storeURL == "" {
		if db == nil {
			return nil, errors.New("session: the database store needs a database (or set " + StoreEnv + " to a redis:// URL)")
		}
		return NewDBStore(db), nil
	}
	u, err := url.Parse(storeURL)
	if err != nil {
		return nil, fmt.Errorf("session: %s: %w", StoreEnv, redact(err))
	}
	switch strings.ToLower(u.Scheme) {
	case "redis", "rediss":
		opt, err := redis.ParseURL(storeURL)
		if err != nil {
			return nil, fmt.Errorf("session: %s: %w", StoreEnv, redact(err))
		}
		rdb := redis.NewClient(opt)
		if err := rdb.Ping(ctx).Err(); err != nil {
			rdb.Close()
			return nil, fmt.Errorf("session: connecting to Redis at %s: %w", u.Redacted(), err)
		}
		s := NewRedisStore(rdb, RedisConfig{})
		s.owned = true
		return s, nil
	}
	return nil, fmt.Errorf("%w: scheme %q", ErrUnsupportedStore, u.Scheme)
}

// redact drops the URL that url.Error carries, which may hold a password.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		// The parser's messages quote parts of the URL (a "port" that is the end of a
		// password containing '/'): none of its text is repeated.
		return errors.New("malformed URL (percent-encode special characters in the password)")
	}
	return err
}
