// Package realtime is Sinew's real-time hub: browsers and other clients hold one WebSocket
// or server-sent event stream each and subscribe it to any number of named channels; the
// application publishes events on those channels from anywhere (handlers, jobs, model
// hooks) with [Hub.Publish], and every subscribed client receives them as a JSON envelope
// {channel, event, data, id}. Channels are declared with [Hub.Channel]: who may join them
// (a per-channel authorisation function), whether the hub tracks presence (who is
// connected, with join and leave events) and how much history it keeps for catch-up after
// a reconnect (WebSocket "since", server-sent events' Last-Event-ID).
//
// Fan-out goes through a [pubsub.Broker]: with the in-process memory broker (the default)
// one instance serves everything; with a networked broker (PostgreSQL, NATS, Redis) a
// message published on any instance reaches the clients of every instance, and presence is
// shared by heartbeated presence entries published on the same broker. Every connection
// has a bounded send queue (a slow client is disconnected with [CloseSlowConsumer] and
// never slows the others), a read limit, heartbeats and an idle timeout; [Hub.Drain]
// closes every connection with "going away" so clients reconnect to another instance, and
// the hub serves a small JavaScript client (reconnection with backoff, resubscription,
// presence) at [Hub.ServeClient].
package realtime
