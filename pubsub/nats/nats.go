package nats

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	natsgo "github.com/nats-io/nats.go"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/internal/dsn"
	"github.com/sinewdev/sinew/pubsub/internal/fanout"
)

// Config configures a Broker. Only URL is required; the other fields' zero values are
// their defaults.
type Config struct {
	// URL names the NATS server: "nats://host:4222", with user:password@ or a token if
	// the server needs them, "tls://" for TLS, or several URLs separated by commas for a
	// cluster. Required.
	URL string
	// Namespace is the first subject token(s) of every message: brokers on one server
	// see each other's messages when their Namespace is equal, and only then. Letters,
	// digits, "-" and "_", in tokens separated by dots. Default "sinew".
	Namespace string
	// Buffer is the number of messages a subscription holds before it is ended with
	// pubsub.ErrSlowConsumer. Default pubsub.DefaultBuffer (256).
	Buffer int
	// MaxPayload lowers the largest payload Publish accepts, in bytes. Default, and
	// upper bound, the server's max_payload.
	MaxPayload int
	// Name is the connection name the server shows in its monitoring. Default "sinew".
	Name string
	// HealthCheck is the interval of the client's PINGs to the server; after two go
	// unanswered the connection counts as lost, which is how a server that vanished
	// without closing the connection is noticed. Default 15s (nats.go's own default is
	// two minutes).
	HealthCheck time.Duration
	// ReconnectWait is the pause between reconnection attempts, to which nats.go adds up
	// to 100ms of jitter. Default 250ms.
	ReconnectWait time.Duration
	// Logger receives disconnections, reconnections and asynchronous errors. Default
	// slog.Default().
	Logger *slog.Logger
}

// pending is the capacity of the channel between the NATS connection and the local
// fan-out. NATS drops a subscription's messages only when it is full.
const pending = 1 << 15

// Broker is the NATS pubsub.Broker. Create it with New or Open.
type Broker struct {
	cfg        Config
	nc         *natsgo.Conn
	table      *fanout.Table
	log        *slog.Logger
	maxPayload int
	prefix     string // namespace + "."

	msgs chan *natsgo.Msg
	mu   sync.Mutex
	subs map[fanout.Subject]*natsgo.Subscription
	// subjects maps a NATS subscription's subject back to the local subject.
	subjects map[string]fanout.Subject

	closed atomic.Bool
	done   chan struct{}
	wg     sync.WaitGroup
}

var _ pubsub.Broker = (*Broker)(nil)

// Open connects a Broker to the server named by a nats:// or tls:// URL (several may be
// separated by commas). The URL may carry namespace, buffer and max_payload (see
// Config); they are removed before the URL reaches nats.go.
func Open(ctx context.Context, rawURL string) (*Broker, error) {
	var cfg Config
	var urls []string
	for _, u := range strings.Split(rawURL, ",") {
		if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
			return nil, fmt.Errorf("nats broker: URL %.64q must start with nats:// or tls://", u)
		}
		rest, p, err := dsn.Split(u)
		if err != nil {
			return nil, fmt.Errorf("nats broker: %w", err)
		}
		urls = append(urls, rest)
		cfg.Namespace = lastSet(cfg.Namespace, p.Namespace)
		cfg.Buffer = max(cfg.Buffer, p.Buffer)
		cfg.MaxPayload = max(cfg.MaxPayload, p.MaxPayload)
	}
	cfg.URL = strings.Join(urls, ",")
	return New(ctx, cfg)
}

func lastSet(a, b string) string {
	if b != "" {
		return b
	}
	return a
}

// validNamespace reports whether ns is one or more NATS tokens of the safe characters.
func validNamespace(ns string) error {
	for tok := range strings.SplitSeq(ns, ".") {
		if tok == "" {
			return fmt.Errorf("nats broker: namespace %.64q has an empty token", ns)
		}
		for i := 0; i < len(tok); i++ {
			c := tok[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("nats broker: namespace %.64q may only contain letters, digits, '-', '_' and dots", ns)
			}
		}
	}
	return nil
}

// New connects a Broker, failing if the server cannot be reached now; once connected,
// it reconnects on its own.
func New(ctx context.Context, cfg Config) (*Broker, error) {
	if cfg.URL == "" {
		return nil, errors.New("nats broker: Config.URL is required")
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "sinew"
	}
	if err := validNamespace(cfg.Namespace); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = "sinew"
	}
	if cfg.HealthCheck <= 0 {
		cfg.HealthCheck = 15 * time.Second
	}
	if cfg.ReconnectWait <= 0 {
		cfg.ReconnectWait = 250 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &Broker{
		cfg:      cfg,
		log:      cfg.Logger.With("broker", "nats", "namespace", cfg.Namespace),
		prefix:   cfg.Namespace + ".",
		msgs:     make(chan *natsgo.Msg, pending),
		subs:     make(map[fanout.Subject]*natsgo.Subscription),
		subjects: make(map[string]fanout.Subject),
		done:     make(chan struct{}),
	}
	b.table = fanout.New(upstream{b}, cfg.Buffer)
	opts := []natsgo.Option{
		natsgo.Name(cfg.Name),
		natsgo.MaxReconnects(-1),
		natsgo.ReconnectWait(cfg.ReconnectWait),
		natsgo.ReconnectJitter(100*time.Millisecond, time.Second),
		natsgo.PingInterval(cfg.HealthCheck),
		natsgo.MaxPingsOutstanding(2),
		natsgo.NoCallbacksAfterClientClose(),
		natsgo.DisconnectErrHandler(func(_ *natsgo.Conn, err error) {
			if err != nil {
				b.log.Warn("pubsub: disconnected, reconnecting", "err", err)
			}
		}),
		natsgo.ReconnectHandler(func(nc *natsgo.Conn) {
			b.log.Info("pubsub: reconnected", "server", nc.ConnectedUrlRedacted())
		}),
		natsgo.ErrorHandler(b.asyncError),
	}
	if deadline, ok := ctx.Deadline(); ok {
		opts = append(opts, natsgo.Timeout(time.Until(deadline)))
	}
	nc, err := natsgo.Connect(cfg.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("nats broker: %w", err)
	}
	b.nc = nc
	b.maxPayload = int(nc.MaxPayload())
	if cfg.MaxPayload > b.maxPayload {
		nc.Close()
		return nil, fmt.Errorf("nats broker: MaxPayload %d is over the server's max_payload of %d bytes", cfg.MaxPayload, b.maxPayload)
	}
	if cfg.MaxPayload > 0 {
		b.maxPayload = cfg.MaxPayload
	}
	b.wg.Add(1)
	go b.dispatch()
	return b, nil
}

// asyncError handles errors that nats.go reports outside any call.
func (b *Broker) asyncError(_ *natsgo.Conn, sub *natsgo.Subscription, err error) {
	if errors.Is(err, natsgo.ErrSlowConsumer) && sub != nil {
		b.mu.Lock()
		s, ok := b.subjects[sub.Subject]
		b.mu.Unlock()
		if ok {
			b.log.Warn("pubsub: NATS dropped messages; ending the subscriptions it fed", "subject", sub.Subject)
			b.table.Fail(s, pubsub.ErrSlowConsumer)
		}
		return
	}
	b.log.Warn("pubsub: asynchronous error", "err", err)
}

// dispatch hands the connection's messages to the local subscriptions, in order.
func (b *Broker) dispatch() {
	defer b.wg.Done()
	for {
		select {
		case <-b.done:
			return
		case m := <-b.msgs:
			b.mu.Lock()
			s, ok := b.subjects[m.Sub.Subject]
			b.mu.Unlock()
			if !ok {
				continue // unsubscribed meanwhile
			}
			channel, err := b.decode(m.Subject)
			if err != nil {
				b.log.Warn("pubsub: ignoring a message this driver did not write", "subject", m.Subject, "err", err)
				continue
			}
			b.table.DeliverTo(s, channel, m.Data)
		}
	}
}

// subject encodes a channel name, or a pattern, into a NATS subject under the namespace.
func (b *Broker) subject(name string, pattern bool) string {
	var sb strings.Builder
	sb.WriteString(b.prefix)
	for i, tok := range strings.Split(name, ".") {
		if i > 0 {
			sb.WriteByte('.')
		}
		if pattern && (tok == "*" || tok == ">") {
			sb.WriteString(tok)
			continue
		}
		encodeToken(&sb, tok)
	}
	return sb.String()
}

const hexDigits = "0123456789ABCDEF"

func plain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':'
}

func encodeToken(sb *strings.Builder, tok string) {
	if tok == "" {
		sb.WriteByte('~')
		return
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if plain(c) {
			sb.WriteByte(c)
		} else {
			sb.WriteByte('~')
			sb.WriteByte(hexDigits[c>>4])
			sb.WriteByte(hexDigits[c&0xF])
		}
	}
}

// decode turns a subject that subject wrote back into the channel name.
func (b *Broker) decode(subject string) (string, error) {
	rest, ok := strings.CutPrefix(subject, b.prefix)
	if !ok {
		return "", errors.New("outside the namespace")
	}
	return decodeChannel(rest)
}

func decodeChannel(s string) (string, error) {
	var sb strings.Builder
	sb.Grow(len(s))
	for i, tok := range strings.Split(s, ".") {
		if i > 0 {
			sb.WriteByte('.')
		}
		if tok == "~" {
			continue
		}
		if tok == "" {
			return "", errors.New("empty token")
		}
		for j := 0; j < len(tok); j++ {
			c := tok[j]
			switch {
			case plain(c):
				sb.WriteByte(c)
			case c == '~' && j+2 < len(tok) && unhex(tok[j+1]) >= 0 && unhex(tok[j+2]) >= 0:
				sb.WriteByte(byte(unhex(tok[j+1])<<4 | unhex(tok[j+2])))
				j += 2
			default:
				return "", fmt.Errorf("bad byte %q in token %q", c, tok)
			}
		}
	}
	channel := sb.String()
	if err := pubsub.ValidChannel(channel); err != nil {
		return "", err
	}
	return channel, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// upstream subscribes on the server for the fan-out table.
type upstream struct{ b *Broker }

func (u upstream) Open(ctx context.Context, s fanout.Subject) error {
	b := u.b
	subject := b.subject(s.Name, s.Pattern)
	ns, err := b.nc.ChanSubscribe(subject, b.msgs)
	if err != nil {
		return b.wrap(fmt.Errorf("pubsub: nats subscribe: %w", err))
	}
	b.mu.Lock()
	b.subs[s] = ns
	b.subjects[subject] = s
	b.mu.Unlock()
	if b.nc.IsConnected() {
		// The PING after the SUB returns once the server has registered it. While
		// reconnecting, nats.go sends the subscription when it is connected again.
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
		}
		if err := b.nc.FlushWithContext(ctx); err != nil && b.nc.IsConnected() {
			u.Close(s)
			return b.wrap(fmt.Errorf("pubsub: nats subscribe: %w", err))
		}
	}
	return nil
}

func (u upstream) Close(s fanout.Subject) {
	b := u.b
	b.mu.Lock()
	ns := b.subs[s]
	delete(b.subs, s)
	if ns != nil {
		delete(b.subjects, ns.Subject)
	}
	b.mu.Unlock()
	if ns != nil {
		_ = ns.Unsubscribe()
	}
}

// wrap reports pubsub.ErrClosed for errors caused by Close.
func (b *Broker) wrap(err error) error {
	if b.closed.Load() {
		return pubsub.ErrClosed
	}
	return err
}

// MaxPayload returns the largest payload Publish accepts, in bytes.
func (b *Broker) MaxPayload() int { return b.maxPayload }

// Publish implements pubsub.Broker. It returns once nats.go has buffered the message
// for sending (while reconnecting, in its reconnect buffer); NATS keeps the order of one
// connection's messages.
func (b *Broker) Publish(ctx context.Context, channel string, payload []byte) error {
	if err := pubsub.ValidChannel(channel); err != nil {
		return err
	}
	if len(payload) > b.maxPayload {
		return fmt.Errorf("%w: %d bytes, the nats broker's limit is %d", pubsub.ErrTooLarge, len(payload), b.maxPayload)
	}
	if b.closed.Load() {
		return pubsub.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.nc.Publish(b.subject(channel, false), payload); err != nil {
		if errors.Is(err, natsgo.ErrMaxPayload) {
			return fmt.Errorf("%w: %d bytes: %w", pubsub.ErrTooLarge, len(payload), err)
		}
		return b.wrap(fmt.Errorf("pubsub: nats publish on %.64q: %w", channel, err))
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

// SubscribePattern implements pubsub.Broker with a NATS wildcard subscription.
func (b *Broker) SubscribePattern(ctx context.Context, pattern string) (pubsub.Subscription, error) {
	if err := pubsub.ValidPattern(pattern); err != nil {
		return nil, err
	}
	return b.table.Subscribe(ctx, fanout.Subject{Name: pattern, Pattern: true})
}

// Close implements pubsub.Broker: it flushes what was published and closes the
// connection.
func (b *Broker) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	b.table.Close()
	if b.nc.IsConnected() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = b.nc.FlushWithContext(ctx)
		cancel()
	}
	b.nc.Close()
	close(b.done)
	b.wg.Wait()
	return nil
}
