package brokerurl

import (
	"context"
	"fmt"
	"strings"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/memory"
	"github.com/sinewdev/sinew/pubsub/nats"
	"github.com/sinewdev/sinew/pubsub/postgres"
	"github.com/sinewdev/sinew/pubsub/redis"
)

// Open connects the broker that rawURL names; see the package documentation for the
// schemes. The error never repeats the URL, which may hold a password.
func Open(ctx context.Context, rawURL string) (pubsub.Broker, error) {
	scheme, _, ok := strings.Cut(rawURL, ":")
	if rawURL == "" {
		scheme, ok = "memory", true
	}
	if !ok {
		return nil, fmt.Errorf("broker URL: no scheme; want memory://, postgres://, nats:// or redis://")
	}
	switch strings.ToLower(scheme) {
	case "memory":
		if rawURL == "" {
			return memory.New(memory.Config{}), nil
		}
		return memory.Open(ctx, rawURL)
	case "postgres", "postgresql":
		return postgres.Open(ctx, rawURL)
	case "nats", "tls":
		return nats.Open(ctx, rawURL)
	case "redis", "rediss":
		return redis.Open(ctx, rawURL)
	}
	return nil, fmt.Errorf("broker URL: unknown scheme %.20q; want memory://, postgres://, nats:// or redis://", scheme)
}
