package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/sinewdev/sinew/pubsub"
)

// newTestHub returns a hub with the channel families the internal tests use.
func newTestHub(tb testing.TB, cfg Config) *Hub {
	tb.Helper()
	h, err := New(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Close(ctx)
	})
	h.Channel("public.>", Channel{History: 4})
	h.Channel("room.*", Channel{Presence: true, History: 4, Receive: func(ctx context.Context, m Message) error {
		return h.Publish(ctx, m.Channel, m.Event, m.Data)
	}})
	h.Channel("closed", Channel{Authorize: func(context.Context, Identity, string) error { return errors.New("no") }})
	return h
}

// FuzzCommand feeds arbitrary WebSocket messages to the command handler: it must answer
// malformed ones with an error (and sinew:error), never panic, and leave the hub consistent.
func FuzzCommand(f *testing.F) {
	for _, seed := range []string{
		`{"type":"subscribe","channel":"public.a"}`,
		`{"type":"subscribe","channel":"room.1","history":true}`,
		`{"type":"subscribe","channel":"room.1","since":"x-1"}`,
		`{"type":"unsubscribe","channel":"public.a"}`,
		`{"type":"publish","channel":"room.1","event":"typing","data":{"a":1},"ref":"7"}`,
		`{"type":"publish","channel":"room.1","event":"sinew:join"}`,
		`{"type":"subscribe","channel":"closed"}`,
		`{"type":"subscribe","channel":"a\u0000b"}`,
		`{"type":"x"}`, `{`, `[]`, `null`, `""`, "\xff", `{"type":"subscribe","channel":"public.a","extra":1}`,
	} {
		f.Add([]byte(seed))
	}
	h := newTestHub(f, Config{SendQueue: 16, MaxSubscriptions: 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := newClient(h, Identity{ID: "fuzz", Name: "Fuzz"}, nil)
		if err := h.register(c); err != nil {
			t.Fatal(err)
		}
		defer h.unregister(c)
		err := h.handleCommand(context.Background(), c, data)
		if err == nil && !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if err != nil {
			q := c.take()
			if len(q) == 0 {
				t.Fatalf("malformed %q got no sinew:error", data)
			}
			var env Envelope
			if jerr := json.Unmarshal(q[0].data, &env); jerr != nil || env.Event != "sinew:error" {
				t.Fatalf("malformed %q answered with %s (%v)", data, q[0].data, jerr)
			}
		}
		c.mu.Lock()
		n := len(c.subs)
		c.mu.Unlock()
		if n > h.cfg.MaxSubscriptions {
			t.Fatalf("%d subscriptions", n)
		}
	})
}

// FuzzHistory checks the ring against a plain slice.
func FuzzHistory(f *testing.F) {
	f.Add(3, 10, 4)
	f.Add(1, 0, 0)
	f.Add(8, 100, 99)
	f.Fuzz(func(t *testing.T, size, adds, since int) {
		if size <= 0 || size > 64 || adds < 0 || adds > 500 {
			return
		}
		h := newHistory(size)
		var all []string
		for i := range adds {
			id := strconv.Itoa(i)
			h.add(id, []byte(id))
			all = append(all, id)
		}
		kept := all[max(0, len(all)-size):]
		got, ok := h.since("")
		if !ok || len(got) != len(kept) {
			t.Fatalf("since(\"\"): %d entries, want %d", len(got), len(kept))
		}
		id := strconv.Itoa(since)
		got, ok = h.since(id)
		idx := -1
		for i, k := range kept {
			if k == id {
				idx = i
			}
		}
		switch {
		case idx >= 0 && (!ok || len(got) != len(kept)-idx-1):
			t.Fatalf("since(%s): %d entries ok=%v, want %d", id, len(got), ok, len(kept)-idx-1)
		case idx < 0 && (ok || len(got) != len(kept)):
			t.Fatalf("since(unknown %s): %d entries ok=%v", id, len(got), ok)
		}
		for i, e := range got {
			if string(e.data) != e.id || (idx >= 0 && e.id != kept[idx+1+i]) {
				t.Fatalf("entry %d: %s", i, e.id)
			}
		}
	})
}

// BenchmarkFanout measures the hub's side of one broadcast to 1,000 local subscribers:
// dispatching the broker message into every client's queue.
func BenchmarkFanout(b *testing.B) {
	h := newTestHub(b, Config{SendQueue: 1 << 20})
	const n = 1000
	clients := make([]*client, n)
	for i := range clients {
		c := newClient(h, Identity{}, nil)
		if err := h.register(c); err != nil {
			b.Fatal(err)
		}
		if _, err := h.subscribe(context.Background(), c, "public.bench", subscribeOpts{}); err != nil {
			b.Fatal(err)
		}
		c.take()
		clients[i] = c
	}
	payload := []byte("x-1\n" + `{"channel":"public.bench","event":"e","data":{"n":1},"id":"x-1"}`)
	msg := pubsub.Message{Channel: h.msgPrefix + "public.bench", Payload: payload}
	b.ReportAllocs()
	for b.Loop() {
		h.dispatch(msg)
		for _, c := range clients {
			c.recycle(c.take())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/delivery")
}
