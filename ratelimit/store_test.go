package ratelimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/ratelimit/ratelimittest"
)

const redisEnv = "SINEW_TEST_REDIS_URL"

// quiet returns a logger that drops everything: the concurrency tests make the ORM warn
// about slow queries on a busy machine.
func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// openDBStore returns a NewStore over fresh databases from open.
func openDBStore(open ormtest.Opener) ratelimittest.NewStore {
	return func(t *testing.T) ratelimit.Store {
		t.Helper()
		db := open(t, orm.Config{Logger: quiet()})
		if err := ratelimit.CreateTable(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		return ratelimit.NewDBStore(db)
	}
}

// openRedis returns a client on SINEW_TEST_REDIS_URL, skipping t when it is not set.
func openRedis(t testing.TB) *redis.Client {
	t.Helper()
	u := ratelimittest.RequireService(t, redisEnv, "the Redis store tests")
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
func newRedisStore(t testing.TB) *ratelimit.RedisStore {
	t.Helper()
	rdb := openRedis(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "sinew-test-rl:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := rdb.Keys(ctx, prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return ratelimit.NewRedisStore(rdb, ratelimit.RedisConfig{Prefix: prefix})
}

func TestStores(t *testing.T) {
	t.Parallel()
	stores := []struct {
		name, env string // env names the server's variable; "" when none is needed
		open      ratelimittest.NewStore
	}{
		{"memory", "", func(*testing.T) ratelimit.Store { return ratelimit.NewMemoryStore() }},
		{"sqlite", "", openDBStore(ormtest.OpenSQLite)},
		{"postgres", ormtest.PostgresEnv, openDBStore(ormtest.OpenPostgres)},
		{"mysql", ormtest.MySQLEnv, openDBStore(ormtest.OpenMySQL)},
		{"redis", redisEnv, func(t *testing.T) ratelimit.Store { return newRedisStore(t) }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			if st.env != "" {
				ratelimittest.RequireService(t, st.env, "the rate-limit store suite on "+st.name)
			}
			ratelimittest.Run(t, st.open)
		})
	}
}

func ratelimittestRequire(t *testing.T) string {
	t.Helper()
	return ratelimittest.RequireService(t, redisEnv, "the Redis store tests")
}

// TestDBStoreOutsideCallerTx checks that counts survive the rollback of a transaction the
// caller had open (a failed login rolled back must still count).
func TestDBStoreOutsideCallerTx(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, env string
		open      ormtest.Opener
	}{
		{"postgres", ormtest.PostgresEnv, ormtest.OpenPostgres},
		{"mysql", ormtest.MySQLEnv, ormtest.OpenMySQL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ratelimittest.RequireService(t, tt.env, "the rate-limit transaction test on "+tt.name)
			db := tt.open(t, orm.Config{Logger: quiet()})
			ctx := context.Background()
			if err := ratelimit.CreateTable(ctx, db); err != nil {
				t.Fatal(err)
			}
			s := ratelimit.NewDBStore(db)
			rollback := errors.New("rollback")
			err := db.Tx(ctx, func(ctx context.Context) error {
				for range 3 {
					if _, _, err := s.Hit(ctx, "k", time.Hour); err != nil {
						return err
					}
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatal(err)
			}
			if n, _, err := s.Hit(ctx, "k", time.Hour); err != nil || n != 4 {
				t.Fatalf("Hit after the rollback = %d, %v; want 4", n, err)
			}
		})
	}
}
