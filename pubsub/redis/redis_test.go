package redis_test

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/internal/tcpproxy"
	"github.com/sinewdev/sinew/pubsub/pubsubtest"
	"github.com/sinewdev/sinew/pubsub/redis"
)

const envURL = "SINEW_TEST_REDIS_URL"

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
		tb.Skipf("set %s (for example redis://127.0.0.1:6379/0) to run the Redis broker tests", envURL)
	}
	return u
}

// withClientName adds a client_name to the URL, by which kill finds the broker's
// connections.
func withClientName(tb testing.TB, raw, name string) string {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("client_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

const testMaxPayload = 256 << 10

// config connects every broker through its own TCP proxy (for Blackhole) and with its
// own client name (for Kill, which uses CLIENT KILL).
func config(tb testing.TB) pubsubtest.Config {
	raw := serverURL(tb)
	type conns struct {
		name  string
		proxy *tcpproxy.Proxy
	}
	var brokers sync.Map // pubsub.Broker → conns
	return pubsubtest.Config{
		New: func(tb testing.TB, buffer int) pubsub.Broker {
			u, err := url.Parse(raw)
			if err != nil {
				tb.Fatal(err)
			}
			p, err := tcpproxy.Start(u.Host)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(p.Close)
			u.Host = p.Addr()
			name := "sinew-pubsubtest-" + strings.ToLower(rand.Text()[:10])
			b, err := redis.New(context.Background(), redis.Config{
				URL:         withClientName(tb, u.String(), name),
				Namespace:   "sinew-pubsubtest",
				Buffer:      buffer,
				MaxPayload:  testMaxPayload,
				HealthCheck: 100 * time.Millisecond,
			})
			if err != nil {
				tb.Fatal(err)
			}
			brokers.Store(b, conns{name, p})
			return b
		},
		MaxPayload: testMaxPayload,
		Kill: func(tb testing.TB, b pubsub.Broker) {
			c, _ := brokers.Load(b)
			kill(tb, raw, c.(conns).name)
		},
		Blackhole: func(tb testing.TB, b pubsub.Broker) {
			c, _ := brokers.Load(b)
			if c.(conns).proxy.Blackhole() == 0 {
				tb.Fatal("the broker had no connection to blackhole")
			}
		},
	}
}

// kill closes every connection named name with CLIENT KILL, and fails unless one of
// them is the receiving connection.
func kill(tb testing.TB, raw, name string) {
	tb.Helper()
	opt, err := goredis.ParseURL(raw)
	if err != nil {
		tb.Fatal(err)
	}
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := rdb.ClientList(ctx).Result()
	if err != nil {
		tb.Fatal(err)
	}
	subscribers := 0
	for line := range strings.Lines(list) {
		var id string
		named, subscriber := false, false
		for field := range strings.FieldsSeq(line) {
			if v, ok := strings.CutPrefix(field, "id="); ok {
				id = v
			}
			if field == "name="+name {
				named = true
			}
			if strings.HasPrefix(field, "sub=") && field != "sub=0" || strings.HasPrefix(field, "psub=") && field != "psub=0" {
				subscriber = true
			}
		}
		if named && id != "" {
			if err := rdb.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
				tb.Fatal(err)
			}
			if subscriber {
				subscribers++
			}
		}
	}
	if subscribers == 0 {
		tb.Fatalf("no subscribed connection named %q to kill", name)
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
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	b, err := redis.Open(ctx, raw+sep+"namespace=sinew-open-test&buffer=4&max_payload=100")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer b.Close()
	if b.MaxPayload() != 100 {
		t.Errorf("MaxPayload = %d, want 100 from the URL", b.MaxPayload())
	}
	if err := b.Publish(ctx, "x", make([]byte, 101)); !errors.Is(err, pubsub.ErrTooLarge) {
		t.Errorf("Publish over max_payload = %v, want ErrTooLarge", err)
	}
	for _, tt := range []struct{ url, err string }{
		{"nats://127.0.0.1:4222", "must start with redis://"},
		{raw + sep + "buffer=x", "positive integer"},
		{raw + sep + "namespace=a%00b", "control character"},
		{raw + sep + "unknown_option=1", "redis broker"},
		{"redis://127.0.0.1:1/0?dial_timeout=1s", "redis broker"},
	} {
		b, err := redis.Open(ctx, tt.url)
		if err == nil {
			b.Close()
			t.Errorf("Open(%q) succeeded, want an error containing %q", tt.url, tt.err)
		} else if !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tt.url, err, tt.err)
		}
	}
}

// TestGlobCharacters checks that glob metacharacters in the namespace and in literal
// pattern tokens match only themselves.
func TestGlobCharacters(t *testing.T) {
	t.Parallel()
	raw := serverURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := redis.New(ctx, redis.Config{URL: raw, Namespace: `glob*[a]?\` + strings.ToLower(rand.Text()[:6])})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sub, err := b.SubscribePattern(ctx, `[ab]?\*.>`)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []string{"a1x.y", `[ab]?\x.y`, `[ab]?\*.y`} {
		if err := b.Publish(ctx, ch, []byte(ch)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := sub.Next(ctx)
	if err != nil || m.Channel != `[ab]?\*.y` {
		t.Fatalf("received %q, %v; want only the literal match", m.Channel, err)
	}
}
