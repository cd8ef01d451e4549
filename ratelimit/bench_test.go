package ratelimit_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/mysql"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/orm/postgres"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/ratelimit"
)

// BenchmarkStoreHit measures one Hit per store: on one hot key (a client hammering a
// login) and on a new key each time (many clients). Compare the database and Redis stores
// against the memory store in the same run; server-backed stores run when their variable
// is set.
func BenchmarkStoreHit(b *testing.B) {
	stores := []struct {
		name, env string
		open      func(b *testing.B) ratelimit.Store
	}{
		{"memory", "", func(*testing.B) ratelimit.Store { return ratelimit.NewMemoryStore() }},
		{"sqlite", "", func(b *testing.B) ratelimit.Store {
			return benchDB(b, func(ctx context.Context) (*orm.DB, error) {
				return sqlite.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"), orm.Config{})
			})
		}},
		{"postgres", ormtest.PostgresEnv, func(b *testing.B) ratelimit.Store {
			return benchDB(b, func(ctx context.Context) (*orm.DB, error) {
				return postgres.Open(ctx, os.Getenv(ormtest.PostgresEnv), orm.Config{})
			})
		}},
		{"mysql", ormtest.MySQLEnv, func(b *testing.B) ratelimit.Store {
			return benchDB(b, func(ctx context.Context) (*orm.DB, error) {
				return mysql.Open(ctx, os.Getenv(ormtest.MySQLEnv), orm.Config{})
			})
		}},
		{"redis", redisEnv, func(b *testing.B) ratelimit.Store { return newRedisStore(b) }},
	}
	ctx := context.Background()
	for _, st := range stores {
		if st.env != "" && os.Getenv(st.env) == "" {
			continue
		}
		b.Run(st.name+"/hot-key", func(b *testing.B) {
			s := st.open(b)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := s.Hit(ctx, "login:ada@example.com", time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(st.name+"/new-keys", func(b *testing.B) {
			s := st.open(b)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, _, err := s.Hit(ctx, "ip:"+strconv.Itoa(i), time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLimiterAllowParallel measures Allow from many goroutines on the memory store.
func BenchmarkLimiterAllowParallel(b *testing.B) {
	l := ratelimit.New(ratelimit.NewMemoryStore(), ratelimit.Limit{Events: 1 << 30, Per: time.Hour})
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.Allow(ctx, "hot"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchDB opens a database with open, creates the store's table and drops it (and its
// history table) when b ends: the server-backed benchmarks use the test database itself.
func benchDB(b *testing.B, open func(context.Context) (*orm.DB, error)) ratelimit.Store {
	b.Helper()
	ctx := context.Background()
	db, err := open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	drop := func() {
		for _, t := range []string{ratelimit.TableName, "sinew_ratelimit_migrations"} {
			_, _ = orm.Exec(orm.WithDB(ctx, db), "DROP TABLE IF EXISTS "+t)
		}
	}
	if db.Dialect().Name() != "sqlite" {
		drop()
	}
	b.Cleanup(func() {
		if db.Dialect().Name() != "sqlite" {
			drop()
		}
		db.Close()
	})
	if err := ratelimit.CreateTable(ctx, db); err != nil {
		b.Fatal(err)
	}
	return ratelimit.NewDBStore(db)
}
