// Package brokerurl opens a pubsub broker from a URL, choosing the driver by the URL's
// scheme: it is what turns SINEW_BROKER_URL into a pubsub.Broker. An empty URL or
// "memory://" gives the in-process broker; "postgres://" (or "postgresql://") the
// LISTEN/NOTIFY one, "nats://" (or "tls://") the NATS one and "redis://" (or
// "rediss://") the Redis one. Each URL may add namespace, buffer and max_payload to its
// query; everything else in it belongs to the driver's client library.
//
// Importing this package links every driver, and with them nats.go and go-redis, into
// the binary (pgx is usually there already for the database). That is the price of
// choosing the broker at deploy time with one environment variable, and it is a few
// megabytes. An application that wants a smaller binary imports only the driver it uses
// and passes its Broker to the app instead.
package brokerurl
