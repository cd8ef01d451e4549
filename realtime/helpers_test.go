package realtime_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/web"
)

// headerAuth identifies test clients by the X-User header ("name" or absent for anonymous);
// "bad" is refused.
func headerAuth(c *web.Ctx) (realtime.Identity, error) {
	u := c.Header("X-User")
	if u == "bad" {
		return realtime.Identity{}, errors.New("bad credentials")
	}
	return realtime.Identity{ID: u, Name: strings.ToUpper(u)}, nil
}

type testServer struct {
	hub *realtime.Hub
	url string // http://127.0.0.1:port
}

// newServer starts a hub with cfg (Authenticate defaults to headerAuth) behind a router on
// a loopback port, with the channels every test uses declared by declare (or the default
// set when declare is nil).
func newServer(t *testing.T, cfg realtime.Config, declare func(h *realtime.Hub)) *testServer {
	t.Helper()
	if cfg.Authenticate == nil {
		cfg.Authenticate = headerAuth
	}
	hub, err := realtime.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if declare == nil {
		declare = defaultChannels
	}
	declare(hub)
	r := web.NewRouter(web.Config{})
	hub.Mount(r, "/rt")
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hub.Close(ctx); err != nil {
			t.Errorf("hub.Close: %v", err)
		}
		srv.Close()
	})
	return &testServer{hub: hub, url: srv.URL}
}

func defaultChannels(h *realtime.Hub) {
	h.Channel("public.>", realtime.Channel{History: 10})
	h.Channel("room.*", realtime.Channel{
		Presence: true,
		History:  50,
		Authorize: func(_ context.Context, who realtime.Identity, _ string) error {
			if who.ID == "" {
				return errors.New("log in to join rooms")
			}
			return nil
		},
		Receive: func(ctx context.Context, m realtime.Message) error {
			return h.Publish(ctx, m.Channel, m.Event, map[string]any{"from": m.From.ID, "data": m.Data})
		},
	})
	h.Channel("secret", realtime.Channel{Authorize: func(context.Context, realtime.Identity, string) error {
		return errors.New("nobody may")
	}})
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func (s *testServer) wsURL(query string) string {
	u := "ws" + strings.TrimPrefix(s.url, "http") + "/rt/ws"
	if query != "" {
		u += "?" + query
	}
	return u
}

// dial opens a WebSocket as user (empty: anonymous).
func (s *testServer) dial(t *testing.T, user, query string) *wsClient {
	t.Helper()
	c, err := s.tryDial(t, user, query)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

func (s *testServer) tryDial(t *testing.T, user, query string) (*wsClient, error) {
	t.Helper()
	h := http.Header{}
	if user != "" {
		h.Set("X-User", user)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, s.wsURL(query), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		if resp != nil {
			return nil, &dialError{status: resp.StatusCode, err: err}
		}
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &wsClient{t: t, conn: conn}, nil
}

type dialError struct {
	status int
	err    error
}

func (e *dialError) Error() string { return e.err.Error() }

func (c *wsClient) send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(b)
}

func (c *wsClient) sendRaw(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next reads the next envelope, failing after 5 seconds.
func (c *wsClient) next() realtime.Envelope {
	c.t.Helper()
	env, err := c.tryNext(5 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return env
}

func (c *wsClient) tryNext(d time.Duration) (realtime.Envelope, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, b, err := c.conn.Read(ctx)
	if err != nil {
		return realtime.Envelope{}, err
	}
	var env realtime.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return env, err
	}
	return env, nil
}

// expect reads envelopes until one with event arrives on channel (skipping presence and
// other hub events unless asked for), failing after 5 seconds.
func (c *wsClient) expect(channel, event string) realtime.Envelope {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		env, err := c.tryNext(time.Until(deadline))
		if err != nil {
			c.t.Fatalf("waiting for %s %s: %v", channel, event, err)
		}
		if (channel == anyChannel || env.Channel == channel) && env.Event == event {
			return env
		}
	}
	c.t.Fatalf("no %s %s within 5s", channel, event)
	return realtime.Envelope{}
}

func (c *wsClient) subscribe(channel string, extra map[string]any) realtime.Envelope {
	c.t.Helper()
	msg := map[string]any{"type": "subscribe", "channel": channel}
	for k, v := range extra {
		msg[k] = v
	}
	c.send(msg)
	for {
		env := c.next()
		if env.Channel == channel && env.Event == "sinew:subscribed" {
			return env
		}
		if env.Channel == channel && env.Event == "sinew:error" {
			c.t.Fatalf("subscribe %s: %s", channel, env.Data)
		}
	}
}

// closeStatus waits for the server to close the connection and returns its status code.
func (c *wsClient) closeStatus() websocket.StatusCode {
	c.t.Helper()
	for {
		_, err := c.tryNext(10 * time.Second)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				c.t.Fatal("the server did not close the connection")
			}
			return websocket.CloseStatus(err)
		}
	}
}

type sseEvent struct {
	id   string
	data string
}

type sseClient struct {
	t      *testing.T
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openSSE opens an event stream; it returns the response for non-200 answers.
func (s *testServer) openSSE(t *testing.T, user, query, lastID string) (*sseClient, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/rt/events?"+query, nil)
	req.Header.Set("Accept", "text/event-stream")
	if user != "" {
		req.Header.Set("X-User", user)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		cancel()
		_ = resp.Body.Close()
		return nil, resp
	}
	c := &sseClient{t: t, resp: resp, events: make(chan sseEvent, 1024), cancel: cancel}
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.data != "" {
					c.events <- ev
				}
				ev = sseEvent{id: ev.id}
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	t.Cleanup(func() { cancel(); _ = resp.Body.Close() })
	return c, resp
}

// next returns the next event's envelope and SSE id.
func (c *sseClient) next() (realtime.Envelope, string) {
	c.t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			c.t.Fatal("event stream ended")
		}
		var env realtime.Envelope
		if err := json.Unmarshal([]byte(ev.data), &env); err != nil {
			c.t.Fatalf("event %q: %v", ev.data, err)
		}
		return env, ev.id
	case <-time.After(5 * time.Second):
		c.t.Fatal("no event within 5s")
	}
	return realtime.Envelope{}, ""
}

func (c *sseClient) expect(channel, event string) (realtime.Envelope, string) {
	c.t.Helper()
	for {
		env, id := c.next()
		if env.Channel == channel && env.Event == event {
			return env, id
		}
	}
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func publish(t *testing.T, h *realtime.Hub, channel, event string, data any) {
	t.Helper()
	if err := h.Publish(context.Background(), channel, event, data); err != nil {
		t.Fatalf("Publish(%s, %s): %v", channel, event, err)
	}
}

// anyChannel makes wsClient.expect accept an event on any channel.
const anyChannel = "\x00any"
