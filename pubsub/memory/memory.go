package memory

import (
	"context"
	"fmt"
	"strings"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/internal/dsn"
	"github.com/sinewdev/sinew/pubsub/internal/fanout"
)

// DefaultMaxPayload is the payload limit when Config.MaxPayload is zero: 1 MiB, the same
// as a default NATS server, so that an app that outgrows the memory broker does not find
// its messages suddenly too large.
const DefaultMaxPayload = 1 << 20

// Config configures a Broker. The zero value is the default.
type Config struct {
	// Buffer is the number of messages a subscription holds before it is ended with
	// pubsub.ErrSlowConsumer. Default pubsub.DefaultBuffer (256).
	Buffer int
	// MaxPayload is the largest payload Publish accepts, in bytes. Default
	// DefaultMaxPayload (1 MiB).
	MaxPayload int
}

// Broker is the in-process pubsub.Broker. Create it with New or Open.
type Broker struct {
	table      *fanout.Table
	maxPayload int
}

var _ pubsub.Broker = (*Broker)(nil)

// New returns a ready Broker.
func New(cfg Config) *Broker {
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = DefaultMaxPayload
	}
	return &Broker{table: fanout.New(nil, cfg.Buffer), maxPayload: cfg.MaxPayload}
}

// Open returns a Broker configured by a URL of the form
// "memory://?buffer=256&max_payload=1048576" (both parameters optional; "memory:" alone
// works too). A namespace parameter is accepted and changes nothing, since memory
// brokers never share messages. ctx is unused: nothing is connected.
func Open(ctx context.Context, rawURL string) (*Broker, error) {
	if !strings.HasPrefix(rawURL, "memory:") {
		return nil, fmt.Errorf("memory broker: URL %.64q does not start with memory:", rawURL)
	}
	rest, p, err := dsn.Split(rawURL)
	if err != nil {
		return nil, fmt.Errorf("memory broker: %w", err)
	}
	if rest != "memory:" && rest != "memory://" {
		return nil, fmt.Errorf("memory broker: URL %.64q has parts the memory broker does not use (it reads only buffer, max_payload and namespace)", rawURL)
	}
	return New(Config{Buffer: p.Buffer, MaxPayload: p.MaxPayload}), nil
}

// MaxPayload returns the largest payload Publish accepts, in bytes.
func (b *Broker) MaxPayload() int { return b.maxPayload }

// Publish implements pubsub.Broker: the message is in the buffers of the matching
// subscriptions when it returns.
func (b *Broker) Publish(ctx context.Context, channel string, payload []byte) error {
	if err := pubsub.ValidChannel(channel); err != nil {
		return err
	}
	if len(payload) > b.maxPayload {
		return fmt.Errorf("%w: %d bytes, the memory broker's limit is %d", pubsub.ErrTooLarge, len(payload), b.maxPayload)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.table.Publish(channel, append([]byte(nil), payload...))
}

// Subscribe implements pubsub.Broker.
func (b *Broker) Subscribe(ctx context.Context, channel string) (pubsub.Subscription, error) {
	if err := pubsub.ValidChannel(channel); err != nil {
		return nil, err
	}
	return b.table.Subscribe(ctx, fanout.Subject{Name: channel})
}

// SubscribePattern implements pubsub.Broker.
func (b *Broker) SubscribePattern(ctx context.Context, pattern string) (pubsub.Subscription, error) {
	if err := pubsub.ValidPattern(pattern); err != nil {
		return nil, err
	}
	return b.table.Subscribe(ctx, fanout.Subject{Name: pattern, Pattern: true})
}

// Close implements pubsub.Broker.
func (b *Broker) Close() error {
	b.table.Close()
	return nil
}
