package session_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
	"time"

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
		name, env string // env names the server's variable; "" for SQLite
		open      sessiontest.NewStore
		cfg       sessiontest.Config
	}{
		{"sqlite", "", openDBStore(ormtest.OpenSQLite), sessiontest.Config{}},
		{"postgres", ormtest.PostgresEnv, openDBStore(ormtest.OpenPostgres), sessiontest.Config{}},
		{"mysql", ormtest.MySQLEnv, openDBStore(ormtest.OpenMySQL), sessiontest.Config{}},
		{"redis", redisEnv, newRedisStore, sessiontest.Config{ExpiresDeleted: true}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			if st.env != "" && os.Getenv(st.env) == "" {
				t.Skip("set " + st.env + " to run the session store suite on " + st.name)
			}
			sessiontest.Run(t, st.open, st.cfg)
		})
	}
}

// TestIDsStoredHashed checks that neither store keeps the raw session ID.
func TestIDsStoredHashed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	id := "RAWsessionIDRAWsessionIDRAWsessionIDRAWsess"
	sum := sha256.Sum256([]byte(id))
	want := hex.EncodeToString(sum[:])
	t.Run("database", func(t *testing.T) {
		t.Parallel()
		db := ormtest.OpenSQLite(t, orm.Config{})
		if err := session.CreateTable(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := session.NewDBStore(db).Save(ctx, id, []byte("x"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		ids, err := orm.Raw[string](orm.WithDB(ctx, db), "SELECT id FROM "+session.TableName)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 1 || ids[0] != want {
			t.Fatalf("stored ids %q, want [%q]", ids, want)
		}
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		rdb := openRedis(t)
		prefix := "sinew-test-hashed:" + want[:8] + ":"
		st := session.NewRedisStore(rdb, session.RedisConfig{Prefix: prefix})
		if err := st.Save(ctx, id, []byte("x"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		defer st.Delete(ctx, id)
		keys, err := rdb.Keys(ctx, prefix+"*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 1 || keys[0] != prefix+want {
			t.Fatalf("keys %q, want [%q]", keys, prefix+want)
		}
	})
}
