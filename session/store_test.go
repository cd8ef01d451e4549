package session_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/session/sessiontest"
)

const redisEnv = "SINEW_TEST_REDIS_URL"

// openDBStore returns a NewStore over fresh databases from open.
func openDBStore(open ormtest.Opener) sessiontest.NewStore {
	return func(t *testing.T) session.Store {
		t.Helper()
		db := open(t, orm.Config{})
		if err := session.CreateTable(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		return session.NewDBStore(db)
	}
}

// openRedis returns a client on SINEW_TEST_REDIS_URL, skipping t when it is not set.
func openRedis(t *testing.T) *redis.Client {
	t.Helper()
	u := os.Getenv(redisEnv)
	if u == "" {
		t.Skip("set " + redisEnv + " (e.g. redis://127.0.0.1:6379/0) to run the Redis suite")
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// newRedisStore returns a RedisStore under a unique key prefix, whose keys are removed
// when t ends.
func newRedisStore(t *testing.T) session.Store {
	t.Helper()
	rdb := openRedis(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "sinew-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := rdb.Keys(ctx, prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return session.NewRedisStore(rdb, session.RedisConfig{Prefix: prefix})
}

func TestStores(t *testing.T) {
	t.Parallel()
	stores := []struct {
		name string
		open sessiontest.NewStore
		cfg  sessiontest.Config
	}{
		{"sqlite", openDBStore(ormtest.OpenSQLite), sessiontest.Config{}},
		{"postgres", openDBStore(ormtest.OpenPostgres), sessiontest.Config{}},
		{"mysql", openDBStore(ormtest.OpenMySQL), sessiontest.Config{}},
		{"redis", newRedisStore, sessiontest.Config{ExpiresDeleted: true}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			sessiontest.Run(t, st.open, st.cfg)
		})
	}
}
