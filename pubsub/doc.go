// Package pubsub is Sinew's message broker layer: publish a payload on a named channel
// from one place, receive it in every subscription to that channel, in this process and,
// with a networked broker, in every other instance of the app. The realtime hub builds
// WebSocket and server-sent event fan-out on top of it; applications may also use it
// directly. This package holds only the contract: the [Broker] and [Subscription]
// interfaces, [Message], the channel naming rules ([ValidChannel], [ValidPattern],
// [Match]) and the errors callers branch on. The drivers live in their own packages:
// pubsub/memory (in-process, the default), pubsub/postgres (LISTEN/NOTIFY),
// pubsub/nats and pubsub/redis; pubsub/brokerurl opens one of them from a URL such as
// SINEW_BROKER_URL, and pubsub/pubsubtest is the conformance suite every driver passes.
//
// The guarantees are the same for every driver. Delivery is at most once: a message
// reaches the subscriptions that exist when it is published and is never stored or
// redelivered, so messages published while an instance is disconnected from its server
// are lost for that instance (drivers reconnect and resubscribe on their own). Messages
// that one publisher publishes in sequence on one channel arrive in that order, and all
// subscriptions of one Broker to the same channel see its messages in the same order. Every
// subscription has a bounded buffer; a subscriber that lets it fill is closed with
// [ErrSlowConsumer] rather than slowing the broker or silently missing messages, so a
// consumer always knows when it has a gap. Channel names are opaque text (see
// [ValidChannel]); the dots in them only matter to pattern subscriptions, whose tokens
// "*" and ">" follow NATS subject wildcards on every driver.
package pubsub
