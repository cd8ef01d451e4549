package pubsubtest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sinewdev/sinew/pubsub"
)

// Benchmark runs the driver benchmarks as sub-benchmarks of b, each with 64-byte
// payloads. When the driver is not Isolated, messages go from one Broker to another, as
// between two app instances.
//
//   - Latency: publish one message and wait for it, b.N times; ns/op is the round trip,
//     and the p50-µs and p99-µs metrics its distribution.
//   - Throughput: four goroutines publish b.N messages in all, with up to 256 in flight,
//     while one subscription receives them; msgs/s is the rate.
//   - FanOut100: publish one message to 100 subscriptions of the receiving Broker and wait
//     until all have it; ns/op is the time to the last one.
func Benchmark(b *testing.B, cfg Config) {
	s := &suite{cfg}
	if s.Timeout <= 0 {
		s.Timeout = 10 * time.Second
	}
	b.Run("Latency", s.benchLatency)
	b.Run("Throughput", s.benchThroughput)
	b.Run("FanOut100", s.benchFanOut)
}

// pair returns the receiving and the publishing broker.
func (s *suite) pair(b *testing.B, buffer int) (recv, pub pubsub.Broker) {
	recv = s.broker(b, buffer)
	pub = recv
	if !s.Isolated {
		pub = s.broker(b, buffer)
	}
	return recv, pub
}

func (s *suite) benchLatency(b *testing.B) {
	recv, pub := s.pair(b, 0)
	ch := channel("latency")
	sub := subscribe(b, recv, ch)
	payload := make([]byte, 64)
	ctx := context.Background()
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := pub.Publish(ctx, ch, payload); err != nil {
			b.Fatal(err)
		}
		if _, err := sub.Next(ctx); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		b.ReportMetric(float64(lat[n/2].Nanoseconds())/1e3, "p50-µs")
		b.ReportMetric(float64(lat[n*99/100].Nanoseconds())/1e3, "p99-µs")
	}
}

func (s *suite) benchThroughput(b *testing.B) {
	const window, publishers = 256, 4
	recv, pub := s.pair(b, 4*window)
	ch := channel("throughput")
	sub := subscribe(b, recv, ch)
	payload := make([]byte, 64)
	credits := make(chan struct{}, window)
	for range window {
		credits <- struct{}{}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var errOnce sync.Once
	var pubErr error
	for p := range publishers {
		n := b.N / publishers
		if p == 0 {
			n += b.N % publishers
		}
		wg.Go(func() {
			for range n {
				<-credits
				if err := pub.Publish(context.Background(), ch, payload); err != nil {
					errOnce.Do(func() { pubErr = err })
					return
				}
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b.N)*time.Millisecond+s.Timeout)
	defer cancel()
	for range b.N {
		if _, err := sub.Next(ctx); err != nil {
			wg.Wait()
			b.Fatalf("after %v: %v (publish error: %v)", time.Since(start), err, pubErr)
		}
		credits <- struct{}{}
	}
	wg.Wait()
	b.StopTimer()
	if pubErr != nil {
		b.Fatal(pubErr)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func (s *suite) benchFanOut(b *testing.B) {
	const n = 100
	recv, pub := s.pair(b, 0)
	ch := channel("fanout")
	subs := make([]pubsub.Subscription, n)
	for i := range subs {
		subs[i] = subscribe(b, recv, ch)
	}
	payload := make([]byte, 64)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := pub.Publish(ctx, ch, payload); err != nil {
			b.Fatal(err)
		}
		for _, sub := range subs {
			if _, err := sub.Next(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
}
