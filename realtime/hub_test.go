package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/memory"
	"github.com/sinewdev/sinew/realtime"
)

func TestMain(m *testing.M) {
	if runChild() {
		return
	}
	goleak.VerifyTestMain(m,
		// The idle keep-alive connections of http.DefaultClient stay open in its pool.
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
	)
}

func TestPublishReachesSubscribersInOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	a := s.dial(t, "alice", "")
	b := s.dial(t, "", "channel=public.news") // subscribed from the query
	a.subscribe("public.news", nil)
	b.expect("public.news", "sinew:subscribed")
	for i := range 100 {
		publish(t, s.hub, "public.news", "item", map[string]int{"n": i})
	}
	for _, c := range []*wsClient{a, b} {
		for i := range 100 {
			env := c.expect("public.news", "item")
			var d struct{ N int }
			if err := json.Unmarshal(env.Data, &d); err != nil || d.N != i {
				t.Fatalf("message %d: got %s (%v)", i, env.Data, err)
			}
			if env.ID == "" {
				t.Fatal("published events carry an id")
			}
		}
	}
}

func TestManyChannelsOverOneConnection(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	c := s.dial(t, "alice", "")
	const n = 20
	for i := range n {
		c.subscribe(fmt.Sprintf("public.c%d", i), nil)
	}
	for i := range n {
		publish(t, s.hub, fmt.Sprintf("public.c%d", i), "hello", i)
	}
	got := map[string]bool{}
	for range n {
		env := c.expect(anyChannel, "hello")
		got[env.Channel] = true
	}
	if len(got) != n {
		t.Fatalf("got events from %d channels, want %d", len(got), n)
	}
	// Unsubscribed channels stop delivering.
	c.send(map[string]string{"type": "unsubscribe", "channel": "public.c0"})
	c.expect("public.c0", "sinew:unsubscribed")
	publish(t, s.hub, "public.c0", "hello", "no")
	publish(t, s.hub, "public.c1", "hello", "yes")
	if env := c.next(); env.Channel != "public.c1" {
		t.Fatalf("after unsubscribing got %+v", env)
	}
}

func TestHistoryAndResume(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	a := s.dial(t, "alice", "")
	const none, unknown = -1, -2
	tests := []struct {
		name    string
		since   int // index of the id to resume after, none or unknown
		history bool
		want    []int
		resumed bool
	}{
		{"no history", none, false, nil, false},
		{"whole history", none, true, []int{0, 1, 2, 3, 4}, false},
		{"since an id", 2, false, []int{3, 4}, true},
		{"since the last id", 4, false, nil, true},
		{"since an unknown id", unknown, false, []int{0, 1, 2, 3, 4}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := fmt.Sprintf("room.h%d", i)
			a.subscribe(ch, nil)
			var ids []string
			for n := range 5 {
				publish(t, s.hub, ch, "msg", n)
				ids = append(ids, a.expect(ch, "msg").ID)
			}
			extra := map[string]any{}
			switch tt.since {
			case none:
			case unknown:
				extra["since"] = "gone-1"
			default:
				extra["since"] = ids[tt.since]
			}
			if tt.history {
				extra["history"] = true
			}
			b := s.dial(t, "bob", "")
			ack := b.subscribe(ch, extra)
			var d struct {
				Resumed  bool
				Replayed int
				Cursor   string
			}
			_ = json.Unmarshal(ack.Data, &d)
			if d.Resumed != tt.resumed || d.Replayed != len(tt.want) || d.Cursor != ids[4] {
				t.Fatalf("ack %s, want resumed=%v replayed=%d cursor=%s", ack.Data, tt.resumed, len(tt.want), ids[4])
			}
			for _, w := range tt.want {
				env := b.expect(ch, "msg")
				if string(env.Data) != fmt.Sprint(w) {
					t.Fatalf("replayed %s, want %d", env.Data, w)
				}
			}
			publish(t, s.hub, ch, "live", nil)
			b.expect(ch, "live")
		})
	}
}

func TestSSE(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	sse, _ := s.openSSE(t, "alice", "channel=room.1&channel=public.a", "")
	if h := sse.resp.Header; h.Get("Content-Type") != "text/event-stream" || !strings.Contains(h.Get("Cache-Control"), "no-transform") {
		t.Fatalf("headers %v", h)
	}
	sse.expect("room.1", "sinew:subscribed")
	sse.expect("public.a", "sinew:subscribed")
	publish(t, s.hub, "room.1", "msg", "one")
	publish(t, s.hub, "public.a", "msg", "two")
	_, id1 := sse.expect("room.1", "msg")
	env, id2 := sse.expect("public.a", "msg")
	if string(env.Data) != `"two"` || id1 == "" || id2 == "" {
		t.Fatalf("got %+v ids %q %q", env, id1, id2)
	}
	cursor, err := url.ParseQuery(id2)
	if err != nil || cursor.Get("room.1") == "" || cursor.Get("public.a") != env.ID {
		t.Fatalf("SSE id %q is not a cursor of both channels (%v)", id2, err)
	}
	sse.cancel()

	// Events published while disconnected are replayed from Last-Event-ID.
	publish(t, s.hub, "room.1", "msg", "three")
	publish(t, s.hub, "public.a", "msg", "four")
	again, _ := s.openSSE(t, "alice", "channel=room.1&channel=public.a", id2)
	got := map[string]string{}
	for len(got) < 2 {
		env, _ := again.next()
		if env.Event == "msg" {
			got[env.Channel] = string(env.Data)
		}
	}
	if got["room.1"] != `"three"` || got["public.a"] != `"four"` {
		t.Fatalf("resumed with %v", got)
	}
	// The same cursor in the query (EventSource cannot set headers on its first request).
	third, _ := s.openSSE(t, "alice", "channel=room.1&lastEventId="+url.QueryEscape(id2), "")
	env, _ = third.expect("room.1", "msg")
	if string(env.Data) != `"three"` {
		t.Fatalf("resumed from the query with %s", env.Data)
	}
	// Streams whose clients went away are unregistered, and so is their presence.
	again.cancel()
	third.cancel()
	waitFor(t, "the streams to end", func() bool { return s.hub.Stats().Connections == 0 })
	if got := s.hub.Presence("room.1"); len(got) != 0 {
		t.Fatalf("presence after the streams ended: %v", got)
	}
}

func TestSSEBadInput(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{MaxSubscriptions: 3}, nil)
	tests := []struct {
		name, user, query, lastID string
		status                    int
	}{
		{"no channel", "alice", "", "", 400},
		{"invalid channel", "alice", "channel=" + url.QueryEscape("a\x01b"), "", 400},
		{"oversized channel", "alice", "channel=" + strings.Repeat("x", 300), "", 400},
		{"too many channels", "alice", "channel=public.a&channel=public.b&channel=public.c&channel=public.d", "", 400},
		{"undeclared channel", "alice", "channel=nope", "", 403},
		{"refused channel", "alice", "channel=secret", "", 403},
		{"anonymous in a room", "", "channel=room.1", "", 403},
		{"bad credentials", "bad", "channel=public.a", "", 401},
		{"malformed cursor", "alice", "channel=public.a", "%zz", 400},
		{"oversized cursor", "alice", "channel=public.a", strings.Repeat("a", 20000), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, resp := s.openSSE(t, tt.user, tt.query, tt.lastID)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	// The hub still serves.
	ok, _ := s.openSSE(t, "alice", "channel=public.a", "")
	ok.expect("public.a", "sinew:subscribed")
}

func TestPresence(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	a := s.dial(t, "alice", "")
	ack := a.subscribe("room.1", nil)
	if !strings.Contains(string(ack.Data), `"presence":[{"id":"alice","name":"ALICE"}]`) {
		t.Fatalf("alice's ack: %s", ack.Data)
	}
	b := s.dial(t, "bob", "")
	ack = b.subscribe("room.1", nil)
	if !strings.Contains(string(ack.Data), `{"id":"alice","name":"ALICE"},{"id":"bob","name":"BOB"}`) {
		t.Fatalf("bob's ack: %s", ack.Data)
	}
	if env := a.expect("room.1", "sinew:join"); string(env.Data) != `{"id":"bob","name":"BOB"}` {
		t.Fatalf("join: %s", env.Data)
	}
	// A second connection of bob's is not a second member; closing it is not a leave.
	b2 := s.dial(t, "bob", "")
	b2.subscribe("room.1", nil)
	_ = b2.conn.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "the second connection to go", func() bool { return s.hub.Stats().Connections == 2 })
	if got := s.hub.Presence("room.1"); len(got) != 2 {
		t.Fatalf("presence %v", got)
	}
	_ = b.conn.CloseNow() // abrupt
	if env := a.expect("room.1", "sinew:leave"); string(env.Data) != `{"id":"bob","name":"BOB"}` {
		t.Fatalf("leave: %s", env.Data)
	}
	if got := s.hub.Presence("room.1"); len(got) != 1 || got[0].ID != "alice" {
		t.Fatalf("presence after leave %v", got)
	}
	// Anonymous connections are not listed (and public channels have no presence).
	if got := s.hub.Presence("public.x"); len(got) != 0 {
		t.Fatalf("presence on a channel without it: %v", got)
	}
}

// Two hubs on one broker are two instances: events and presence cross between them.
func TestTwoHubsShareEventsAndPresence(t *testing.T) {
	t.Parallel()
	broker := memory.New(memory.Config{})
	t.Cleanup(func() { _ = broker.Close() })
	s1 := newServer(t, realtime.Config{Broker: broker, PresenceInterval: 100 * time.Millisecond}, nil)
	s2 := newServer(t, realtime.Config{Broker: broker, PresenceInterval: 100 * time.Millisecond}, nil)
	a := s1.dial(t, "alice", "")
	a.subscribe("room.9", nil)
	b := s2.dial(t, "bob", "")
	ack := b.subscribe("room.9", nil)
	if !strings.Contains(string(ack.Data), `"id":"alice"`) { // or soon after
		if env := b.expect("room.9", "sinew:join"); !strings.Contains(string(env.Data), "alice") {
			t.Fatalf("bob on the second hub does not see alice: %s, then %s", ack.Data, env.Data)
		}
	}
	a.expect("room.9", "sinew:join")
	for i := range 50 {
		publish(t, s2.hub, "room.9", "n", i)
	}
	for i := range 50 {
		if env := a.expect("room.9", "n"); string(env.Data) != fmt.Sprint(i) {
			t.Fatalf("got %s, want %d", env.Data, i)
		}
	}
	// A client event goes through the channel's Receive on its own hub and reaches the
	// other hub's clients.
	b.send(map[string]any{"type": "publish", "channel": "room.9", "event": "typing", "data": true, "ref": "r1"})
	b.expect("room.9", "sinew:ok")
	if env := a.expect("room.9", "typing"); !strings.Contains(string(env.Data), `"from":"bob"`) {
		t.Fatalf("typing: %s", env.Data)
	}
	// When the second instance stops, its users leave the first one's presence.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s2.hub.Close(ctx); err != nil {
		t.Fatal(err)
	}
	a.expect("room.9", "sinew:leave")
}

func TestPresenceExpiresWithoutHeartbeats(t *testing.T) {
	t.Parallel()
	broker := memory.New(memory.Config{})
	t.Cleanup(func() { _ = broker.Close() })
	s := newServer(t, realtime.Config{Broker: broker, PresenceInterval: 50 * time.Millisecond}, nil)
	a := s.dial(t, "alice", "")
	a.subscribe("room.1", nil)
	// A node that announced a join and then went silent (crashed): no bye, no snapshots.
	msg := `{"t":"join","n":"deadbeef","c":"room.1","m":{"id":"ghost","name":"GHOST"}}`
	if err := broker.Publish(context.Background(), realtime.DefaultPrefix+".presence", []byte(msg)); err != nil {
		t.Fatal(err)
	}
	a.expect("room.1", "sinew:join")
	if env := a.expect("room.1", "sinew:leave"); !strings.Contains(string(env.Data), "ghost") {
		t.Fatalf("leave: %s", env.Data)
	}
	// Hostile presence traffic is ignored.
	for _, bad := range []string{`{`, `{"t":"join","n":"x","c":"","m":{"id":"y"}}`, `{"t":"snap","n":"x","s":[{"c":"room.1","m":[{"id":""}]}]}`, `null`, `{"t":"zzz","n":"x"}`} {
		_ = broker.Publish(context.Background(), realtime.DefaultPrefix+".presence", []byte(bad))
	}
	publish(t, s.hub, "room.1", "still", nil)
	a.expect("room.1", "still")
}

func TestAuthorisation(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	// Authentication refused: 401 before the upgrade.
	if _, err := s.tryDial(t, "bad", ""); err == nil || err.(*dialError).status != http.StatusUnauthorized {
		t.Fatalf("bad credentials: %v", err)
	}
	c := s.dial(t, "", "")
	tests := []struct{ channel, want string }{
		{"room.1", "log in to join rooms"},
		{"secret", "nobody may"},
		{"undeclared", "no channel rule"},
		{"a\x01b", "invalid channel"},
		{strings.Repeat("x", 201), "invalid channel"},
	}
	for _, tt := range tests {
		c.send(map[string]string{"type": "subscribe", "channel": tt.channel})
		env := c.expect(tt.channel, "sinew:error")
		if !strings.Contains(string(env.Data), tt.want) {
			t.Errorf("subscribe %q: %s, want %q", tt.channel, env.Data, tt.want)
		}
	}
	// Publishing needs a subscription and a Receive function.
	c.subscribe("public.a", nil)
	for _, ch := range []string{"public.a", "room.1"} {
		c.send(map[string]any{"type": "publish", "channel": ch, "event": "x", "data": 1})
		c.expect(ch, "sinew:error")
	}
	if s.hub.Stats().SubscribeRefused < int64(len(tests)) {
		t.Fatalf("stats: %+v", s.hub.Stats())
	}
}

func TestOriginCheck(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{OriginPatterns: []string{"good.example"}}, nil)
	for _, tt := range []struct {
		origin string
		ok     bool
	}{
		{"http://evil.example", false},
		{"http://good.example", true},
		{"", true}, // not a browser
		{s.url, true},
	} {
		h := http.Header{}
		if tt.origin != "" {
			h.Set("Origin", tt.origin)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, resp, err := websocket.Dial(ctx, s.wsURL(""), &websocket.DialOptions{HTTPHeader: h})
		cancel()
		if tt.ok != (err == nil) {
			t.Errorf("origin %q: err %v", tt.origin, err)
		}
		if err == nil {
			_ = conn.CloseNow()
		} else if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("origin %q: want 403, got %v", tt.origin, resp)
		}
	}
}

func TestMalformedAndOversizedFrames(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{MaxMessageBytes: 1024}, nil)
	c := s.dial(t, "alice", "")
	for _, bad := range []string{`{`, `[]`, `"x"`, `{"type":"dance"}`, `{"type":"subscribe","channel":3}`, `{"type":"subscribe","extra":1}`, "\xff\xfe"} {
		c.sendRaw([]byte(bad))
		if env := c.next(); env.Event != "sinew:error" {
			t.Fatalf("%q: got %+v", bad, env)
		}
	}
	// Still serving after malformed input.
	c.subscribe("public.ok", nil)

	// Binary frames are refused with 1003.
	b := s.dial(t, "alice", "")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.conn.Write(ctx, websocket.MessageBinary, []byte{1, 2, 3})
	if code := b.closeStatus(); code != websocket.StatusUnsupportedData {
		t.Fatalf("binary frame: close %v", code)
	}
	// Oversized frames close with 1009.
	big := s.dial(t, "alice", "")
	_ = big.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"subscribe","channel":"`+strings.Repeat("x", 4096)+`"}`))
	if code := big.closeStatus(); code != websocket.StatusMessageTooBig {
		t.Fatalf("oversized frame: close %v", code)
	}
	// A flood of malformed messages closes with CloseProtocolError.
	flood := s.dial(t, "alice", "")
	go func() {
		for range 40 {
			if flood.conn.Write(ctx, websocket.MessageText, []byte("nope")) != nil {
				return
			}
		}
	}()
	if code := flood.closeStatus(); code != realtime.CloseProtocolError {
		t.Fatalf("malformed flood: close %v", code)
	}
	// And the first client is unaffected.
	publish(t, s.hub, "public.ok", "fine", nil)
	c.expect("public.ok", "fine")
}

func TestSlowConsumerIsDisconnectedWithoutSlowingOthers(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{SendQueue: 8}, nil)
	fast := s.dial(t, "fast", "")
	fast.subscribe("public.flood", nil)

	// The slow client never reads: its socket buffers fill, then its queue.
	slow := s.dial(t, "slow", "")
	slow.subscribe("public.flood", nil)

	// The publisher waits for the fast client to receive each event before the next one,
	// so the fast client never falls behind; the slow one's socket and queue fill up.
	big := strings.Repeat("x", 32<<10)
	const n = 800 // 25 MiB: more than loopback's socket buffers hold
	got := make(chan error)
	go func() {
		for i := range n {
			env := fast.expectQuiet("public.flood", "big")
			var d struct{ I int }
			if err := json.Unmarshal(env.Data, &d); err != nil || d.I != i {
				got <- fmt.Errorf("fast client got %s at %d", env.Data[:min(60, len(env.Data))], i)
				return
			}
			got <- nil
		}
	}()
	for i := range n {
		publish(t, s.hub, "public.flood", "big", map[string]any{"i": i, "pad": big})
		if err := <-got; err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the slow consumer to be dropped", func() bool { return s.hub.Stats().SlowConsumers == 1 })
	if code := slow.closeStatus(); code != realtime.CloseSlowConsumer && code != -1 {
		t.Fatalf("slow consumer closed with %v", code)
	}
	waitFor(t, "one connection left", func() bool { return s.hub.Stats().Connections == 1 })
}

// A client that stops reading blocks its writer; the heartbeat closes it after WriteTimeout
// even when its queue never fills.
func TestStuckWriteTimesOut(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{SendQueue: 1 << 16, WriteTimeout: 100 * time.Millisecond, PingInterval: 50 * time.Millisecond}, nil)
	c := s.dial(t, "slow", "")
	c.subscribe("public.stuck", nil)
	big := strings.Repeat("x", 32<<10)
	for i := 0; s.hub.Stats().SlowConsumers == 0; i++ {
		if i == 2000 {
			t.Fatalf("no write timeout after 64 MiB: %+v", s.hub.Stats())
		}
		publish(t, s.hub, "public.stuck", "big", big)
	}
	waitFor(t, "the connection to go", func() bool { return s.hub.Stats().Connections == 0 })
}

// expectQuiet is expect without t.Fatal, for use off the test goroutine.
func (c *wsClient) expectQuiet(channel, event string) realtime.Envelope {
	for {
		env, err := c.tryNext(10 * time.Second)
		if err != nil {
			return realtime.Envelope{Data: json.RawMessage(`"` + err.Error() + `"`)}
		}
		if env.Channel == channel && env.Event == event {
			return env
		}
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{PingInterval: 20 * time.Millisecond, IdleTimeout: 100 * time.Millisecond}, nil)
	// A client that reads answers pings and stays.
	live := s.dial(t, "alice", "")
	live.subscribe("public.a", nil)
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-stop; cancel() }()
		for {
			if _, _, err := live.conn.Read(ctx); err != nil {
				return
			}
		}
	}()
	// A client that never reads answers no ping (coder/websocket answers while reading).
	dead := s.dial(t, "bob", "")
	if code := dead.closeStatusAfter(); code != realtime.CloseIdleTimeout {
		t.Fatalf("idle client closed with %v", code)
	}
	if s.hub.Stats().IdleTimeouts != 1 {
		t.Fatalf("stats %+v", s.hub.Stats())
	}
	close(stop)
	<-readerDone
}

// closeStatusAfter waits without reading (so pings stay unanswered) and then reads the close.
func (c *wsClient) closeStatusAfter() websocket.StatusCode {
	time.Sleep(400 * time.Millisecond)
	return c.closeStatus()
}

func TestAbruptDisconnect(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	a := s.dial(t, "alice", "")
	a.subscribe("room.2", nil)
	// A raw TCP client that upgrades, subscribes and vanishes mid-frame.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /rt/ws?channel=room.2 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-User: bob\r\n\r\n")
	a.expect("room.2", "sinew:join")
	_, _ = conn.Write([]byte{0x81, 0xfe, 0x10}) // the start of a masked text frame header
	_ = conn.Close()
	a.expect("room.2", "sinew:leave")
	waitFor(t, "the connection to be unregistered", func() bool { return s.hub.Stats().Connections == 1 })
}

// A client may send its first frames in the same packet as its handshake: they must not be
// lost when the hub swaps net/http's buffers for smaller ones.
func TestFramesPipelinedWithTheHandshake(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var req strings.Builder
	fmt.Fprintf(&req, "GET /rt/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-User: bob\r\n\r\n")
	for _, ch := range []string{"public.p1", "public.p2"} {
		req.Write(maskedText(`{"type":"subscribe","channel":"` + ch + `"}`))
	}
	if _, err := conn.Write([]byte(req.String())); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	var got strings.Builder
	for !strings.Contains(got.String(), `"channel":"public.p2","event":"sinew:subscribed"`) {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("read: %v; got %q", err, got.String())
		}
		got.Write(buf[:n])
	}
	if !strings.Contains(got.String(), `"channel":"public.p1","event":"sinew:subscribed"`) {
		t.Fatalf("first subscription lost: %q", got.String())
	}
}

// maskedText encodes a client's text frame (payload under 126 bytes) with a zero mask.
func maskedText(payload string) []byte {
	return append([]byte{0x81, 0x80 | byte(len(payload)), 0, 0, 0, 0}, payload...)
}

func TestDrainAndClose(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	ws := s.dial(t, "alice", "channel=public.a")
	ws.expect("public.a", "sinew:subscribed")
	sse, _ := s.openSSE(t, "bob", "channel=public.a", "")
	sse.expect("public.a", "sinew:subscribed")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.hub.Drain(ctx)
	if code := ws.closeStatus(); code != websocket.StatusGoingAway {
		t.Fatalf("WebSocket closed with %v, want going away", code)
	}
	if env, _ := sse.next(); env.Event != "sinew:goaway" {
		t.Fatalf("event stream got %+v, want sinew:goaway", env)
	}
	if _, err := s.tryDial(t, "carol", ""); err == nil || err.(*dialError).status != http.StatusServiceUnavailable {
		t.Fatalf("dial while draining: %v", err)
	}
	if _, resp := s.openSSE(t, "carol", "channel=public.a", ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("event stream while draining: %d", resp.StatusCode)
	}
	if err := s.hub.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.hub.Publish(ctx, "public.a", "x", nil); !errors.Is(err, pubsub.ErrClosed) {
		t.Fatalf("Publish after Close: %v", err)
	}
}

func TestPublishValidation(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	ctx := context.Background()
	tests := []struct {
		channel, event string
		data           any
		want           error
	}{
		{"", "e", nil, realtime.ErrInvalidChannel},
		{"a\nb", "e", nil, realtime.ErrInvalidChannel},
		{"ok", "", nil, realtime.ErrInvalidEvent},
		{"ok", "sinew:join", nil, realtime.ErrInvalidEvent},
		{"ok", strings.Repeat("e", 200), nil, realtime.ErrInvalidEvent},
		{"ok", "e", json.RawMessage(`{bad`), nil},
		{"ok", "e", func() {}, nil},
		{"ok", "e", strings.Repeat("x", 2<<20), pubsub.ErrTooLarge},
	}
	for _, tt := range tests {
		err := s.hub.Publish(ctx, tt.channel, tt.event, tt.data)
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("Publish(%q, %q): %v, want %v", tt.channel, tt.event, err, tt.want)
		}
	}
	if err := s.hub.Publish(ctx, "ok", "e", json.RawMessage(`{"fine":true}`)); err != nil {
		t.Fatal(err)
	}
}

func TestChannelPanicsOnInvalidPattern(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, func(*realtime.Hub) {})
	for _, p := range []string{"", "a.>.b", "x\x00", strings.Repeat("p", 300)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Channel(%q) did not panic", p)
				}
			}()
			s.hub.Channel(p, realtime.Channel{})
		}()
	}
}

func TestClientScript(t *testing.T) {
	t.Parallel()
	s := newServer(t, realtime.Config{}, nil)
	resp, err := http.Get(s.url + "/rt/client.js")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || etag == "" {
		t.Fatalf("client.js: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest("GET", s.url+"/rt/client.js", nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d", resp.StatusCode)
	}
	if !strings.Contains(string(realtime.ClientScript()), "SinewRealtime") {
		t.Fatal("ClientScript")
	}
}
