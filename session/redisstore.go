package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore is a Store in Redis: one string key per session, named by a prefix and the
// hex SHA-256 of the session ID, with the session's expiry as the key's TTL, so Redis
// removes expired sessions by itself.
type RedisStore struct {
	rdb    redis.UniversalClient
	prefix string
	owned  bool // opened by OpenStore: Close closes it
}

// Close closes the Redis client when OpenStore opened it; a client given to
// NewRedisStore is left to its owner.
func (s *RedisStore) Close() error {
	if s.owned {
		return s.rdb.Close()
	}
	return nil
}

// RedisConfig configures a RedisStore. Its zero value is the default.
type RedisConfig struct {
	// Prefix starts every key. Default "sinew:session:".
	Prefix string
}

// NewRedisStore returns a Store on an open go-redis client, which the caller keeps and
// closes.
func NewRedisStore(rdb redis.UniversalClient, cfg RedisConfig) *RedisStore {
	if cfg.Prefix == "" {
		cfg.Prefix = "sinew:session:"
	}
	return &RedisStore{rdb: rdb, prefix: cfg.Prefix}
}

func (s *RedisStore) key(id string) string { return s.prefix + hashID(id) }

// Get implements Store.
func (s *RedisStore) Get(ctx context.Context, id string) ([]byte, error) {
	if id == "" || len(id) > maxIDLen {
		return nil, ErrNotFound
	}
	b, err := s.rdb.Get(ctx, s.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("session: reading session: %w", err)
	}
	return b, nil
}

// Save implements Store.
func (s *RedisStore) Save(ctx context.Context, id string, data []byte, expires time.Time) error {
	if err := checkSave(id, data); err != nil {
		return err
	}
	ttl := time.Until(expires).Truncate(time.Millisecond)
	if ttl < time.Millisecond {
		return s.Delete(ctx, id)
	}
	if data == nil {
		data = []byte{}
	}
	if err := s.rdb.Set(ctx, s.key(id), data, ttl).Err(); err != nil {
		return fmt.Errorf("session: saving session: %w", err)
	}
	return nil
}

// Delete implements Store.
func (s *RedisStore) Delete(ctx context.Context, id string) error {
	if id == "" || len(id) > maxIDLen {
		return nil
	}
	if err := s.rdb.Del(ctx, s.key(id)).Err(); err != nil {
		return fmt.Errorf("session: deleting session: %w", err)
	}
	return nil
}

// DeleteExpired implements Store: Redis expires keys by itself, so it does nothing.
func (s *RedisStore) DeleteExpired(context.Context) (int64, error) { return 0, nil }
