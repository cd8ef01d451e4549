package memory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/sinewdev/sinew/pubsub"
	"github.com/sinewdev/sinew/pubsub/memory"
	"github.com/sinewdev/sinew/pubsub/pubsubtest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testMaxPayload = 64 << 10

func config() pubsubtest.Config {
	return pubsubtest.Config{
		New: func(tb testing.TB, buffer int) pubsub.Broker {
			return memory.New(memory.Config{Buffer: buffer, MaxPayload: testMaxPayload})
		},
		MaxPayload: testMaxPayload,
		Isolated:   true,
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	pubsubtest.Run(t, config())
}

func TestDefaultConfig(t *testing.T) {
	t.Parallel()
	pubsubtest.Run(t, pubsubtest.Config{
		New: func(tb testing.TB, buffer int) pubsub.Broker {
			return memory.New(memory.Config{Buffer: buffer})
		},
		MaxPayload: memory.DefaultMaxPayload,
		Isolated:   true,
	})
}

func BenchmarkBroker(b *testing.B) {
	pubsubtest.Benchmark(b, config())
}

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url        string
		maxPayload int
		err        string
	}{
		{url: "memory://", maxPayload: memory.DefaultMaxPayload},
		{url: "memory:", maxPayload: memory.DefaultMaxPayload},
		{url: "memory://?max_payload=100&buffer=2", maxPayload: 100},
		{url: "memory://?buffer=0", err: "positive integer"},
		{url: "memory://host", err: "does not use"},
		{url: "memory://?other=1", err: "does not use"},
		{url: "redis://x", err: "does not start with memory:"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			b, err := memory.Open(context.Background(), tt.url)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Open(%q) error = %v, want one containing %q", tt.url, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.url, err)
			}
			defer b.Close()
			if b.MaxPayload() != tt.maxPayload {
				t.Fatalf("MaxPayload = %d, want %d", b.MaxPayload(), tt.maxPayload)
			}
		})
	}
}

func TestBufferFromURL(t *testing.T) {
	t.Parallel()
	b, err := memory.Open(context.Background(), "memory://?buffer=2")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	sub, err := b.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := b.Publish(ctx, "c", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := sub.Err(); !errors.Is(err, pubsub.ErrSlowConsumer) {
		t.Fatalf("after 3 messages into a buffer of 2, Err = %v, want ErrSlowConsumer", err)
	}
}
