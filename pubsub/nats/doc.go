// Package nats is the pubsub driver for a NATS server (github.com/nats-io/nats.go, core
// NATS, no JetStream): every app instance connected to the same server, or cluster, and
// namespace sees every message. A [Broker] holds one NATS connection. Each channel or
// pattern that has local subscribers gets one NATS subscription, however many local
// subscribers share it, and NATS wildcards do the pattern matching on the server.
//
// Channel names are encoded into NATS subjects token by token: letters, digits, "-", "_"
// and ":" stay as they are, every other byte becomes "~" and two hex digits, and an
// empty token becomes "~". So any valid channel name (spaces, quotes, "*", ">",
// unicode) maps to exactly one subject under "<namespace>.", and pattern tokens "*" and
// ">" stay NATS wildcards. The payload limit is the server's max_payload (1 MiB by
// default). When the connection drops, or two client pings (every Config.HealthCheck)
// go unanswered, nats.go reconnects without end and resubscribes;
// messages published by this instance meanwhile wait in its reconnect buffer, messages
// published by others meanwhile are lost for it (at-most-once, as pubsub says). Messages
// reach local subscriptions in the connection's order; if the client falls so far
// behind that NATS drops messages for a subscription, the local subscriptions it feeds
// end with pubsub.ErrSlowConsumer, so no gap goes unnoticed.
package nats
