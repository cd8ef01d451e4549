package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/internal/dsn"
	"github.com/sinewdev/sinew/pubsub/internal/fanout"
)

// MaxPayload is the largest payload the driver can carry, in bytes: PostgreSQL's
// 8000-byte NOTIFY limit, less the channel name (up to pubsub.MaxChannelLen bytes) and
// its length prefix, less base64's expansion by a third.
const MaxPayload = 5800

// notifyLimit is PostgreSQL's limit: a NOTIFY payload must be shorter than this.
const notifyLimit = 8000

// version is the first byte of every payload this driver sends.
const version = '1'

// Config configures a Broker. Only ConnString is required; the other fields' zero
// values are their defaults.
type Config struct {
	// ConnString is the PostgreSQL connection string, as a URL
	// ("postgres://user@host:5432/db?sslmode=disable") or in key=value form, with pgx's
	// syntax and parameters. Required.
	ConnString string
	// Namespace names the LISTEN/NOTIFY channel that carries the broker's messages:
	// brokers on one database see each other's messages when their Namespace is equal,
	// and only then. It is used as a quoted identifier, hashed to fit when longer than
	// 63 bytes. Default "sinew".
	Namespace string
	// Buffer is the number of messages a subscription holds before it is ended with
	// pubsub.ErrSlowConsumer. Default pubsub.DefaultBuffer (256).
	Buffer int
	// MaxPayload lowers the largest payload Publish accepts, in bytes. Default, and
	// upper bound, MaxPayload (5800).
	MaxPayload int
	// MaxConns bounds the pool of publishing connections; the listening connection comes
	// on top. Default 4.
	MaxConns int32
	// HealthCheck is how long the listening connection may stay silent before the
	// broker pings it; a ping unanswered for as long again counts as a lost connection,
	// which is how a server that vanished without closing the connection is noticed.
	// Default 15s.
	HealthCheck time.Duration
	// ReconnectWait is the pause before the first attempt to reconnect the listening
	// connection; each failed attempt doubles it, up to 30 seconds. Default 250ms.
	ReconnectWait time.Duration
	// Logger receives the loss and recovery of the listening connection, and payloads on
	// the namespace's channel that this driver did not write. Default slog.Default().
	Logger *slog.Logger
}

// Broker is the PostgreSQL pubsub.Broker. Create it with New or Open.
type Broker struct {
	cfg      Config
	ident    string // the LISTEN channel name, unquoted
	pool     *pgxpool.Pool
	connConf *pgx.ConnConfig
	table    *fanout.Table
	log      *slog.Logger

	closed atomic.Bool
	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var _ pubsub.Broker = (*Broker)(nil)

// Open connects a Broker to the database named by a postgres:// or postgresql:// URL.
// Besides pgx's parameters, the URL may carry namespace, buffer and max_payload (see
// Config); they are removed before the URL reaches pgx.
func Open(ctx context.Context, rawURL string) (*Broker, error) {
	if !strings.HasPrefix(rawURL, "postgres://") && !strings.HasPrefix(rawURL, "postgresql://") {
		return nil, errors.New("postgres broker: the URL must start with postgres:// or postgresql://")
	}
	rest, p, err := dsn.Split(rawURL)
	if err != nil {
		return nil, fmt.Errorf("postgres broker: %w", err)
	}
	return New(ctx, Config{ConnString: rest, Namespace: p.Namespace, Buffer: p.Buffer, MaxPayload: p.MaxPayload})
}

// New connects a Broker: it opens the publishing pool and the listening connection and
// LISTENs before returning, so a bad connection string or an unreachable server is
// reported here.
func New(ctx context.Context, cfg Config) (*Broker, error) {
	if cfg.ConnString == "" {
		return nil, errors.New("postgres broker: Config.ConnString is required")
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "sinew"
	}
	if err := pubsub.ValidChannel(cfg.Namespace); err != nil {
		return nil, fmt.Errorf("postgres broker: namespace: %w", err)
	}
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = MaxPayload
	}
	if cfg.MaxPayload > MaxPayload {
		return nil, fmt.Errorf("postgres broker: MaxPayload %d is over the driver's limit of %d bytes", cfg.MaxPayload, MaxPayload)
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 4
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
	poolConf, err := pgxpool.ParseConfig(cfg.ConnString)
	if err != nil {
		return nil, fmt.Errorf("postgres broker: %w", err)
	}
	poolConf.MaxConns = cfg.MaxConns
	// The pool's transactions only notify: nothing in them needs to wait for the WAL to
	// reach the disk, and listeners receive a notification at commit either way. This
	// spares every Publish an fsync (unless the connection string says otherwise).
	if _, set := poolConf.ConnConfig.RuntimeParams["synchronous_commit"]; !set {
		poolConf.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	}
	b := &Broker{
		cfg:      cfg,
		ident:    identifier(cfg.Namespace),
		connConf: poolConf.ConnConfig.Copy(),
		table:    fanout.New(nil, cfg.Buffer),
		log:      cfg.Logger.With("broker", "postgres", "namespace", cfg.Namespace),
	}
	b.pool, err = pgxpool.NewWithConfig(ctx, poolConf)
	if err != nil {
		return nil, fmt.Errorf("postgres broker: %w", err)
	}
	conn, err := b.listen(ctx)
	if err != nil {
		b.pool.Close()
		return nil, err
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.wg.Add(1)
	go b.run(conn)
	return b, nil
}

// identifier returns the LISTEN channel name for a namespace: the namespace itself, or a
// hash of it when it is longer than PostgreSQL's identifiers may be.
func identifier(namespace string) string {
	if len(namespace) <= 63 {
		return namespace
	}
	sum := sha256.Sum256([]byte(namespace))
	return "sinew_" + hex.EncodeToString(sum[:16])
}

// listen opens the listening connection.
func (b *Broker) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, b.connConf.Copy())
	if err != nil {
		return nil, fmt.Errorf("postgres broker: listening connection: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.ident}.Sanitize()); err != nil {
		closeConn(conn)
		return nil, fmt.Errorf("postgres broker: LISTEN: %w", err)
	}
	return conn, nil
}

func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

// run receives notifications until Close, reconnecting whenever the connection drops.
func (b *Broker) run(conn *pgx.Conn) {
	defer b.wg.Done()
	for {
		err := b.receive(conn)
		closeConn(conn)
		if b.ctx.Err() != nil {
			return
		}
		b.log.Warn("pubsub: listening connection lost, reconnecting", "err", err)
		wait := b.cfg.ReconnectWait
		for {
			select {
			case <-b.ctx.Done():
				return
			case <-time.After(wait):
			}
			ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
			conn, err = b.listen(ctx)
			cancel()
			if err == nil {
				break
			}
			if b.ctx.Err() != nil {
				return
			}
			wait = min(2*wait, 30*time.Second)
			b.log.Warn("pubsub: reconnecting failed", "err", err, "retry_in", wait)
		}
		b.log.Info("pubsub: listening connection restored")
	}
}

func (b *Broker) receive(conn *pgx.Conn) error {
	for {
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.HealthCheck)
		n, err := conn.WaitForNotification(ctx)
		cancel()
		if err != nil {
			if b.ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			// Silent for a while: make sure the connection is still there.
			ctx, cancel := context.WithTimeout(b.ctx, b.cfg.HealthCheck)
			err := conn.Ping(ctx)
			cancel()
			if err != nil {
				return fmt.Errorf("health check: %w", err)
			}
			continue
		}
		if n.Channel != b.ident {
			continue
		}
		channel, payload, err := decode(n.Payload)
		if err != nil {
			b.log.Warn("pubsub: ignoring a notification this driver did not write", "err", err, "pid", n.PID)
			continue
		}
		_ = b.table.Publish(channel, payload)
	}
}

// encode builds a NOTIFY payload: the version byte, the channel's length in decimal, a
// colon, the channel, and the payload in standard base64.
func encode(channel string, payload []byte) string {
	var sb strings.Builder
	sb.Grow(8 + len(channel) + base64.StdEncoding.EncodedLen(len(payload)))
	sb.WriteByte(version)
	sb.WriteString(strconv.Itoa(len(channel)))
	sb.WriteByte(':')
	sb.WriteString(channel)
	sb.WriteString(base64.StdEncoding.EncodeToString(payload))
	return sb.String()
}

// decode parses what encode built, rejecting anything else.
func decode(s string) (channel string, payload []byte, err error) {
	if s == "" || s[0] != version {
		return "", nil, errors.New("unknown payload format")
	}
	digits, rest, ok := strings.Cut(s[1:], ":")
	if !ok || digits == "" || len(digits) > 3 {
		return "", nil, errors.New("malformed channel length")
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n <= 0 || n > len(rest) || strconv.Itoa(n) != digits {
		return "", nil, errors.New("malformed channel length")
	}
	channel = rest[:n]
	if err := pubsub.ValidChannel(channel); err != nil {
		return "", nil, err
	}
	payload, err = base64.StdEncoding.DecodeString(rest[n:])
	if err != nil {
		return "", nil, fmt.Errorf("payload: %w", err)
	}
	return channel, payload, nil
}

// MaxPayload returns the largest payload Publish accepts, in bytes.
func (b *Broker) MaxPayload() int { return b.cfg.MaxPayload }

// Publish implements pubsub.Broker with pg_notify. It returns once the notification is
// committed; subscribers receive it asynchronously.
func (b *Broker) Publish(ctx context.Context, channel string, payload []byte) error {
	if err := pubsub.ValidChannel(channel); err != nil {
		return err
	}
	if len(payload) > b.cfg.MaxPayload {
		return fmt.Errorf("%w: %d bytes, the postgres broker's limit is %d (NOTIFY carries at most 8000 bytes of text)", pubsub.ErrTooLarge, len(payload), b.cfg.MaxPayload)
	}
	if b.closed.Load() {
		return pubsub.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	msg := encode(channel, payload)
	if len(msg) >= notifyLimit {
		// Unreachable with MaxPayload and pubsub.MaxChannelLen as they are; kept so that
		// a change to either cannot send what the server would refuse.
		return fmt.Errorf("%w: %d bytes encoded, NOTIFY allows %d", pubsub.ErrTooLarge, len(msg), notifyLimit-1)
	}
	if _, err := b.pool.Exec(ctx, "SELECT pg_notify($1, $2)", b.ident, msg); err != nil {
		if b.closed.Load() {
			return pubsub.ErrClosed
		}
		return fmt.Errorf("pubsub: postgres publish on %.64q: %w", channel, err)
	}
	return nil
}

// Subscribe implements pubsub.Broker. Every message of the namespace already reaches the
// listening connection, so subscribing involves no round trip to the server.
func (b *Broker) Subscribe(ctx context.Context, channel string) (pubsub.Subscription, error) {
	if err := pubsub.ValidChannel(channel); err != nil {
		return nil, err
	}
	return b.table.Subscribe(ctx, fanout.Subject{Name: channel})
}

// SubscribePattern implements pubsub.Broker; patterns are matched locally.
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
	b.table.Close()
	b.cancel()
	b.wg.Wait()
	b.pool.Close()
	return nil
}
