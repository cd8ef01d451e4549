package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

const closeGoingAway = int(websocket.StatusGoingAway)

// outMsg is one message waiting in a client's send queue: an envelope's JSON, and for
// published events the channel and id (server-sent events build their cursor from them).
type outMsg struct {
	channel string
	id      string
	data    []byte
}

// client is one connection, WebSocket or event stream.
type client struct {
	hub *Hub
	who Identity
	ws  *websocket.Conn // nil for event streams

	mu      sync.Mutex
	queue   []outMsg
	spare   []outMsg // a drained queue's array, reused by the next take
	writing bool     // a WebSocket writer goroutine is running
	dead    bool     // killed: queue no more
	code    int      // close code once dead
	reason  string
	subs    map[string]struct{}
	wake    chan struct{} // event streams: the handler waits on it
	gone    chan struct{} // closed when the connection is unregistered
	pinging atomic.Bool
	// writeStart is when the write in progress began (unix nanoseconds), 0 when none.
	writeStart atomic.Int64
	lastSeen   atomic.Int64 // unix nanoseconds of the last frame or pong received
}

func newClient(h *Hub, who Identity, ws *websocket.Conn) *client {
	c := &client{hub: h, who: who, ws: ws, subs: make(map[string]struct{}), gone: make(chan struct{})}
	if ws == nil {
		c.wake = make(chan struct{}, 1)
	}
	c.lastSeen.Store(time.Now().UnixNano())
	return c
}

// enqueue queues m without blocking. A full queue kills the connection as a slow consumer.
func (c *client) enqueue(m outMsg) {
	c.mu.Lock()
	if c.dead {
		c.mu.Unlock()
		return
	}
	if len(c.queue) >= c.hub.cfg.SendQueue {
		c.mu.Unlock()
		if c.kill(CloseSlowConsumer, "slow consumer: send queue full") {
			c.hub.stats.slowConsumers.Add(1)
		}
		return
	}
	c.queue = append(c.queue, m)
	c.hub.stats.delivered.Add(1)
	start := false
	if c.ws != nil && !c.writing {
		c.writing = true
		start = true
	}
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	} else if c.wake != nil {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// take removes and returns the queued messages, nil when there are none or the client is
// dead; for WebSockets, an empty queue also ends the writer.
func (c *client) take() []outMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead || len(c.queue) == 0 {
		c.writing = false
		return nil
	}
	q := c.queue
	c.queue, c.spare = c.spare, nil
	return q
}

// recycle returns a batch from take once it was sent, so the next one reuses its array.
func (c *client) recycle(q []outMsg) {
	clear(q)
	c.mu.Lock()
	if c.spare == nil && cap(q) <= 4*c.hub.cfg.SendQueue {
		c.spare = q[:0]
	}
	c.mu.Unlock()
}

// writeLoop sends a WebSocket's queue; it runs only while there is something to send, so
// an idle connection costs no writer goroutine.
func (c *client) writeLoop() {
	for {
		batch := c.take()
		if batch == nil {
			return
		}
		for _, m := range batch {
			// No context deadline per write (a timer and a cancellation hook per message,
			// the larger part of a delivery's cost): the heartbeat closes a connection
			// whose write has been stuck for WriteTimeout, which unblocks it.
			c.writeStart.Store(time.Now().UnixNano())
			err := c.ws.Write(context.Background(), websocket.MessageText, m.data)
			c.writeStart.Store(0)
			if err != nil {
				c.mu.Lock()
				c.writing = false
				c.mu.Unlock()
				c.kill(int(websocket.StatusInternalError), "write failed")
				return
			}
		}
		c.recycle(batch)
	}
}

// kill ends the connection with code and reason, once, without blocking the caller. It
// reports whether this call killed it.
func (c *client) kill(code int, reason string) bool {
	c.mu.Lock()
	if c.dead {
		c.mu.Unlock()
		return false
	}
	c.dead = true
	c.code, c.reason = code, reason
	c.queue = nil
	c.mu.Unlock()
	if c.ws != nil {
		c.hub.wg.Add(1)
		go func() {
			defer c.hub.wg.Done()
			_ = c.ws.Close(websocket.StatusCode(code), reason)
		}()
		return true
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// closed reports the close code and reason once the client was killed.
func (c *client) closed() (bool, int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dead, c.code, c.reason
}

func (c *client) seen() { c.lastSeen.Store(time.Now().UnixNano()) }

// heartbeat pings a WebSocket or times it out; event streams ping themselves.
func (c *client) heartbeat(now time.Time) {
	if c.ws == nil {
		return
	}
	if ws := c.writeStart.Load(); ws != 0 && now.Sub(time.Unix(0, ws)) > c.hub.cfg.WriteTimeout {
		// The client reads nothing, so no close frame would reach it: drop the connection.
		if c.kill(CloseSlowConsumer, "slow consumer: write timed out") {
			c.hub.stats.slowConsumers.Add(1)
			_ = c.ws.CloseNow()
		}
		return
	}
	if now.Sub(time.Unix(0, c.lastSeen.Load())) > c.hub.cfg.IdleTimeout {
		if c.kill(CloseIdleTimeout, "idle timeout") {
			c.hub.stats.idleTimeouts.Add(1)
		}
		return
	}
	if !c.pinging.CompareAndSwap(false, true) {
		return
	}
	c.hub.wg.Add(1)
	go func() {
		defer c.hub.wg.Done()
		defer c.pinging.Store(false)
		ctx, cancel := context.WithTimeout(c.hub.ctx, c.hub.cfg.PingInterval)
		defer cancel()
		if c.ws.Ping(ctx) == nil {
			c.seen()
		}
	}()
}

// reply queues a hub event for this client only.
func (c *client) reply(channel, event string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		raw = []byte(`null`)
	}
	c.enqueue(outMsg{channel: channel, data: appendEnvelope(nil, channel, event, raw, "")})
}

func (c *client) replyError(channel, ref string, err error) {
	c.reply(channel, "sinew:error", map[string]string{"error": err.Error(), "ref": ref})
}

// register adds a connection to the hub, unless it is draining.
func (h *Hub) register(c *client) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.draining.Load() {
		return ErrShuttingDown
	}
	h.clients[c] = struct{}{}
	h.stats.connections.Add(1)
	h.stats.connectionsTotal.Add(1)
	return nil
}

// unregister removes a connection and all its subscriptions.
func (h *Hub) unregister(c *client) {
	c.mu.Lock()
	c.dead = true
	c.queue = nil
	chans := make([]string, 0, len(c.subs))
	for ch := range c.subs {
		chans = append(chans, ch)
	}
	c.mu.Unlock()
	for _, ch := range chans {
		h.unsubscribe(c, ch)
	}
	h.mu.Lock()
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		h.stats.connections.Add(-1)
	}
	h.mu.Unlock()
	close(c.gone)
}

// subscribeOpts says what a subscription replays.
type subscribeOpts struct {
	since   *string // resume after this id ("" or unknown: the whole history)
	history bool    // replay the whole history
	ref     string
}

// subscribed is the data of a sinew:subscribed event.
type subscribed struct {
	Presence []Identity `json:"presence,omitempty"`
	Cursor   string     `json:"cursor"`
	Resumed  bool       `json:"resumed"`
	Replayed int        `json:"replayed"`
	Ref      string     `json:"ref,omitempty"`
}

// subscribe joins c to channel after checking the name, the rules and the limit, queues
// the sinew:subscribed reply and any replayed history, and records presence.
// It returns the channel's history cursor at that moment (the id to resume after).
func (h *Hub) subscribe(ctx context.Context, c *client, channel string, o subscribeOpts) (string, error) {
	cur, err := h.trySubscribe(ctx, c, channel, o)
	if err != nil {
		h.stats.subscribeRefused.Add(1)
	}
	return cur, err
}

func (h *Hub) trySubscribe(ctx context.Context, c *client, channel string, o subscribeOpts) (string, error) {
	if err := validChannel(channel); err != nil {
		return "", err
	}
	r := h.ruleFor(channel)
	if r == nil {
		return "", wrapStatus(ErrForbidden, fmt.Errorf("no channel rule matches %q", channel))
	}
	if r.ch.Authorize != nil {
		if err := r.ch.Authorize(ctx, c.who, channel); err != nil {
			return "", wrapStatus(ErrForbidden, err)
		}
	}
	c.mu.Lock()
	if c.dead {
		c.mu.Unlock()
		return "", ErrShuttingDown
	}
	if _, dup := c.subs[channel]; dup {
		c.mu.Unlock()
		return "", nil
	}
	if len(c.subs) >= h.cfg.MaxSubscriptions {
		c.mu.Unlock()
		return "", ErrTooManySubscriptions
	}
	c.subs[channel] = struct{}{}
	c.mu.Unlock()

	tracked := r.ch.Presence && c.who.ID != ""
	if r.ch.Presence {
		// Lock order: presence, then hub; the presence list and the registration are taken
		// together so that no join or leave falls between them. The join is announced
		// before the client is registered: the client learns of itself from the list.
		h.presence.mu.Lock()
		defer h.presence.mu.Unlock()
		if tracked {
			h.presence.localJoinLocked(channel, c.who)
		}
	}
	h.mu.Lock()
	st := h.channels[channel]
	if st == nil {
		st = h.newChannelState(channel, r)
	}
	st.subs[c] = struct{}{}
	ack := subscribed{Ref: o.ref}
	var replay []histEntry
	if st.history != nil {
		ack.Cursor = st.history.lastID()
		switch {
		case o.since != nil:
			replay, ack.Resumed = st.history.since(*o.since)
		case o.history:
			replay, _ = st.history.since("")
		}
	}
	ack.Replayed = len(replay)
	if r.ch.Presence {
		ack.Presence = h.presence.membersLocked(channel)
	}
	c.reply(channel, "sinew:subscribed", ack)
	for _, e := range replay {
		c.enqueue(outMsg{channel: channel, id: e.id, data: e.data})
	}
	h.mu.Unlock()
	h.stats.subscriptions.Add(1)
	return ack.Cursor, nil
}

// unsubscribe removes c from channel; it reports whether c was subscribed.
func (h *Hub) unsubscribe(c *client, channel string) bool {
	c.mu.Lock()
	_, ok := c.subs[channel]
	delete(c.subs, channel)
	c.mu.Unlock()
	if !ok {
		return false
	}
	h.mu.Lock()
	st := h.channels[channel]
	var r *rule
	if st != nil {
		r = st.rule
		delete(st.subs, c)
		if len(st.subs) == 0 && st.history == nil {
			delete(h.channels, channel)
		}
	}
	h.mu.Unlock()
	if r != nil && r.ch.Presence && c.who.ID != "" {
		h.presence.localLeave(channel, c.who)
	}
	return true
}
