package pubsub

import (
	"context"
	"errors"
)

// Broker publishes messages on channels and subscribes to them. It is what the realtime
// hub consumes; each driver package (pubsub/memory, pubsub/postgres, pubsub/nats,
// pubsub/redis) returns a ready-to-use implementation. All methods are safe for
// concurrent use.
type Broker interface {
	// Publish sends payload to every current subscription whose channel or pattern
	// matches channel, in this process and in every other process connected to the same
	// server and namespace. It returns once the driver has handed the message to its
	// server or to its connection's send buffer (nats), or, for the memory driver, to
	// the local subscriptions; it does not wait for subscribers. The broker does not keep payload after Publish returns, so the
	// caller may reuse it. An invalid channel fails with [ErrInvalidChannel], a payload
	// over the driver's limit with [ErrTooLarge], a closed broker with [ErrClosed].
	Publish(ctx context.Context, channel string, payload []byte) error

	// Subscribe subscribes to one channel, named exactly: "*", ">" and dots have no
	// special meaning here. When Subscribe returns, the server has registered the
	// subscription, so every message published afterwards is delivered to it (while the
	// broker is reconnecting, it is registered as soon as the connection is back). ctx
	// bounds the subscribing only; the subscription lives until it is closed, its broker
	// is closed, or it falls behind (see [Subscription]).
	Subscribe(ctx context.Context, channel string) (Subscription, error)

	// SubscribePattern subscribes to every channel that pattern matches (see [Match]):
	// the tokens "*" (exactly one dot-separated token) and ">" (one or more trailing
	// tokens) are wildcards. A subscription receives each matching message once, even
	// when the same Broker also has other subscriptions that match it.
	SubscribePattern(ctx context.Context, pattern string) (Subscription, error)

	// Close ends every subscription with [ErrClosed], releases the broker's connections
	// and waits for its goroutines. Later calls to the broker fail with [ErrClosed];
	// calling Close again returns nil.
	Close() error
}

// Subscription is one consumer's view of a channel or pattern. Messages are buffered up
// to the driver's configured size; when the buffer is full as a new message arrives, the
// subscription ends with [ErrSlowConsumer] instead of blocking the broker or dropping
// messages unnoticed. Read it through [Subscription.Messages] or [Subscription.Next],
// not both at once. All methods are safe for concurrent use.
type Subscription interface {
	// Messages returns the channel on which messages arrive. It is closed when the
	// subscription ends, after the messages already buffered; Err then says why.
	Messages() <-chan Message

	// Next waits for the next message. It returns ctx's error if ctx is done first, and
	// the subscription's end reason ([ErrClosed] or [ErrSlowConsumer]) once it has ended
	// and its buffer is drained.
	Next(ctx context.Context) (Message, error)

	// Err returns nil while the subscription is active, and why it ended afterwards:
	// [ErrClosed] when it or its broker was closed, [ErrSlowConsumer] when its buffer
	// overflowed.
	Err() error

	// Close ends the subscription; no message is delivered to it afterwards. Closing an
	// ended subscription returns nil.
	Close() error
}

// Message is one published payload as a subscription receives it.
type Message struct {
	// Channel is the channel the message was published on (for a pattern subscription,
	// the concrete channel that matched).
	Channel string
	// Payload is the published bytes, possibly empty, never modified by the broker. It
	// may be shared by every local subscription that received the message: treat it as
	// read-only.
	Payload []byte
}

// Errors that callers branch on with [errors.Is]. Drivers wrap them with details.
var (
	// ErrClosed is returned by a closed broker, and by subscriptions that were closed by
	// their owner or whose broker was closed.
	ErrClosed = errors.New("pubsub: closed")
	// ErrSlowConsumer ends a subscription whose buffer was full when a message arrived.
	// Messages buffered before the overflow are still delivered; later ones are not.
	ErrSlowConsumer = errors.New("pubsub: slow consumer: subscription buffer overflowed")
	// ErrInvalidChannel rejects a channel name or pattern that breaks the rules of
	// [ValidChannel] or [ValidPattern].
	ErrInvalidChannel = errors.New("pubsub: invalid channel")
	// ErrTooLarge rejects a payload over the driver's limit; nothing is published.
	ErrTooLarge = errors.New("pubsub: payload too large")
)

// DefaultBuffer is the number of messages a subscription buffers when a driver's
// configuration leaves its Buffer at zero.
const DefaultBuffer = 256
