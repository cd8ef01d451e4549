// Package redis is the pubsub driver for Redis pub/sub (github.com/redis/go-redis/v9):
// every app instance connected to the same Redis server and namespace sees every
// message. A [Broker] publishes from a small connection pool and receives on one
// dedicated connection, on which each channel with local subscribers is one SUBSCRIBE
// and each pattern one PSUBSCRIBE, however many local subscribers share it.
//
// Redis channels are binary-safe, so a channel travels as "<namespace>:<channel>" with
// nothing to escape. Patterns become glob patterns with every literal character escaped;
// a glob "*" also matches dots, so the server sends a superset for "*" tokens and the
// broker filters it with pubsub.Match. Redis pub/sub ignores the database number: the
// namespace is what separates apps sharing a server. Payloads are limited by
// Config.MaxPayload (1 MiB by default; Redis itself takes up to 512 MB). Subscribe
// returns once Redis has confirmed the subscription. When the receiving connection drops
// (a restart, CLIENT KILL), go-redis reconnects and subscribes again; messages published
// meanwhile are lost for this instance (at-most-once, as pubsub says) and local
// subscriptions stay open. A connection that silently stops carrying traffic is found by
// a heartbeat that the broker publishes to itself when the receiving connection has been
// quiet for Config.HealthCheck; the broker then closes its connections so that go-redis
// opens new ones. The driver sets go-redis's ContextTimeoutEnabled, so the deadline of a
// context passed to Publish or Subscribe bounds the network I/O.
package redis
