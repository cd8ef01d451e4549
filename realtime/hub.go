package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/memory"
	"github.com/sinewdev/sinew/web"
)

// Defaults of a zero [Config].
const (
	DefaultPingInterval     = 25 * time.Second
	DefaultIdleTimeout      = 60 * time.Second
	DefaultWriteTimeout     = 10 * time.Second
	DefaultSendQueue        = 256
	DefaultMaxMessageBytes  = 64 << 10
	DefaultMaxSubscriptions = 64
	DefaultPresenceInterval = 10 * time.Second
	DefaultHistoryTTL       = 10 * time.Minute
	DefaultPrefix           = "sinew.rt"
)

// MaxChannelLen is the longest channel name a client may subscribe to or the application
// may publish on, in bytes. Names are otherwise those of [pubsub.ValidChannel].
const MaxChannelLen = 200

// MaxEventLen is the longest event name, in bytes.
const MaxEventLen = 128

// WebSocket close codes the hub uses besides the standard ones (1001 going away on
// shutdown, 1009 message too big, 1003 unsupported data for binary frames).
const (
	// CloseSlowConsumer closes a connection whose send queue overflowed: the client did
	// not read fast enough. It should reconnect and resume.
	CloseSlowConsumer = 4000
	// CloseIdleTimeout closes a connection that answered no ping for Config.IdleTimeout.
	CloseIdleTimeout = 4001
	// CloseProtocolError closes a connection that sent too many malformed messages.
	CloseProtocolError = 4002
)

// Errors callers branch on with errors.Is. The HTTP ones carry a status (see web.StatusOf).
var (
	// ErrUnauthorized answers a connection the Authenticate function refused (401).
	ErrUnauthorized = &statusError{status: 401, msg: "realtime: unauthorized"}
	// ErrForbidden answers a subscription the channel's Authorize function refused, or to
	// a channel no [Hub.Channel] rule declares (403).
	ErrForbidden = &statusError{status: 403, msg: "realtime: forbidden"}
	// ErrInvalidChannel rejects a malformed channel name (400).
	ErrInvalidChannel = &statusError{status: 400, msg: "realtime: invalid channel"}
	// ErrInvalidEvent rejects an empty, oversized or reserved ("sinew:...") event name (400).
	ErrInvalidEvent = &statusError{status: 400, msg: "realtime: invalid event"}
	// ErrTooManySubscriptions rejects a subscription over Config.MaxSubscriptions (400).
	ErrTooManySubscriptions = &statusError{status: 400, msg: "realtime: too many subscriptions"}
	// ErrShuttingDown answers connections while the hub drains or after it closed (503).
	ErrShuttingDown = &statusError{status: 503, msg: "realtime: shutting down"}
	// ErrReadOnly rejects a client publish on a channel without a Receive function (403).
	ErrReadOnly = &statusError{status: 403, msg: "realtime: channel does not accept client messages"}
)

type statusError struct {
	status int
	msg    string
	err    error
}

func (e *statusError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}
func (e *statusError) StatusCode() int { return e.status }
func (e *statusError) Unwrap() error   { return e.err }

// Is makes a wrapped statusError match its sentinel.
func (e *statusError) Is(target error) bool {
	t, ok := target.(*statusError)
	return ok && t.msg == e.msg && t.status == e.status && t.err == nil
}

func wrapStatus(sentinel *statusError, cause error) error {
	return &statusError{status: sentinel.status, msg: sentinel.msg, err: cause}
}

// Identity is who holds a connection, as the Config.Authenticate function says. An empty
// ID is an anonymous connection: it may join public channels but is not listed in
// presence.
type Identity struct {
	// ID identifies the user across connections and instances (presence counts a user
	// with two tabs once).
	ID string `json:"id"`
	// Name is shown to other users in presence lists.
	Name string `json:"name,omitempty"`
	// User is the application's user value behind the identity (the default Authenticate
	// sets c.User()), for Authorize functions that check permissions. It is never sent.
	User any `json:"-"`
}

// Identifier is implemented by user types that know their realtime identity; the default
// Authenticate function asks c.User() for it.
type Identifier interface {
	RealtimeIdentity() Identity
}

// Envelope is the JSON message every client receives: the channel, the event name, the
// event's data and, for published events, an id used to resume after a reconnect. Events
// whose names start with "sinew:" are the hub's own: "sinew:subscribed" (data: presence,
// cursor, resumed), "sinew:unsubscribed", "sinew:error" (data: error, ref),
// "sinew:join" and "sinew:leave" (data: the Identity) and "sinew:goaway".
type Envelope struct {
	Channel string          `json:"channel"`
	Event   string          `json:"event"`
	Data    json.RawMessage `json:"data,omitempty"`
	ID      string          `json:"id,omitempty"`
}

// Message is what a client publishes on a channel, handed to the channel's Receive
// function. The hub fills From from the connection; clients cannot forge it.
type Message struct {
	From    Identity
	Channel string
	Event   string
	Data    json.RawMessage
}

// Channel declares a family of channels, matched by the pattern given to [Hub.Channel].
// The zero value is a public channel without presence, history or client messages.
type Channel struct {
	// Authorize decides whether who may subscribe to channel; a non-nil error refuses it
	// (answered as 403 with the error's text). Nil allows every authenticated connection,
	// anonymous ones included.
	Authorize func(ctx context.Context, who Identity, channel string) error
	// Presence tracks who is subscribed (identities with an ID), across instances, and
	// sends sinew:join and sinew:leave events to the channel's subscribers.
	Presence bool
	// History is how many recent published events the hub keeps per channel, for clients
	// that ask for history on subscribing or resume after a reconnect. Zero keeps none.
	History int
	// Receive handles events clients publish on the channel over a WebSocket. Nil makes
	// the channel read-only for clients. Receive usually checks m and calls Hub.Publish
	// (or stores m first); its error is sent back to the client.
	Receive func(ctx context.Context, m Message) error
}

// Config configures a [Hub]. The zero value is the default: an in-process memory broker,
// connections identified by c.User(), same-origin WebSockets only.
type Config struct {
	// Broker carries published events and presence between instances. Nil: a memory broker
	// owned (and closed) by the hub, enough for one instance.
	Broker pubsub.Broker
	// Prefix is put before channel names on the broker, so hubs of different apps sharing
	// a broker namespace stay apart. Default: "sinew.rt".
	Prefix string
	// Authenticate identifies a connecting client, before the upgrade. A non-nil error
	// refuses the connection (401 unless the error carries a status). Default: the
	// request's c.User() (see Identifier; *auth.User-like values with an ID are read
	// through it), anonymous when there is none.
	Authenticate func(c *web.Ctx) (Identity, error)
	// OriginPatterns are the other origins whose pages may open WebSockets (host patterns
	// of path.Match, as github.com/coder/websocket takes them). The request's own host is
	// always allowed; everything else is refused with 403.
	OriginPatterns []string
	// PingInterval is how often connections are pinged (WebSocket) or sent a comment line
	// (server-sent events). Default: 25s.
	PingInterval time.Duration
	// IdleTimeout closes a WebSocket that sent nothing and answered no ping for that long,
	// with CloseIdleTimeout. Default: 60s.
	IdleTimeout time.Duration
	// WriteTimeout closes a WebSocket whose write has been blocked that long (the client
	// stopped reading), checked at every PingInterval, with CloseSlowConsumer; event streams
	// use it as each flush's deadline. Default: 10s.
	WriteTimeout time.Duration
	// SendQueue is how many messages may wait for one client; one more disconnects it with
	// CloseSlowConsumer. Default: 256.
	SendQueue int
	// MaxMessageBytes is the largest message a client may send; a larger WebSocket frame
	// closes the connection with 1009 (message too big). Default: 64 KiB.
	MaxMessageBytes int64
	// MaxSubscriptions is how many channels one connection may join. Default: 64.
	MaxSubscriptions int
	// PresenceInterval is how often each instance republishes its presence entries;
	// entries of an instance not heard from for three intervals expire. Default: 10s.
	PresenceInterval time.Duration
	// HistoryTTL is how long the history of a channel without local subscribers is kept
	// after its last event. Default: 10 minutes.
	HistoryTTL time.Duration
	// Logger receives the hub's warnings. Default: slog.Default().
	Logger *slog.Logger
}

func (cfg *Config) defaults() {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = DefaultPingInterval
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.SendQueue <= 0 {
		cfg.SendQueue = DefaultSendQueue
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if cfg.MaxSubscriptions <= 0 {
		cfg.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if cfg.PresenceInterval <= 0 {
		cfg.PresenceInterval = DefaultPresenceInterval
	}
	if cfg.HistoryTTL <= 0 {
		cfg.HistoryTTL = DefaultHistoryTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Authenticate == nil {
		cfg.Authenticate = userIdentity
	}
}

// Stats are the hub's counters, for metrics. Counters only grow; Connections is current.
type Stats struct {
	Connections        int64 // open connections now
	ConnectionsTotal   int64 // connections accepted since start
	ConnectionsRefused int64 // refused by authentication, origin, limits or shutdown
	SlowConsumers      int64 // connections closed because their send queue overflowed
	IdleTimeouts       int64 // connections closed for not answering pings
	Subscriptions      int64 // subscriptions made since start
	SubscribeRefused   int64 // subscriptions refused (authorisation, invalid names, limits)
	Published          int64 // events published through this hub
	Delivered          int64 // messages queued to clients (events, presence, replies)
	Received           int64 // messages received from clients
	BrokerGaps         int64 // times the hub's broker subscription fell behind and restarted
}

type stats struct {
	connections, connectionsTotal, connectionsRefused, slowConsumers, idleTimeouts atomic.Int64
	subscriptions, subscribeRefused, published, delivered, received, brokerGaps    atomic.Int64
}

type rule struct {
	pattern string
	ch      Channel
}

// channelState is what the hub keeps for one channel on this instance.
type channelState struct {
	name    string
	rule    *rule
	subs    map[*client]struct{}
	history *history
	last    time.Time // last published event
}

// Hub is the real-time hub: channels, connections, presence and history. Create it with
// [New], declare channels with [Hub.Channel], serve [Hub.ServeWS], [Hub.ServeSSE] and
// [Hub.ServeClient] (or call [Hub.Mount]), and [Hub.Attach] it to the app's lifecycle.
// All methods are safe for concurrent use.
type Hub struct {
	cfg       Config
	broker    pubsub.Broker
	ownBroker bool
	node      string
	seq       atomic.Uint64
	msgPrefix string // broker channel prefix of events: cfg.Prefix + ".m."
	presCh    string // broker channel of presence traffic

	rulesMu sync.RWMutex
	rules   []*rule

	mu       sync.Mutex
	channels map[string]*channelState
	clients  map[*client]struct{}

	presence *presence

	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	draining atomic.Bool
	closed   atomic.Bool
	closeMu  sync.Mutex

	stats stats
}

// New returns a running hub: it subscribes to its broker (cfg.Broker, or a memory broker
// of its own) before returning, so events published afterwards on any instance reach its
// clients. ctx bounds the subscribing only. Close the hub when done (Attach does it on the
// app's stop).
func New(ctx context.Context, cfg Config) (*Hub, error) {
	cfg.defaults()
	if err := pubsub.ValidChannel(cfg.Prefix + ".presence"); err != nil {
		return nil, fmt.Errorf("realtime: prefix %q: %w", cfg.Prefix, err)
	}
	var nodeID [6]byte
	_, _ = rand.Read(nodeID[:])
	h := &Hub{
		cfg:       cfg,
		broker:    cfg.Broker,
		node:      hex.EncodeToString(nodeID[:]),
		msgPrefix: cfg.Prefix + ".m.",
		presCh:    cfg.Prefix + ".presence",
		channels:  make(map[string]*channelState),
		clients:   make(map[*client]struct{}),
	}
	if h.broker == nil {
		h.broker = memory.New(memory.Config{Buffer: 4096})
		h.ownBroker = true
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.presence = newPresence(h)

	msgs, err := h.broker.SubscribePattern(ctx, h.msgPrefix+">")
	if err != nil {
		h.closeBroker()
		return nil, fmt.Errorf("realtime: subscribing to the broker: %w", err)
	}
	pres, err := h.broker.Subscribe(ctx, h.presCh)
	if err != nil {
		_ = msgs.Close()
		h.closeBroker()
		return nil, fmt.Errorf("realtime: subscribing to the broker: %w", err)
	}
	h.wg.Add(3)
	go h.dispatchLoop(msgs)
	go h.presence.loop(pres)
	go h.maintain()
	// Ask the other instances for their presence now instead of waiting a heartbeat.
	h.presence.requestSync(ctx)
	return h, nil
}

func (h *Hub) closeBroker() {
	if h.ownBroker {
		_ = h.broker.Close()
	}
}

// Channel declares the channels that pattern matches (a channel name, or a pattern with
// the "*" and ">" wildcards of [pubsub.Match]). A subscription is checked against the
// rules in the order they were declared and the first match applies; a channel no rule
// matches cannot be joined. Channel panics on an invalid pattern, like route registration.
func (h *Hub) Channel(pattern string, ch Channel) {
	if len(pattern) > MaxChannelLen {
		panic(fmt.Sprintf("realtime: channel pattern %q longer than %d bytes", pattern, MaxChannelLen))
	}
	if err := pubsub.ValidPattern(pattern); err != nil {
		panic(fmt.Sprintf("realtime: channel pattern %q: %v", pattern, err))
	}
	if ch.History < 0 {
		panic("realtime: negative History for " + pattern)
	}
	h.rulesMu.Lock()
	h.rules = append(h.rules, &rule{pattern: pattern, ch: ch})
	h.rulesMu.Unlock()
}

func (h *Hub) ruleFor(channel string) *rule {
	h.rulesMu.RLock()
	defer h.rulesMu.RUnlock()
	for _, r := range h.rules {
		if r.pattern == channel || pubsub.Match(r.pattern, channel) {
			return r
		}
	}
	return nil
}

// validChannel checks a channel name from a client or the application.
func validChannel(name string) error {
	if name == "" || len(name) > MaxChannelLen {
		return wrapStatus(ErrInvalidChannel, fmt.Errorf("name must be 1 to %d bytes", MaxChannelLen))
	}
	if err := pubsub.ValidChannel(name); err != nil {
		return wrapStatus(ErrInvalidChannel, err)
	}
	return nil
}

func validEvent(name string) error {
	if name == "" || len(name) > MaxEventLen {
		return wrapStatus(ErrInvalidEvent, fmt.Errorf("name must be 1 to %d bytes", MaxEventLen))
	}
	if strings.HasPrefix(name, "sinew:") {
		return wrapStatus(ErrInvalidEvent, errors.New(`names starting with "sinew:" are reserved`))
	}
	if err := pubsub.ValidChannel(name); err != nil { // UTF-8, no control characters
		return wrapStatus(ErrInvalidEvent, errors.New("name must be UTF-8 text without control characters"))
	}
	return nil
}

// Publish sends event with data on channel to every subscriber, on this instance and,
// through the broker, on every other. data is marshalled to JSON (a json.RawMessage is
// sent as it is, after checking it is valid JSON). The event gets an id and enters the
// channel's history where the channel keeps one. Publish returns once the broker took the
// message; an invalid name fails with ErrInvalidChannel or ErrInvalidEvent, an event over
// the broker's payload limit with pubsub.ErrTooLarge.
func (h *Hub) Publish(ctx context.Context, channel, event string, data any) error {
	if err := validChannel(channel); err != nil {
		return err
	}
	if err := validEvent(event); err != nil {
		return err
	}
	var raw []byte
	switch d := data.(type) {
	case json.RawMessage:
		if !json.Valid(d) {
			return errors.New("realtime: publish: data is not valid JSON")
		}
		raw = d
	default:
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("realtime: publish: %w", err)
		}
		raw = b
	}
	if h.closed.Load() {
		return fmt.Errorf("realtime: publish: %w", pubsub.ErrClosed)
	}
	id := h.nextID()
	payload := make([]byte, 0, len(id)+len(channel)+len(event)+len(raw)+48)
	payload = append(payload, id...)
	payload = append(payload, '\n')
	payload = appendEnvelope(payload, channel, event, raw, id)
	if err := h.broker.Publish(ctx, h.msgPrefix+channel, payload); err != nil {
		return fmt.Errorf("realtime: publish on %q: %w", channel, err)
	}
	h.stats.published.Add(1)
	return nil
}

func (h *Hub) nextID() string {
	return h.node + "-" + strconv.FormatUint(h.seq.Add(1), 36)
}

// appendEnvelope appends the JSON envelope; data must be valid JSON (or nil).
func appendEnvelope(b []byte, channel, event string, data []byte, id string) []byte {
	b = append(b, `{"channel":`...)
	b = appendJSONString(b, channel)
	b = append(b, `,"event":`...)
	b = appendJSONString(b, event)
	if len(data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, data...)
	}
	if id != "" {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, id)
	}
	return append(b, '}')
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // strings always marshal
	return append(b, q...)
}

// dispatchLoop reads events from the broker and fans them out to local subscribers.
func (h *Hub) dispatchLoop(sub pubsub.Subscription) {
	defer h.wg.Done()
	defer func() { _ = sub.Close() }()
	for {
		msgs := sub.Messages()
	read:
		for {
			select {
			case <-h.ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					break read
				}
				h.dispatch(m)
			}
		}
		err := sub.Err()
		if h.ctx.Err() != nil || errors.Is(err, pubsub.ErrClosed) {
			return
		}
		// The hub fell behind its broker subscription: resubscribe; clients have a gap
		// that resuming from history after a reconnect can repair.
		h.stats.brokerGaps.Add(1)
		h.cfg.Logger.Warn("realtime: broker subscription ended, resubscribing", "err", err)
		for {
			ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
			s, err := h.broker.SubscribePattern(ctx, h.msgPrefix+">")
			cancel()
			if err == nil {
				_ = sub.Close()
				sub = s
				break
			}
			if h.ctx.Err() != nil || errors.Is(err, pubsub.ErrClosed) {
				return
			}
			select {
			case <-h.ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
}

func (h *Hub) dispatch(m pubsub.Message) {
	channel, ok := strings.CutPrefix(m.Channel, h.msgPrefix)
	if !ok {
		return
	}
	nl := -1
	for i, c := range m.Payload {
		if c == '\n' {
			nl = i
			break
		}
	}
	if nl <= 0 {
		return // not ours
	}
	id := string(m.Payload[:nl])
	data := m.Payload[nl+1:]
	now := time.Now()

	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.channels[channel]
	if st == nil {
		r := h.ruleFor(channel)
		if r == nil || r.ch.History == 0 {
			return // nobody here listens, and nothing to remember
		}
		st = h.newChannelState(channel, r)
	}
	st.last = now
	if st.history != nil {
		st.history.add(id, data)
	}
	for c := range st.subs {
		c.enqueue(outMsg{channel: channel, id: id, data: data})
	}
}

// newChannelState creates and registers the state of channel; h.mu is held.
func (h *Hub) newChannelState(channel string, r *rule) *channelState {
	st := &channelState{name: channel, rule: r, subs: make(map[*client]struct{})}
	if r.ch.History > 0 {
		st.history = newHistory(r.ch.History)
	}
	h.channels[channel] = st
	return st
}

// deliverLocal sends a hub event (presence) to the local subscribers of channel.
func (h *Hub) deliverLocal(channel, event string, data []byte) {
	frame := appendEnvelope(nil, channel, event, data, "")
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.channels[channel]
	if st == nil {
		return
	}
	for c := range st.subs {
		c.enqueue(outMsg{channel: channel, data: frame})
	}
}

// maintain pings connections, times idle ones out, and expires presence and history.
func (h *Hub) maintain() {
	defer h.wg.Done()
	ping := time.NewTicker(h.cfg.PingInterval)
	defer ping.Stop()
	pres := time.NewTicker(h.cfg.PresenceInterval)
	defer pres.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-ping.C:
			h.heartbeat()
		case <-pres.C:
			h.presence.tick()
			h.sweepHistory()
		}
	}
}

func (h *Hub) heartbeat() {
	now := time.Now()
	h.mu.Lock()
	clients := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		clients = append(clients, c)
	}
	h.mu.Unlock()
	for _, c := range clients {
		c.heartbeat(now)
	}
}

func (h *Hub) sweepHistory() {
	cutoff := time.Now().Add(-h.cfg.HistoryTTL)
	h.mu.Lock()
	defer h.mu.Unlock()
	for name, st := range h.channels {
		if len(st.subs) == 0 && st.last.Before(cutoff) {
			delete(h.channels, name)
		}
	}
}

// Stats returns a snapshot of the hub's counters.
func (h *Hub) Stats() Stats {
	s := &h.stats
	return Stats{
		Connections:        s.connections.Load(),
		ConnectionsTotal:   s.connectionsTotal.Load(),
		ConnectionsRefused: s.connectionsRefused.Load(),
		SlowConsumers:      s.slowConsumers.Load(),
		IdleTimeouts:       s.idleTimeouts.Load(),
		Subscriptions:      s.subscriptions.Load(),
		SubscribeRefused:   s.subscribeRefused.Load(),
		Published:          s.published.Load(),
		Delivered:          s.delivered.Load(),
		Received:           s.received.Load(),
		BrokerGaps:         s.brokerGaps.Load(),
	}
}

// Presence returns who is subscribed to channel, on every instance, sorted by ID. Only
// channels declared with Presence are tracked.
func (h *Hub) Presence(channel string) []Identity {
	return h.presence.members(channel)
}

// Drain closes every connection with "going away" (WebSocket 1001, a sinew:goaway event on
// event streams) so clients reconnect, to another instance if this one is stopping, and
// refuses new connections with 503. Publishing still works. It returns when every
// connection has been told, or when ctx is done.
func (h *Hub) Drain(ctx context.Context) {
	h.draining.Store(true)
	h.mu.Lock()
	clients := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		clients = append(clients, c)
	}
	h.mu.Unlock()
	for _, c := range clients {
		c.kill(closeGoingAway, "server shutting down")
	}
	for _, c := range clients {
		select {
		case <-c.gone:
		case <-ctx.Done():
			return
		}
	}
}

// Close drains the hub, withdraws its presence from the other instances, stops its
// goroutines and, if the hub created its broker, closes it. Later connections get 503 and
// Publish fails with pubsub.ErrClosed. Close waits for the connections to end, within ctx.
func (h *Hub) Close(ctx context.Context) error {
	h.closeMu.Lock()
	defer h.closeMu.Unlock()
	if h.closed.Load() {
		return nil
	}
	h.Drain(ctx)
	h.closed.Store(true)
	h.presence.bye(ctx)
	h.cancel()
	h.wg.Wait()
	if h.ownBroker {
		return h.broker.Close()
	}
	return nil
}

// lifecycle is the part of *sinew.App that Attach needs.
type lifecycle interface {
	OnDrain(fn func(ctx context.Context))
	OnStop(fn func(ctx context.Context) error)
}

// Attach ties the hub to an app's lifecycle: Drain as soon as shutdown begins (before the
// server waits for in-flight requests, which event streams would otherwise hold open) and
// Close when the app stops.
func (h *Hub) Attach(app lifecycle) {
	app.OnDrain(h.Drain)
	app.OnStop(h.Close)
}

// router is the part of *web.Router (and so *sinew.App) that Mount needs.
type router interface {
	GET(path string, h web.HandlerFunc) *web.Route
}

// Mount registers the hub's endpoints under prefix (for example "/realtime"):
// prefix+"/ws" (WebSocket), prefix+"/events" (server-sent events) and prefix+"/client.js"
// (the JavaScript client).
func (h *Hub) Mount(r router, prefix string) {
	prefix = strings.TrimSuffix(prefix, "/")
	r.GET(prefix+"/ws", h.ServeWS)
	r.GET(prefix+"/events", h.ServeSSE)
	r.GET(prefix+"/client.js", h.ServeClient)
}
