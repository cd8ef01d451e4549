package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisConfig configures a RedisStore. Its zero value is the default.
type RedisConfig struct {
	// Prefix starts every key. Default "sinew:ratelimit:".
	Prefix string
}

// RedisStore is a Store in Redis: one integer key per counter, whose TTL is the window.
// Each Hit runs one Lua script (INCR, PEXPIRE on the first event, PTTL), which Redis
// executes atomically, so counts are exact across every instance sharing the server, and
// Redis removes ended windows by itself. Keys longer than 128 bytes are replaced by their
// SHA-256.
type RedisStore struct {
	rdb    redis.UniversalClient
	prefix string
	owned  bool // opened by OpenStore: Close closes it
}

// NewRedisStore returns a Store on an open go-redis client, which the caller keeps and
// closes.
func NewRedisStore(rdb redis.UniversalClient, cfg RedisConfig) *RedisStore {
	if cfg.Prefix == "" {
		cfg.Prefix = "sinew:ratelimit:"
	}
	return &RedisStore{rdb: rdb, prefix: cfg.Prefix}
}

// hitScript counts one event: KEYS[1] the counter, ARGV[1] the window in milliseconds.
// It returns {count, milliseconds until the window ends}. A counter left without a TTL
// (by a crash between INCR and PEXPIRE, impossible inside a script, or by a hand-made key)
// gets one, so no counter lives forever.
var hitScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {n, tonumber(ARGV[1])}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`)

func (s *RedisStore) key(k string) string {
	if len(k) > 128 {
		return s.prefix + "h:" + hashKey(k)
	}
	return s.prefix + "k:" + k
}

// Hit implements Store.
func (s *RedisStore) Hit(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	if err := checkWindow(window); err != nil {
		return 0, time.Time{}, err
	}
	start := time.Now()
	res, err := hitScript.Run(ctx, s.rdb, []string{s.key(key)}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("ratelimit: counting an event: %w", err)
	}
	if len(res) != 2 {
		return 0, time.Time{}, errors.New("ratelimit: counting an event: unexpected reply from Redis")
	}
	return int(res[0]), start.Add(time.Duration(res[1]) * time.Millisecond), nil
}

// Reset implements Store.
func (s *RedisStore) Reset(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, s.key(key)).Err(); err != nil {
		return fmt.Errorf("ratelimit: resetting a counter: %w", err)
	}
	return nil
}

// Close closes the Redis client when OpenStore opened it; a client given to
// NewRedisStore is left to its owner.
func (s *RedisStore) Close() error {
	if s.owned {
		return s.rdb.Close()
	}
	return nil
}
