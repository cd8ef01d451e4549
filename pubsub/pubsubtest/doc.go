// Package pubsubtest is the conformance suite that every pubsub driver passes, and the
// benchmarks that compare them. A driver's tests call [Run] with a [Config] that says how
// to create its brokers against a real server; the same subtests then check publishing
// and subscribing, several subscribers, unsubscribing, channel isolation, pattern
// subscriptions, ordering under concurrent publishers, payload limits, hostile channel
// names, cancellation, closing, slow consumers, two brokers sharing a server (two app
// instances), reconnection after the server drops the connection, and recovery from a
// connection that silently stops carrying traffic.
//
// [Benchmark] measures publish-to-receive latency and pipelined throughput. Both need
// only the [Config]; a third-party driver can use the package the same way as Sinew's
// own. Goroutine leaks are checked by each driver package's TestMain (with
// go.uber.org/goleak), which sees every broker the suite created after all are closed.
package pubsubtest
