// Package memory is the in-process pubsub driver, and Sinew's default broker: messages
// published on a [Broker] reach the subscriptions of that same Broker and nothing else,
// with no server and no serialisation. It suits a single instance, tests and development;
// once an app runs as several instances, use a networked driver (pubsub/postgres,
// pubsub/nats, pubsub/redis) so that every instance sees every message.
//
// Two Brokers never see each other's messages, so many apps can run side by side in one
// process (one test binary, say) without crosstalk. The guarantees are those of package
// pubsub: at-most-once delivery, per-publisher order, bounded subscription buffers that
// end with pubsub.ErrSlowConsumer on overflow. Publish copies the payload once, and all
// subscriptions that receive a message share that copy.
package memory
