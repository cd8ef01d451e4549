package redis

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/internal/dsn"
	"github.com/sinewdev/sinew/pubsub/internal/fanout"
)

// DefaultMaxPayload is the payload limit when Config.MaxPayload is zero: 1 MiB, like a
// default NATS server.
const DefaultMaxPayload = 1 << 20

// pending is the capacity of go-redis's channel between the receiving connection and the
// local fan-out.
const pending = 1 << 14

// Config configures a Broker. Only URL is required; the other fields' zero values are
// their defaults.
type Config struct {
	// URL names the server, in go-redis's syntax:
	// "redis://[user:password@]host:6379[/db][?client_name=...]", or "rediss://" for TLS.
	// Required.
	URL string
	// Namespace prefixes every Redis channel ("<namespace>:<channel>"): brokers on one
	// server see each other's messages when their Namespace is equal, and only then.
	// The rules of pubsub.ValidChannel apply. Default "sinew".
	Namespace string
	// Buffer is the number of messages a subscription holds before it is ended with
	// pubsub.ErrSlowConsumer. Default pubsub.DefaultBuffer (256).
	Buffer int
	// MaxPayload is the largest payload Publish accepts, in bytes. Default
	// DefaultMaxPayload (1 MiB).
	MaxPayload int
	// HealthCheck is how long the receiving connection may stay silent before the
	// broker publishes a heartbeat to itself; a heartbeat that does not come back within
	// as long again means the connection is dead (a server that vanished without closing
	// it), and the broker drops its connections so that go-redis reconnects. Default 15s.
	HealthCheck time.Duration
	// Logger receives dead connections and payloads on the namespace that this driver
	// cannot read. go-redis logs its reconnections through its own logger. Default
	// slog.Default().
	Logger *slog.Logger
}

// Broker is the Redis pubsub.Broker. Create it with New or Open.
type Broker struct {
	cfg    Config
	prefix string // namespace + ":"
	rdb    *goredis.Client
	ps     *goredis.PubSub
	table  *fanout.Table
	log    *slog.Logger

	mu sync.Mutex
	// globs maps a PSUBSCRIBE glob back to its pattern subjects: "a.*" and "a.>"
	// share the glob "a.*", and the server subscription lives while either does.
	globs map[string][]fanout.Subject
	// waiting holds, per "s:"+channel or "p:"+glob, the Subscribe calls waiting for
	// Redis to confirm.
	waiting map[string][]chan struct{}

	// heartbeat is the Redis channel of the health check; the control characters keep it
	// apart from every valid channel.
	heartbeat string
	lastRecv  atomic.Int64 // UnixNano of the last thing the receiving connection got

	connsMu sync.Mutex
	conns   map[*trackedConn]struct{}

	closed atomic.Bool
	done   chan struct{}
	wg     sync.WaitGroup
}

var _ pubsub.Broker = (*Broker)(nil)

// Open connects a Broker to the server named by a redis:// or rediss:// URL. Besides
// go-redis's parameters, the URL may carry namespace, buffer and max_payload (see
// Config); they are removed before the URL reaches go-redis.
func Open(ctx context.Context, rawURL string) (*Broker, error) {
	if !strings.HasPrefix(rawURL, "redis://") && !strings.HasPrefix(rawURL, "rediss://") {
		return nil, errors.New("redis broker: the URL must start with redis:// or rediss://")
	}
	rest, p, err := dsn.Split(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	return New(ctx, Config{URL: rest, Namespace: p.Namespace, Buffer: p.Buffer, MaxPayload: p.MaxPayload})
}

// New connects a Broker and checks the server with a PING, so that a bad URL or an
// unreachable server is reported here; later, go-redis reconnects on its own.
func New(ctx context.Context, cfg Config) (*Broker, error) {
	if cfg.Namespace == "" {
		cfg.Namespace = "sinew"
	}
	if err := pubsub.ValidChannel(cfg.Namespace); err != nil {
		return nil, fmt.Errorf("redis broker: namespace: %w", err)
	}
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = DefaultMaxPayload
	}
	if cfg.HealthCheck <= 0 {
		cfg.HealthCheck = 15 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	opt, err := goredis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	b := &Broker{
		cfg:       cfg,
		prefix:    cfg.Namespace + ":",
		log:       cfg.Logger.With("broker", "redis", "namespace", cfg.Namespace),
		globs:     make(map[string][]fanout.Subject),
		waiting:   make(map[string][]chan struct{}),
		heartbeat: cfg.Namespace + ":\x01heartbeat\x01" + rand.Text(),
		conns:     make(map[*trackedConn]struct{}),
		done:      make(chan struct{}),
	}
	// Deadlines of the contexts passed to Publish and Subscribe bound their I/O, as the
	// pubsub contract says (go-redis ignores them unless told).
	opt.ContextTimeoutEnabled = true
	opt.Dialer = b.dialer(goredis.NewDialer(opt))
	b.rdb = goredis.NewClient(opt)
	if err := b.rdb.Ping(ctx).Err(); err != nil {
		b.rdb.Close()
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	b.table = fanout.New(upstream{b}, cfg.Buffer)
	b.ps = b.rdb.Subscribe(context.Background())
	msgs := b.ps.ChannelWithSubscriptions(goredis.WithChannelSize(pending))
	b.lastRecv.Store(time.Now().UnixNano())
	b.wg.Add(1)
	go b.receive(msgs)
	if err := b.subscribe(ctx, false, b.heartbeat); err != nil {
		b.Close()
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	b.wg.Add(1)
	go b.monitor()
	return b, nil
}

// dialer wraps go-redis's dialer so that the broker knows its connections and can drop
// them all when the health check finds them dead.
func (b *Broker) dialer(dial func(context.Context, string, string) (net.Conn, error)) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		t := &trackedConn{Conn: c, b: b}
		b.connsMu.Lock()
		b.conns[t] = struct{}{}
		b.connsMu.Unlock()
		if sc, ok := c.(syscall.Conn); ok {
			// go-redis checks pooled connections through SyscallConn; keep that working.
			return &trackedSyscallConn{trackedConn: t, sc: sc}, nil
		}
		return t, nil
	}
}

type trackedConn struct {
	net.Conn
	b    *Broker
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.b.connsMu.Lock()
		delete(c.b.conns, c)
		c.b.connsMu.Unlock()
	})
	return c.Conn.Close()
}

type trackedSyscallConn struct {
	*trackedConn
	sc syscall.Conn
}

func (c *trackedSyscallConn) SyscallConn() (syscall.RawConn, error) { return c.sc.SyscallConn() }

// dropConns closes every connection of the broker.
func (b *Broker) dropConns() {
	b.connsMu.Lock()
	conns := make([]*trackedConn, 0, len(b.conns))
	for c := range b.conns {
		conns = append(conns, c)
	}
	b.connsMu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// monitor publishes a heartbeat when the receiving connection has been silent for
// HealthCheck, and drops the connections when it does not come back in time.
func (b *Broker) monitor() {
	defer b.wg.Done()
	hc := b.cfg.HealthCheck
	tick := time.NewTicker(hc / 2)
	defer tick.Stop()
	var sent time.Time // when the pending heartbeat went out; zero if none
	for {
		select {
		case <-b.done:
			return
		case <-tick.C:
		}
		now := time.Now()
		last := time.Unix(0, b.lastRecv.Load())
		switch {
		case now.Sub(last) < hc || (!sent.IsZero() && last.After(sent)):
			sent = time.Time{}
		case sent.IsZero():
			ctx, cancel := context.WithTimeout(context.Background(), hc)
			err := b.rdb.Publish(ctx, b.heartbeat, "").Err()
			cancel()
			if err == nil {
				sent = now
			} else if !b.closed.Load() {
				b.log.Warn("pubsub: the receiving connection is silent and a heartbeat cannot be sent; reconnecting", "err", err)
				b.dropConns()
			}
		case now.Sub(sent) >= hc:
			b.log.Warn("pubsub: the receiving connection is silent and its heartbeat did not come back; reconnecting", "silent_for", now.Sub(last).Round(time.Millisecond))
			b.dropConns()
			sent = time.Time{}
		}
	}
}

// receive hands Redis's messages to the local subscriptions and its subscription
// confirmations to the waiting Subscribe calls, until the PubSub is closed.
func (b *Broker) receive(msgs <-chan any) {
	defer b.wg.Done()
	for v := range msgs {
		b.lastRecv.Store(time.Now().UnixNano())
		switch m := v.(type) {
		case *goredis.Subscription:
			switch m.Kind {
			case "subscribe":
				b.confirm("s:" + m.Channel)
			case "psubscribe":
				b.confirm("p:" + m.Channel)
			}
		case *goredis.Message:
			b.deliver(m)
		}
	}
}

func (b *Broker) confirm(key string) {
	b.mu.Lock()
	waiters := b.waiting[key]
	delete(b.waiting, key)
	b.mu.Unlock()
	for _, w := range waiters {
		close(w)
	}
}

func (b *Broker) deliver(m *goredis.Message) {
	if m.Channel == b.heartbeat {
		return
	}
	channel, ok := strings.CutPrefix(m.Channel, b.prefix)
	if !ok || pubsub.ValidChannel(channel) != nil {
		b.log.Warn("pubsub: ignoring a message on a channel this driver did not write", "channel", m.Channel)
		return
	}
	payload := []byte(m.Payload)
	if m.Pattern == "" {
		b.table.DeliverTo(fanout.Subject{Name: channel}, channel, payload)
		return
	}
	b.mu.Lock()
	subjects := b.globs[m.Pattern]
	b.mu.Unlock()
	for _, s := range subjects {
		b.table.DeliverTo(s, channel, payload)
	}
}

// glob translates a pattern into a Redis glob under the namespace: literal characters
// escaped, both wildcards as "*" (a superset that DeliverTo filters).
func (b *Broker) glob(pattern string) string {
	var sb strings.Builder
	escapeGlob(&sb, b.prefix)
	for i, tok := range strings.Split(pattern, ".") {
		if i > 0 {
			sb.WriteByte('.')
		}
		if tok == "*" || tok == ">" {
			sb.WriteByte('*')
			continue
		}
		escapeGlob(&sb, tok)
	}
	return sb.String()
}

func escapeGlob(sb *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*', '?', '[', ']', '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		default:
			sb.WriteByte(c)
		}
	}
}

// upstream subscribes on the server for the fan-out table.
type upstream struct{ b *Broker }

func (u upstream) Open(ctx context.Context, s fanout.Subject) error {
	b := u.b
	key := b.prefix + s.Name
	if s.Pattern {
		key = b.glob(s.Name)
		b.mu.Lock()
		shared := len(b.globs[key]) > 0
		// Copy on write: deliver reads the slice outside the lock.
		b.globs[key] = append(b.globs[key][:len(b.globs[key]):len(b.globs[key])], s)
		b.mu.Unlock()
		if shared {
			// Another pattern with the same glob is subscribed and confirmed already
			// (Opens are serialised).
			return nil
		}
	}
	if err := b.subscribe(ctx, s.Pattern, key); err != nil {
		u.Close(s)
		if b.closed.Load() {
			return pubsub.ErrClosed
		}
		return fmt.Errorf("pubsub: redis subscribe: %w", err)
	}
	return nil
}

// subscribe sends SUBSCRIBE key (PSUBSCRIBE if glob) and waits for Redis to confirm.
func (b *Broker) subscribe(ctx context.Context, glob bool, key string) error {
	wait := "s:" + key
	if glob {
		wait = "p:" + key
	}
	confirmed := make(chan struct{})
	b.mu.Lock()
	b.waiting[wait] = append(b.waiting[wait], confirmed)
	b.mu.Unlock()

	var err error
	if glob {
		err = b.ps.PSubscribe(ctx, key)
	} else {
		err = b.ps.Subscribe(ctx, key)
	}
	if err == nil {
		select {
		case <-confirmed:
			return nil
		case <-ctx.Done():
			err = ctx.Err()
		case <-b.done:
			err = pubsub.ErrClosed
		}
	}
	b.mu.Lock()
	ws := b.waiting[wait]
	if i := indexOf(ws, confirmed); i >= 0 {
		b.waiting[wait] = append(ws[:i:i], ws[i+1:]...)
		if len(b.waiting[wait]) == 0 {
			delete(b.waiting, wait)
		}
	}
	b.mu.Unlock()
	return err
}

func indexOf(ws []chan struct{}, w chan struct{}) int {
	for i, x := range ws {
		if x == w {
			return i
		}
	}
	return -1
}

func (u upstream) Close(s fanout.Subject) {
	b := u.b
	// go-redis forgets the channel even when the connection is down, so a reconnection
	// does not subscribe to it again.
	ctx := context.Background()
	if s.Pattern {
		key := b.glob(s.Name)
		b.mu.Lock()
		var rest []fanout.Subject
		for _, x := range b.globs[key] {
			if x != s {
				rest = append(rest, x)
			}
		}
		if len(rest) > 0 {
			b.globs[key] = rest
		} else {
			delete(b.globs, key)
		}
		b.mu.Unlock()
		if len(rest) == 0 {
			_ = b.ps.PUnsubscribe(ctx, key)
		}
		return
	}
	_ = b.ps.Unsubscribe(ctx, b.prefix+s.Name)
}

// MaxPayload returns the largest payload Publish accepts, in bytes.
func (b *Broker) MaxPayload() int { return b.cfg.MaxPayload }

// Publish implements pubsub.Broker with PUBLISH. It returns once Redis has handed the
// message to the subscribed connections.
func (b *Broker) Publish(ctx context.Context, channel string, payload []byte) error {
	if err := pubsub.ValidChannel(channel); err != nil {
		return err
	}
	if len(payload) > b.cfg.MaxPayload {
		return fmt.Errorf("%w: %d bytes, the redis broker's limit is %d", pubsub.ErrTooLarge, len(payload), b.cfg.MaxPayload)
	}
	if b.closed.Load() {
		return pubsub.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if payload == nil {
		payload = []byte{}
	}
	if err := b.rdb.Publish(ctx, b.prefix+channel, payload).Err(); err != nil {
		if b.closed.Load() {
			return pubsub.ErrClosed
		}
		return fmt.Errorf("pubsub: redis publish on %.64q: %w", channel, err)
	}
	return nil
}

// Subscribe implements pubsub.Broker.
func (b *Broker) Subscribe(ctx context.Context, channel string) (pubsub.Subscription, error) {
	if err := pubsub.ValidChannel(channel); err != nil {
		return nil, err
	}
	return b.table.Subscribe(ctx, fanout.Subject{Name: channel})
}

// SubscribePattern implements pubsub.Broker with PSUBSCRIBE.
func (b *Broker) SubscribePattern(ctx context.Context, pattern string) (pubsub.Subscription, error) {
	if err := pubsub.ValidPattern(pattern); err != nil {
		return nil, err
	}
	return b.table.Subscribe(ctx, fanout.Subject{Name: pattern, Pattern: true})
}

// Close implements pubsub.Broker.
func (b *Broker) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(b.done)
	b.table.Close()
	_ = b.ps.Close()
	b.wg.Wait()
	return b.rdb.Close()
}
