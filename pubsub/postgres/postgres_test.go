package postgres_test

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

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/internal/tcpproxy"
	"github.com/sinewdev/sinew/pubsub/postgres"
	"github.com/sinewdev/sinew/pubsub/pubsubtest"
)

const envURL = "SINEW_TEST_POSTGRES_URL"

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
		tb.Skipf("set %s (for example postgres://root@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL broker tests", envURL)
	}
	return u
}

// withAppName adds an application_name to the URL, by which Kill finds the broker's
// connections.
func withAppName(tb testing.TB, raw, name string) string {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// config connects every broker through its own TCP proxy (for Blackhole) and with its
// own application_name (for Kill, which terminates its server processes).
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
			b, err := postgres.New(context.Background(), postgres.Config{
				ConnString:    withAppName(tb, u.String(), name),
				Namespace:     "sinew_pubsubtest",
				Buffer:        buffer,
				HealthCheck:   250 * time.Millisecond,
				ReconnectWait: 50 * time.Millisecond,
			})
			if err != nil {
				tb.Fatal(err)
			}
			brokers.Store(b, conns{name, p})
			return b
		},
		MaxPayload: postgres.MaxPayload,
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

// kill terminates every server process of the connections named name, and fails
// unless one of them is the listening connection (whose last statement was its LISTEN or
// a health check ping).
func kill(tb testing.TB, raw, name string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, raw)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	var listeners int
	err = conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE query LIKE 'LISTEN %' OR query = '-- ping') FROM (
		SELECT pg_terminate_backend(pid), query FROM pg_stat_activity WHERE application_name = $1) AS killed`, name).Scan(&listeners)
	if err != nil {
		tb.Fatal(err)
	}
	if listeners == 0 {
		tb.Fatalf("no listening connection named %q to terminate", name)
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
	b, err := postgres.Open(ctx, raw+sep+"namespace=sinew_open_test&buffer=4&max_payload=100")
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
		{"mysql://root@127.0.0.1/test", "must start with postgres://"},
		{raw + sep + "buffer=-1", "positive integer"},
		{raw + sep + "max_payload=9000", "over the driver's limit"},
		{raw + sep + "namespace=a%0Ab", "control character"},
		{"postgres://root@127.0.0.1:1/test?connect_timeout=2", "listening connection"},
	} {
		b, err := postgres.Open(ctx, tt.url)
		if err == nil {
			b.Close()
			t.Errorf("Open(%q) succeeded, want an error containing %q", tt.url, tt.err)
		} else if !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tt.url, err, tt.err)
		}
	}
}

// TestHostileNamespace uses a namespace that needs quoting and one that needs hashing.
func TestHostileNamespace(t *testing.T) {
	t.Parallel()
	raw := serverURL(t)
	for _, ns := range []string{`it's "a"; LISTEN x`, strings.Repeat("long namespace ", 10)} {
		ctx := context.Background()
		a, err := postgres.New(ctx, postgres.Config{ConnString: raw, Namespace: ns})
		if err != nil {
			t.Fatalf("namespace %q: %v", ns, err)
		}
		defer a.Close()
		b, err := postgres.New(ctx, postgres.Config{ConnString: raw, Namespace: ns})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		other, err := postgres.New(ctx, postgres.Config{ConnString: raw, Namespace: ns + "2"})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		sub, err := a.Subscribe(ctx, "c")
		if err != nil {
			t.Fatal(err)
		}
		if err := other.Publish(ctx, "c", []byte("other namespace")); err != nil {
			t.Fatal(err)
		}
		if err := b.Publish(ctx, "c", []byte("same namespace")); err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		m, err := sub.Next(wctx)
		cancel()
		if err != nil || string(m.Payload) != "same namespace" {
			t.Fatalf("namespace %q: received %q, %v; want only the message of the same namespace", ns, m.Payload, err)
		}
	}
}

// TestForeignNotifications sends what another program might NOTIFY on the namespace's
// channel: the broker ignores it and keeps working.
func TestForeignNotifications(t *testing.T) {
	t.Parallel()
	raw := serverURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ns := "sinew_foreign_" + strings.ToLower(rand.Text()[:8])
	b, err := postgres.New(ctx, postgres.Config{ConnString: raw, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sub, err := b.SubscribePattern(ctx, ">")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, p := range []string{"", "hello", "1999:x", "15:abc", "13:a\tb", "11:x!!!", `{"json":true}`} {
		if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", ns, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Publish(ctx, "real", []byte("message")); err != nil {
		t.Fatal(err)
	}
	m, err := sub.Next(ctx)
	if err != nil || m.Channel != "real" || string(m.Payload) != "message" {
		t.Fatalf("received %q %q, %v; want only the real message", m.Channel, m.Payload, err)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		cfg postgres.Config
		err string
	}{
		{postgres.Config{}, "ConnString is required"},
		{postgres.Config{ConnString: "postgres://x@127.0.0.1:1/db", Namespace: "bad\nname"}, "control character"},
		{postgres.Config{ConnString: "postgres://x@127.0.0.1:1/db", MaxPayload: postgres.MaxPayload + 1}, "over the driver's limit"},
		{postgres.Config{ConnString: "postgres://x@[::1/db"}, "postgres broker"},
	} {
		b, err := postgres.New(ctx, tt.cfg)
		if err == nil {
			b.Close()
			t.Errorf("New(%+v) succeeded, want an error containing %q", tt.cfg, tt.err)
		} else if !strings.Contains(err.Error(), tt.err) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tt.cfg, err, tt.err)
		}
	}
}
