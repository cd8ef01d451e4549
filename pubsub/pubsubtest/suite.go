package pubsubtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sinewdev/sinew/pubsub"
)

// Config describes the driver under test.
type Config struct {
	// New returns a new, connected Broker whose subscriptions buffer buffer messages
	// (the driver's default when buffer is 0).
	// Every Broker it returns talks to the same server and namespace, as two instances of
	// one app would, unless Isolated is set. The suite closes each Broker it gets; New may
	// register further cleanups on tb. Required.
	New func(tb testing.TB, buffer int) pubsub.Broker
	// MaxPayload is the driver's payload limit in bytes as configured by New: a payload
	// of this size must be delivered intact, one byte more must fail with
	// pubsub.ErrTooLarge. Required.
	MaxPayload int
	// Isolated is true when two Brokers from New never see each other's messages (the
	// memory driver). The suite then checks that isolation instead of delivery between
	// brokers. Default false.
	Isolated bool
	// Kill drops every server connection of b from the outside, as a server restart or a
	// network failure would, without telling b. The reconnection test kills the
	// subscriber's connections and checks that its subscriptions resume and that it can
	// publish again. Nil skips that test (for drivers without a server).
	Kill func(tb testing.TB, b pubsub.Broker)
	// Blackhole makes every server connection of b silently drop all traffic from now
	// on without closing it, as a vanished host behind a firewall does; new connections
	// work. The dead-connection test checks that b's health check notices within the
	// reconnection deadline and recovers as after Kill, so New should configure a short
	// health check interval. Nil skips that test.
	Blackhole func(tb testing.TB, b pubsub.Broker)
	// Timeout bounds each wait for a message that should arrive; reconnection gets three
	// times as long. Default 10 seconds.
	Timeout time.Duration
}

// quiet is how long the suite waits to be sure that nothing more arrives, where it cannot
// use a marker message instead.
const quiet = 150 * time.Millisecond

type suite struct {
	Config
}

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, cfg Config) {
	t.Helper()
	if cfg.New == nil || cfg.MaxPayload <= 0 {
		t.Fatal("pubsubtest: Config.New and Config.MaxPayload are required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	s := &suite{cfg}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"PublishSubscribe", s.testPublishSubscribe},
		{"SeveralSubscribers", s.testSeveralSubscribers},
		{"Unsubscribe", s.testUnsubscribe},
		{"ChannelIsolation", s.testChannelIsolation},
		{"Patterns", s.testPatterns},
		{"ConcurrentOrder", s.testConcurrentOrder},
		{"Payloads", s.testPayloads},
		{"PayloadLimit", s.testPayloadLimit},
		{"ChannelNames", s.testChannelNames},
		{"InvalidNames", s.testInvalidNames},
		{"Cancellation", s.testCancellation},
		{"CloseWhileSubscribed", s.testCloseWhileSubscribed},
		{"SlowConsumer", s.testSlowConsumer},
		{"SubscriptionChurn", s.testChurn},
		{"TwoInstances", s.testTwoInstances},
		{"Reconnect", s.testReconnect},
		{"DeadConnection", s.testDeadConnection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t)
		})
	}
}

// broker returns a new broker that is closed when the test ends.
func (s *suite) broker(tb testing.TB, buffer int) pubsub.Broker {
	tb.Helper()
	b := s.New(tb, buffer)
	if b == nil {
		tb.Fatal("pubsubtest: Config.New returned nil")
	}
	tb.Cleanup(func() {
		if err := b.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return b
}

// channel returns a channel name unique to this run, ending in parts.
func channel(parts ...string) string {
	return "pubsubtest." + strings.ToLower(rand.Text()[:12]) + "." + strings.Join(parts, ".")
}

func ctxFor(tb testing.TB, d time.Duration) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

func subscribe(tb testing.TB, b pubsub.Broker, ch string) pubsub.Subscription {
	tb.Helper()
	sub, err := b.Subscribe(ctxFor(tb, 10*time.Second), ch)
	if err != nil {
		tb.Fatalf("Subscribe(%.80q): %v", ch, err)
	}
	return sub
}

func subscribePattern(tb testing.TB, b pubsub.Broker, pattern string) pubsub.Subscription {
	tb.Helper()
	sub, err := b.SubscribePattern(ctxFor(tb, 10*time.Second), pattern)
	if err != nil {
		tb.Fatalf("SubscribePattern(%.80q): %v", pattern, err)
	}
	return sub
}

func publish(tb testing.TB, b pubsub.Broker, ch string, payload []byte) {
	tb.Helper()
	if err := b.Publish(ctxFor(tb, 10*time.Second), ch, payload); err != nil {
		tb.Fatalf("Publish(%.80q, %d bytes): %v", ch, len(payload), err)
	}
}

// recv waits for the next message on sub.
func (s *suite) recv(tb testing.TB, sub pubsub.Subscription) pubsub.Message {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	m, err := sub.Next(ctx)
	if err != nil {
		tb.Fatalf("Next: %v", err)
	}
	return m
}

// expect waits for the next message on sub and checks it.
func (s *suite) expect(tb testing.TB, sub pubsub.Subscription, ch string, payload []byte) {
	tb.Helper()
	m := s.recv(tb, sub)
	if m.Channel != ch || !bytes.Equal(m.Payload, payload) {
		tb.Fatalf("received %.80q %.80q, want %.80q %.80q", m.Channel, m.Payload, ch, payload)
	}
}

// until collects the messages on sub before the one whose payload is marker.
func (s *suite) until(tb testing.TB, sub pubsub.Subscription, marker string) []pubsub.Message {
	tb.Helper()
	var got []pubsub.Message
	for {
		m := s.recv(tb, sub)
		if string(m.Payload) == marker {
			return got
		}
		got = append(got, m)
	}
}

// nothing checks that sub receives no message for a short while.
func nothing(tb testing.TB, sub pubsub.Subscription) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), quiet)
	defer cancel()
	if m, err := sub.Next(ctx); err == nil {
		tb.Fatalf("received %.80q %.80q, want nothing", m.Channel, m.Payload)
	} else if !errors.Is(err, context.DeadlineExceeded) {
		tb.Fatalf("Next: %v, want it to time out", err)
	}
}

func (s *suite) testPublishSubscribe(t *testing.T) {
	b := s.broker(t, 0)
	ch := channel("hello")
	sub := subscribe(t, b, ch)
	if err := sub.Err(); err != nil {
		t.Fatalf("Err on a new subscription = %v, want nil", err)
	}
	publish(t, b, ch, []byte("hello"))
	s.expect(t, sub, ch, []byte("hello"))

	publish(t, b, ch, []byte("through Messages"))
	select {
	case m, ok := <-sub.Messages():
		if !ok || m.Channel != ch || string(m.Payload) != "through Messages" {
			t.Fatalf("Messages() gave %q %q (open %v)", m.Channel, m.Payload, ok)
		}
	case <-time.After(s.Timeout):
		t.Fatal("nothing arrived on Messages()")
	}
}

func (s *suite) testSeveralSubscribers(t *testing.T) {
	b := s.broker(t, 0)
	ch := channel("room", "1")
	subs := []pubsub.Subscription{
		subscribe(t, b, ch),
		subscribe(t, b, ch),
		subscribe(t, b, ch),
		subscribePattern(t, b, strings.TrimSuffix(ch, ".1")+".*"),
		subscribePattern(t, b, strings.TrimSuffix(ch, ".room.1")+".>"),
	}
	for i := range 3 {
		publish(t, b, ch, []byte{byte(i)})
	}
	for i, sub := range subs {
		for j := range 3 {
			m := s.recv(t, sub)
			if m.Channel != ch || !bytes.Equal(m.Payload, []byte{byte(j)}) {
				t.Fatalf("subscriber %d message %d: got %q %v", i, j, m.Channel, m.Payload)
			}
		}
		nothing(t, sub)
	}
}

func (s *suite) testUnsubscribe(t *testing.T) {
	b := s.broker(t, 0)
	ch := channel("unsub")
	first := subscribe(t, b, ch)
	second := subscribe(t, b, ch)
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("second Close: %v, want nil", err)
	}
	if err := first.Err(); !errors.Is(err, pubsub.ErrClosed) {
		t.Fatalf("Err after Close = %v, want ErrClosed", err)
	}
	if _, ok := <-first.Messages(); ok {
		t.Fatal("Messages() of a closed subscription delivered a message")
	}
	if _, err := first.Next(context.Background()); !errors.Is(err, pubsub.ErrClosed) {
		t.Fatalf("Next after Close = %v, want ErrClosed", err)
	}

	publish(t, b, ch, []byte("still here"))
	s.expect(t, second, ch, []byte("still here"))

	// The last local subscription goes; a new one must work again, also right away.
	if err := second.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i := range 5 {
		sub := subscribe(t, b, ch)
		publish(t, b, ch, []byte("again "+strconv.Itoa(i)))
		s.expect(t, sub, ch, []byte("again "+strconv.Itoa(i)))
		if err := sub.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	time.Sleep(quiet) // let the server unsubscription happen
	sub := subscribe(t, b, ch)
	publish(t, b, ch, []byte("after unsubscribe"))
	s.expect(t, sub, ch, []byte("after unsubscribe"))

	// A closed pattern subscription stops too.
	pat := subscribePattern(t, b, ch+".>")
	if err := pat.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	publish(t, b, ch+".x", []byte("x"))
	if _, ok := <-pat.Messages(); ok {
		t.Fatal("a closed pattern subscription delivered a message")
	}
}

func (s *suite) testChannelIsolation(t *testing.T) {
	b := s.broker(t, 0)
	base := channel("iso")
	names := []string{base, base + ".b", base + "b", strings.ToUpper(base), base + " ", " " + base, base + ".*", base + ".>"}
	subs := make([]pubsub.Subscription, len(names))
	for i, n := range names {
		subs[i] = subscribe(t, b, n)
	}
	for i, n := range names {
		publish(t, b, n, []byte(strconv.Itoa(i)))
	}
	for i, n := range names {
		publish(t, b, n, []byte("end"))
		got := s.until(t, subs[i], "end")
		if len(got) != 1 || got[0].Channel != n || string(got[0].Payload) != strconv.Itoa(i) {
			t.Errorf("subscription to %q received %v, want only its own message", n, got)
		}
	}
}

func (s *suite) testPatterns(t *testing.T) {
	b := s.broker(t, 0)
	root := strings.TrimSuffix(channel(), ".")
	channels := []string{
		"pat.a", "pat.b", "pat.a.x", "pat.a.x.y", "pat.", "pat.*", "pat.>", "pat.a*",
		`pat.it's "quoted"`, "pat.日本", "patx.a",
	}
	tests := []struct {
		pattern string
		want    []string // channels, relative to root, in publishing order
	}{
		{"pat.*", []string{"pat.a", "pat.b", "pat.", "pat.*", "pat.>", "pat.a*", `pat.it's "quoted"`, "pat.日本"}},
		{"pat.>", []string{"pat.a", "pat.b", "pat.a.x", "pat.a.x.y", "pat.", "pat.*", "pat.>", "pat.a*", `pat.it's "quoted"`, "pat.日本"}},
		{"pat.a.>", []string{"pat.a.x", "pat.a.x.y"}},
		{"pat.a.*", []string{"pat.a.x"}},
		{"pat.*.x", []string{"pat.a.x"}},
		{"pat.a", []string{"pat.a"}},
		{"pat.a*", []string{"pat.a*"}},
		{"pat.日本", []string{"pat.日本"}},
		{`pat.it's "quoted"`, []string{`pat.it's "quoted"`}},
		{"*.a", []string{"pat.a", "patx.a"}},
		{"*.a.>", []string{"pat.a.x", "pat.a.x.y"}},
		{">", channels},
	}
	subs := make([]pubsub.Subscription, len(tests))
	for i, tt := range tests {
		subs[i] = subscribePattern(t, b, root+"."+tt.pattern)
	}
	for _, ch := range channels {
		publish(t, b, root+"."+ch, []byte(ch))
	}
	for i, tt := range tests {
		// The marker goes where this pattern matches; other subscriptions may get it too,
		// but only after every data message.
		publish(t, b, root+"."+tt.want[len(tt.want)-1], []byte("end"))
		var got []string
		for _, m := range s.until(t, subs[i], "end") {
			rel := strings.TrimPrefix(m.Channel, root+".")
			if string(m.Payload) != rel {
				t.Errorf("pattern %q: message on %q carries %q", tt.pattern, m.Channel, m.Payload)
			}
			got = append(got, rel)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("pattern %q received %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

func (s *suite) testConcurrentOrder(t *testing.T) {
	const publishers, each = 4, 100
	a := s.broker(t, publishers*each+100)
	pubs := []pubsub.Broker{a, a}
	remote := !s.Isolated
	var b pubsub.Broker
	if remote {
		b = s.broker(t, publishers*each+100)
		pubs = append(pubs, b, b)
	} else {
		pubs = append(pubs, a, a)
	}
	ch := channel("order")
	// The first two subscriptions, to the same channel on the same broker, must agree on
	// the interleaving. A pattern subscription keeps each publisher's order, but may
	// interleave differently (NATS delivers to its subscriptions independently).
	local := 2
	subs := []pubsub.Subscription{
		subscribe(t, a, ch),
		subscribe(t, a, ch),
		subscribePattern(t, a, strings.TrimSuffix(ch, ".order")+".*"),
	}
	if remote {
		subs = append(subs, subscribe(t, b, ch))
	}

	var wg sync.WaitGroup
	errs := make(chan error, publishers)
	for p := range publishers {
		wg.Go(func() {
			for i := range each {
				payload := fmt.Appendf(nil, "%d:%d", p, i)
				if err := pubs[p].Publish(context.Background(), ch, payload); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Publish: %v", err)
	}

	var first []string
	for si, sub := range subs {
		next := make([]int, publishers)
		var seq []string
		for range publishers * each {
			m := s.recv(t, sub)
			var p, i int
			if _, err := fmt.Sscanf(string(m.Payload), "%d:%d", &p, &i); err != nil || p < 0 || p >= publishers {
				t.Fatalf("subscriber %d: unexpected payload %q", si, m.Payload)
			}
			if i != next[p] {
				t.Fatalf("subscriber %d: publisher %d's message %d arrived when %d was due", si, p, i, next[p])
			}
			next[p]++
			seq = append(seq, string(m.Payload))
		}
		nothing(t, sub)
		// Subscriptions of one broker see the same interleaving.
		if si == 0 {
			first = seq
		} else if si < local && !slices.Equal(seq, first) {
			t.Fatalf("subscriptions 0 and %d of one broker saw different orders", si)
		}
	}
}

func (s *suite) testPayloads(t *testing.T) {
	a := s.broker(t, 0)
	pub := a
	if !s.Isolated {
		pub = s.broker(t, 0)
	}
	ch := channel("payloads")
	sub := subscribe(t, a, ch)
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	payloads := []struct {
		name string
		data []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"one NUL", []byte{0}},
		{"all byte values", all},
		{"invalid UTF-8", []byte{0xff, 0xfe, 0xc3, 0x28}},
		{"JSON", []byte(`{"text":"it's \"quoted\" \\ \u2028","n":1}`)},
		{"SQL", []byte(`'); DROP TABLE users; --`)},
		{"newlines", []byte("a\r\nb\n\x1b[31m")},
		{"base64 look-alike", []byte("aGVsbG8=")},
		{"colons and pipes", []byte("1|2:3:")},
	}
	for _, p := range payloads {
		publish(t, pub, ch, p.data)
	}
	for _, p := range payloads {
		m := s.recv(t, sub)
		if m.Channel != ch || !bytes.Equal(m.Payload, p.data) {
			t.Fatalf("%s: received %q %q, want %q", p.name, m.Channel, m.Payload, p.data)
		}
	}

	// The broker must not keep the caller's slice.
	buf := []byte("original")
	publish(t, pub, ch, buf)
	copy(buf, "MUTATED!")
	s.expect(t, sub, ch, []byte("original"))
}

func (s *suite) testPayloadLimit(t *testing.T) {
	a := s.broker(t, 0)
	pub := a
	if !s.Isolated {
		pub = s.broker(t, 0)
	}
	ch := channel("limit")
	sub := subscribe(t, a, ch)
	max := make([]byte, s.MaxPayload)
	if _, err := rand.Read(max); err != nil {
		t.Fatal(err)
	}
	publish(t, pub, ch, max)
	m := s.recv(t, sub)
	if !bytes.Equal(m.Payload, max) {
		t.Fatalf("a payload of the maximum size (%d bytes) arrived as %d different bytes", len(max), len(m.Payload))
	}

	for _, n := range []int{s.MaxPayload + 1, s.MaxPayload * 2, s.MaxPayload + 1<<20} {
		err := pub.Publish(context.Background(), ch, make([]byte, n))
		if !errors.Is(err, pubsub.ErrTooLarge) {
			t.Fatalf("Publish of %d bytes (limit %d) = %v, want ErrTooLarge", n, s.MaxPayload, err)
		}
		if !strings.Contains(err.Error(), strconv.Itoa(s.MaxPayload)) {
			t.Errorf("the error %q does not name the limit %d", err, s.MaxPayload)
		}
	}
	publish(t, pub, ch, []byte("after"))
	s.expect(t, sub, ch, []byte("after")) // and nothing of the rejected payloads before it
}

// HostileNames are valid channel names that a driver must carry without confusion: each
// is subscribed, published and received under its exact name.
var hostileNames = []string{
	"with space",
	"  leading and trailing  ",
	`it's "quoted"`,
	"back\\slash",
	"'); DROP TABLE users; --",
	`"; LISTEN x; NOTIFY y, 'z`,
	"$1 %s %d %% ?",
	"*",
	">",
	"a.*",
	"a.>",
	"[abc]?",
	"a..b",
	".",
	".leading",
	"trailing.",
	"~7E~",
	"unicode ☃ 日本語 ελληνικά العربية",
	"emoji 🎉👩‍💻",
	"zero\u200bwidth",
	"sinew:prefix:lookalike",
	"nats.$SYS.x",
	strings.Repeat("long", pubsub.MaxChannelLen/4-20),
}

func (s *suite) testChannelNames(t *testing.T) {
	b := s.broker(t, 0)
	prefix := channel()
	names := make([]string, 0, len(hostileNames)+1)
	for _, n := range hostileNames {
		names = append(names, prefix+n)
	}
	longest := prefix + strings.Repeat("é", (pubsub.MaxChannelLen-len(prefix))/2)
	longest += strings.Repeat("x", pubsub.MaxChannelLen-len(longest))
	names = append(names, longest)
	if len(longest) != pubsub.MaxChannelLen {
		t.Fatalf("test setup: longest name is %d bytes", len(longest))
	}
	subs := make([]pubsub.Subscription, len(names))
	for i, n := range names {
		subs[i] = subscribe(t, b, n)
	}
	for i, n := range names {
		publish(t, b, n, []byte(strconv.Itoa(i)))
	}
	for i, n := range names {
		publish(t, b, n, []byte("end"))
		got := s.until(t, subs[i], "end")
		if len(got) != 1 || got[0].Channel != n || string(got[0].Payload) != strconv.Itoa(i) {
			t.Errorf("channel %q received %q, want only its own message", n, got)
		}
	}
	// A pattern made of hostile tokens works too.
	pat := subscribePattern(t, b, prefix+"a.*")
	publish(t, b, prefix+"a.it's; DROP", []byte("one"))
	publish(t, b, prefix+"a.*", []byte("two"))
	publish(t, b, prefix+"a.x.y", []byte("not this"))
	publish(t, b, prefix+"a.end", []byte("end"))
	got := s.until(t, pat, "end")
	if len(got) != 2 || string(got[0].Payload) != "one" || string(got[1].Payload) != "two" {
		t.Errorf("pattern over hostile tokens received %q", got)
	}
}

func (s *suite) testInvalidNames(t *testing.T) {
	b := s.broker(t, 0)
	invalid := []string{
		"",
		strings.Repeat("x", pubsub.MaxChannelLen+1),
		strings.Repeat("x", 1<<20),
		"bad\xffutf8",
		"nul\x00byte",
		"new\nline",
		"tab\tchar",
		"del\x7f",
		"c1\u0085control",
	}
	ctx := context.Background()
	for _, n := range invalid {
		if err := b.Publish(ctx, n, []byte("x")); !errors.Is(err, pubsub.ErrInvalidChannel) {
			t.Errorf("Publish(%.40q) = %v, want ErrInvalidChannel", n, err)
		}
		if sub, err := b.Subscribe(ctx, n); !errors.Is(err, pubsub.ErrInvalidChannel) || sub != nil {
			t.Errorf("Subscribe(%.40q) = %v, %v; want nil, ErrInvalidChannel", n, sub, err)
		}
		if sub, err := b.SubscribePattern(ctx, n); !errors.Is(err, pubsub.ErrInvalidChannel) || sub != nil {
			t.Errorf("SubscribePattern(%.40q) = %v, %v; want nil, ErrInvalidChannel", n, sub, err)
		}
	}
	for _, p := range []string{">.a", "a.>.b", ">.>"} {
		if sub, err := b.SubscribePattern(ctx, p); !errors.Is(err, pubsub.ErrInvalidChannel) || sub != nil {
			t.Errorf("SubscribePattern(%q) = %v, %v; want nil, ErrInvalidChannel", p, sub, err)
		}
	}
	// The broker still works.
	ch := channel("valid")
	sub := subscribe(t, b, ch)
	publish(t, b, ch, []byte("ok"))
	s.expect(t, sub, ch, []byte("ok"))
}

func (s *suite) testCancellation(t *testing.T) {
	b := s.broker(t, 0)
	ch := channel("cancel")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Publish(canceled, ch, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Publish with a canceled context = %v, want context.Canceled", err)
	}
	if sub, err := b.Subscribe(canceled, ch); !errors.Is(err, context.Canceled) || sub != nil {
		t.Errorf("Subscribe with a canceled context = %v, %v; want nil, context.Canceled", sub, err)
	}
	if sub, err := b.SubscribePattern(canceled, ch+".*"); !errors.Is(err, context.Canceled) || sub != nil {
		t.Errorf("SubscribePattern with a canceled context = %v, %v; want nil, context.Canceled", sub, err)
	}

	sub := subscribe(t, b, ch)
	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := sub.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next past its deadline = %v, want context.DeadlineExceeded", err)
	}
	if _, err := sub.Next(canceled); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with a canceled context = %v, want context.Canceled", err)
	}
	// A waiting Next returns when its context is canceled.
	waiting, cancel3 := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := sub.Next(waiting)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel3()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Next = %v after its context was canceled, want context.Canceled", err)
		}
	case <-time.After(s.Timeout):
		t.Fatal("Next did not return after its context was canceled")
	}
	// The subscription outlives the context it was created with and the canceled Next calls.
	subCtx, cancel4 := context.WithCancel(context.Background())
	sub2, err := b.Subscribe(subCtx, ch)
	if err != nil {
		t.Fatal(err)
	}
	cancel4()
	if err := sub.Err(); err != nil {
		t.Fatalf("Err after canceled Next calls = %v, want nil", err)
	}
	publish(t, b, ch, []byte("still subscribed"))
	s.expect(t, sub, ch, []byte("still subscribed"))
	s.expect(t, sub2, ch, []byte("still subscribed"))
}

func (s *suite) testCloseWhileSubscribed(t *testing.T) {
	b := s.New(t, 0)
	ch := channel("close")
	exact := subscribe(t, b, ch)
	pattern := subscribePattern(t, b, ch+".>")
	publish(t, b, ch, []byte("buffered"))
	s.expect(t, exact, ch, []byte("buffered"))

	waiting := make(chan error, 1)
	go func() {
		_, err := pattern.Next(context.Background())
		waiting <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-waiting:
		if !errors.Is(err, pubsub.ErrClosed) {
			t.Fatalf("a waiting Next returned %v when the broker closed, want ErrClosed", err)
		}
	case <-time.After(s.Timeout):
		t.Fatal("a waiting Next did not return when the broker closed")
	}
	for _, sub := range []pubsub.Subscription{exact, pattern} {
		if _, ok := <-sub.Messages(); ok {
			t.Fatal("Messages() still open after the broker closed")
		}
		if err := sub.Err(); !errors.Is(err, pubsub.ErrClosed) {
			t.Fatalf("Err = %v after the broker closed, want ErrClosed", err)
		}
		if err := sub.Close(); err != nil {
			t.Fatalf("closing a subscription of a closed broker: %v", err)
		}
	}
	ctx := context.Background()
	if err := b.Publish(ctx, ch, []byte("x")); !errors.Is(err, pubsub.ErrClosed) {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}
	if sub, err := b.Subscribe(ctx, ch); !errors.Is(err, pubsub.ErrClosed) || sub != nil {
		t.Errorf("Subscribe after Close = %v, %v; want nil, ErrClosed", sub, err)
	}
	if sub, err := b.SubscribePattern(ctx, ch+".*"); !errors.Is(err, pubsub.ErrClosed) || sub != nil {
		t.Errorf("SubscribePattern after Close = %v, %v; want nil, ErrClosed", sub, err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func (s *suite) testSlowConsumer(t *testing.T) {
	const buffer = 8
	a := s.broker(t, buffer)
	pub := a
	if !s.Isolated {
		pub = s.broker(t, buffer)
	}
	ch := channel("slow")
	slow := subscribe(t, a, ch)
	fast := subscribe(t, a, ch)
	const total = buffer * 3
	// In lockstep with the fast subscriber, so that only the slow one falls behind.
	for i := range total {
		payload := []byte(strconv.Itoa(i))
		publish(t, pub, ch, payload)
		s.expect(t, fast, ch, payload)
	}
	if err := slow.Err(); !errors.Is(err, pubsub.ErrSlowConsumer) {
		t.Fatalf("Err of the slow subscription = %v, want ErrSlowConsumer", err)
	}
	if err := fast.Err(); err != nil {
		t.Fatalf("Err of the fast subscription = %v, want nil", err)
	}
	// What was buffered before the overflow is delivered, then the reason.
	for i := range buffer {
		m, err := slow.Next(context.Background())
		if err != nil || string(m.Payload) != strconv.Itoa(i) {
			t.Fatalf("slow subscription message %d: %q, %v", i, m.Payload, err)
		}
	}
	if m, err := slow.Next(context.Background()); !errors.Is(err, pubsub.ErrSlowConsumer) {
		t.Fatalf("Next after the buffered messages = %q, %v; want ErrSlowConsumer", m.Payload, err)
	}
	if err := slow.Close(); err != nil {
		t.Fatalf("Close of an overflowed subscription: %v", err)
	}
	if err := slow.Err(); !errors.Is(err, pubsub.ErrSlowConsumer) {
		t.Fatalf("Err after Close = %v, want it to stay ErrSlowConsumer", err)
	}
	// The channel still works for a new subscriber.
	again := subscribe(t, a, ch)
	publish(t, pub, ch, []byte("again"))
	s.expect(t, again, ch, []byte("again"))
	s.expect(t, fast, ch, []byte("again"))
}

func (s *suite) testChurn(t *testing.T) {
	b := s.broker(t, 0)
	base := channel("churn")
	stop := make(chan struct{})
	var pubWG sync.WaitGroup
	pubWG.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = b.Publish(context.Background(), base+"."+strconv.Itoa(i%3), []byte("noise"))
			time.Sleep(time.Millisecond)
		}
	})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := range 15 {
				ch := base + "." + strconv.Itoa((w+i)%3)
				var sub pubsub.Subscription
				var err error
				if i%2 == 0 {
					sub, err = b.Subscribe(context.Background(), ch)
				} else {
					sub, err = b.SubscribePattern(context.Background(), base+".*")
				}
				if err != nil {
					errs <- err
					return
				}
				if err := sub.Close(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	pubWG.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("subscribe/close churn: %v", err)
	}
	for i := range 3 {
		ch := base + "." + strconv.Itoa(i)
		sub := subscribe(t, b, ch)
		publish(t, b, ch, []byte("end"))
		s.until(t, sub, "end")
	}
}

func (s *suite) testTwoInstances(t *testing.T) {
	a := s.broker(t, 0)
	b := s.broker(t, 0)
	ch := channel("instances")
	subA := subscribe(t, a, ch)
	subB := subscribe(t, b, ch)
	patB := subscribePattern(t, b, ch+".>")
	if s.Isolated {
		publish(t, a, ch, []byte("from a"))
		publish(t, b, ch, []byte("from b"))
		s.expect(t, subA, ch, []byte("from a"))
		s.expect(t, subB, ch, []byte("from b"))
		publish(t, a, ch+".x", []byte("from a"))
		publish(t, b, ch+".x", []byte("from b"))
		s.expect(t, patB, ch+".x", []byte("from b"))
		nothing(t, subA)
		return
	}
	publish(t, b, ch, []byte("from b"))
	s.expect(t, subA, ch, []byte("from b"))
	s.expect(t, subB, ch, []byte("from b"))
	publish(t, a, ch, []byte("from a"))
	s.expect(t, subB, ch, []byte("from a"))
	s.expect(t, subA, ch, []byte("from a"))
	publish(t, a, ch+".x.y", []byte("deep"))
	s.expect(t, patB, ch+".x.y", []byte("deep"))
	// In order, as one publisher sent them.
	for i := range 50 {
		publish(t, a, ch, []byte(strconv.Itoa(i)))
	}
	for i := range 50 {
		s.expect(t, subB, ch, []byte(strconv.Itoa(i)))
	}
}

func (s *suite) testReconnect(t *testing.T) {
	if s.Kill == nil {
		t.Skip("the driver has no server connection to kill")
	}
	s.resume(t, s.Kill)
}

func (s *suite) testDeadConnection(t *testing.T) {
	if s.Blackhole == nil {
		t.Skip("Config.Blackhole is not set")
	}
	s.resume(t, s.Blackhole)
}

// resume breaks the subscribing broker's connections with breakConns and checks that its
// subscriptions resume, that it can publish again and that new subscriptions work.
func (s *suite) resume(t *testing.T, breakConns func(testing.TB, pubsub.Broker)) {
	sub := s.broker(t, 0)
	pub := sub
	if !s.Isolated {
		pub = s.broker(t, 0)
	}
	ch := channel("reconnect")
	exact := subscribe(t, sub, ch)
	pattern := subscribePattern(t, sub, ch+".*")
	publish(t, pub, ch, []byte("before"))
	s.expect(t, exact, ch, []byte("before"))

	breakConns(t, sub)

	// Messages published while the subscriber reconnects may be lost (at-most-once);
	// probes go out until both subscriptions receive again.
	deadline := time.Now().Add(3 * s.Timeout)
	probe := func(tb testing.TB, from pubsub.Broker, ch string, sub pubsub.Subscription, what string) {
		tb.Helper()
		for i := 0; ; i++ {
			if time.Now().After(deadline) {
				tb.Fatalf("%s: nothing arrived within %v", what, 3*s.Timeout)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err := from.Publish(ctx, ch, []byte("probe "+strconv.Itoa(i)))
			cancel()
			if err != nil {
				time.Sleep(100 * time.Millisecond) // publishing may fail until reconnected
				continue
			}
			ctx, cancel = context.WithTimeout(context.Background(), 250*time.Millisecond)
			m, err := sub.Next(ctx)
			cancel()
			if err == nil {
				if m.Channel != ch || !strings.HasPrefix(string(m.Payload), "probe ") {
					tb.Fatalf("%s: received %q %q", what, m.Channel, m.Payload)
				}
				return
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				tb.Fatalf("%s: the subscription ended: %v", what, err)
			}
		}
	}
	probe(t, pub, ch, exact, "exact subscription after the break")
	probe(t, pub, ch+".p", pattern, "pattern subscription after the break")
	if !s.Isolated {
		// The killed broker can publish again, and other instances receive it.
		other := subscribe(t, pub, ch+".back")
		probe(t, sub, ch+".back", other, "publishing from the broken broker")
	}
	// New subscriptions on the reconnected broker work.
	late := subscribe(t, sub, ch+".late")
	publish(t, pub, ch+".late", []byte("late"))
	for {
		m := s.recv(t, late)
		if string(m.Payload) == "late" {
			break
		}
	}
	for _, x := range []pubsub.Subscription{exact, pattern} {
		if err := x.Err(); err != nil {
			t.Fatalf("a subscription ended during reconnection: %v", err)
		}
	}
}
