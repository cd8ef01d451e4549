// Package fanout is the local half of every pubsub driver: it keeps a broker's
// subscriptions, hands each message to the ones that match it without ever blocking,
// closes a subscription whose buffer overflows with pubsub.ErrSlowConsumer, and tells the
// driver when the first subscription to a channel or pattern appears and when the last one
// goes, so that the driver subscribes on its server once per subject however many local
// subscribers there are.
//
// A Table serialises the driver's server calls (Upstream.Open and Upstream.Close) so that
// they never race for the same subject, and delivers under one lock so that all local
// subscriptions see messages in the same order.
package fanout
