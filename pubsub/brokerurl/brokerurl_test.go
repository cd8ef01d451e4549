package brokerurl_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sinewdev/sinew/pubsub/brokerurl"
	"github.com/sinewdev/sinew/pubsub/memory"
	"github.com/sinewdev/sinew/pubsub/nats"
	"github.com/sinewdev/sinew/pubsub/postgres"
	"github.com/sinewdev/sinew/pubsub/redis"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ url, err string }{
		{"localhost:6379", "unknown scheme"},
		{"no scheme", "no scheme"},
		{"kafka://secret@host", "unknown scheme \"kafka\""},
		{"memory://?buffer=-1", "positive integer"},
	} {
		b, err := brokerurl.Open(context.Background(), tt.url)
		if err == nil {
			b.Close()
			t.Errorf("Open(%q) succeeded, want an error containing %q", tt.url, tt.err)
			continue
		}
		if !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tt.url, err, tt.err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v, which repeats the credentials", tt.url, err)
		}
	}
}

// TestOpenEachDriver opens every scheme whose server is configured and checks the
// driver chosen and a round trip through it.
func TestOpenEachDriver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, env, url string
		want           any
	}{
		{name: "empty", url: "", want: &memory.Broker{}},
		{name: "memory", url: "memory://?buffer=8", want: &memory.Broker{}},
		{name: "postgres", env: "SINEW_TEST_POSTGRES_URL", want: &postgres.Broker{}},
		{name: "nats", env: "SINEW_TEST_NATS_URL", want: &nats.Broker{}},
		{name: "redis", env: "SINEW_TEST_REDIS_URL", want: &redis.Broker{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := tt.url
			if tt.env != "" {
				url = os.Getenv(tt.env)
				if url == "" {
					if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") != "" {
						t.Fatalf("%s is not set, and SINEW_TEST_REQUIRE_SERVICES is", tt.env)
					}
					t.Skipf("set %s to open a %s broker", tt.env, tt.name)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			b, err := brokerurl.Open(ctx, url)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer b.Close()
			if got, want := fmt.Sprintf("%T", b), fmt.Sprintf("%T", tt.want); got != want {
				t.Fatalf("Open chose %s, want %s", got, want)
			}
			ch := "brokerurl." + tt.name
			sub, err := b.Subscribe(ctx, ch)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Publish(ctx, ch, []byte("hi")); err != nil {
				t.Fatal(err)
			}
			m, err := sub.Next(ctx)
			if err != nil || string(m.Payload) != "hi" {
				t.Fatalf("received %q, %v", m.Payload, err)
			}
		})
	}
}
