package nats_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/internal/tcpproxy"
	"github.com/sinewdev/sinew/pubsub/nats"
	"github.com/sinewdev/sinew/pubsub/pubsubtest"
)

const envURL = "SINEW_TEST_NATS_URL"

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// serverURL returns the test server's URL, or skips the test when it is not set.
func serverURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(envURL)
	if u == "" {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") != "" {
			tb.Fatalf("%s is not set, and SINEW_TEST_REQUIRE_SERVICES is", envURL)
		}
		tb.Skipf("set %s (for example nats://127.0.0.1:4222) to run the NATS broker tests", envURL)
	}
	return u
}

// testMaxPayload keeps the payload tests quick; the server's own limit is checked in
// TestServerLimit.
const testMaxPayload = 256 << 10

// config connects every broker through its own TCP proxy, so that Kill can cut one
// broker's connection the way a network failure would.
func config(tb testing.TB) pubsubtest.Config {
	raw := serverURL(tb)
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	var proxies sync.Map // pubsub.Broker → *tcpproxy.Proxy
	return pubsubtest.Config{
		New: func(tb testing.TB, buffer int) pubsub.Broker {
			p, err := tcpproxy.Start(u.Host)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(p.Close)
			pu := *u
			pu.Host = p.Addr()
			b, err := nats.New(context.Background(), nats.Config{
				URL:           pu.String(),
				Namespace:     "sinew-pubsubtest",
				Buffer:        buffer,
				MaxPayload:    testMaxPayload,
				HealthCheck:   100 * time.Millisecond,
				ReconnectWait: 50 * time.Millisecond,
			})
			if err != nil {
				tb.Fatal(err)
			}
			proxies.Store(b, p)
			return b
		},
		MaxPayload: testMaxPayload,
		Kill: func(tb testing.TB, b pubsub.Broker) {
			p, _ := proxies.Load(b)
			if n := p.(*tcpproxy.Proxy).KillConns(); n == 0 {
				tb.Fatal("the broker had no connection to kill")
			}
		},
		Blackhole: func(tb testing.TB, b pubsub.Broker) {
			p, _ := proxies.Load(b)
			if n := p.(*tcpproxy.Proxy).Blackhole(); n == 0 {
				tb.Fatal("the broker had no connection to blackhole")
			}
		},
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	pubsubtest.Run(t, config(t))
}

func BenchmarkBroker(b *testing.B) {
	pubsubtest.Benchmark(b, config(b))
}

func TestOpen(t *testing.T) {
	t.Parallel()
	raw := serverURL(t)
	ctx := context.Background()
	b, err := nats.Open(ctx, raw+"?namespace=sinew-open-test&buffer=4&max_payload=100")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer b.Close()
	if b.MaxPayload() != 100 {
		t.Errorf("MaxPayload = %d, want 100 from the URL", b.MaxPayload())
	}
	for _, tt := range []struct{ url, err string }{
		{"redis://127.0.0.1:6379", "must start with nats://"},
		{raw + ",redis://x", "must start with nats://"},
		{raw + "?buffer=x", "positive integer"},
		{raw + "?namespace=a%20b", "namespace"},
		{raw + "?max_payload=1000000000", "over the server's max_payload"},
		{"nats://127.0.0.1:1", "nats broker"},
	} {
		b, err := nats.Open(ctx, tt.url)
		if err == nil {
			b.Close()
			t.Errorf("Open(%q) succeeded, want an error containing %q", tt.url, tt.err)
		} else if !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tt.url, err, tt.err)
		}
	}
}

// TestServerLimit checks the default limit, the server's max_payload.
func TestServerLimit(t *testing.T) {
	t.Parallel()
	raw := serverURL(t)
	ctx := context.Background()
	b, err := nats.New(ctx, nats.Config{URL: raw, Namespace: "sinew-limit-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	limit := b.MaxPayload()
	if limit <= 0 {
		t.Fatalf("MaxPayload = %d", limit)
	}
	sub, err := b.Subscribe(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, "big", make([]byte, limit+1)); !errors.Is(err, pubsub.ErrTooLarge) {
		t.Fatalf("Publish of %d bytes = %v, want ErrTooLarge", limit+1, err)
	}
	if err := b.Publish(ctx, "big", make([]byte, limit)); err != nil {
		t.Fatalf("Publish of %d bytes: %v", limit, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	m, err := sub.Next(wctx)
	if err != nil || len(m.Payload) != limit {
		t.Fatalf("received %d bytes, %v; want %d", len(m.Payload), err, limit)
	}
}
