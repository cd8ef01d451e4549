// Package postgres is the pubsub driver over PostgreSQL LISTEN/NOTIFY: with it, every app
// instance connected to the same database and namespace sees every message, and no other
// server is needed. A [Broker] keeps one dedicated connection that LISTENs on a single
// channel named after the namespace, and publishes with pg_notify from a small pool.
// Every message of the namespace reaches every instance, which hands it to its matching
// subscriptions locally; this is what makes patterns work, and it costs little, because
// PostgreSQL makes every listening backend read the whole notification queue anyway.
// Channel names therefore never become SQL identifiers: they travel inside the payload,
// length-prefixed, and the namespace identifier is quoted (and hashed when longer than
// PostgreSQL's 63 bytes).
//
// NOTIFY payloads are limited to 8000 bytes of text. Payloads are base64-encoded (they
// are bytes, NOTIFY takes text) next to the channel name, so the largest payload is
// [MaxPayload] (5800) bytes; Publish rejects larger ones with pubsub.ErrTooLarge and
// sends nothing. Keep real-time messages small, or publish a row's key and let
// subscribers load the row. Notifications are sent when the publishing statement
// commits, in commit order, so messages published in sequence arrive in sequence. The
// publishing connections set synchronous_commit to off (unless the connection string
// sets it), because a notification needs no durable commit; that spares each Publish
// an fsync. When
// the listening connection drops (a server restart, pg_terminate_backend), the Broker
// reconnects with backoff and LISTENs again (a connection that went silent is pinged
// after Config.HealthCheck, and replaced if the ping goes unanswered); messages notified meanwhile are lost for
// this instance, as pubsub's at-most-once contract says, and subscriptions stay open.
package postgres
