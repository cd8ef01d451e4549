package fanout

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sinewdev/sinew/pubsub"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recorder is an Upstream that records its calls and can be told to fail Open.
type recorder struct {
	mu      sync.Mutex
	calls   []string
	failFor string
	open    map[Subject]bool
}

func (r *recorder) Open(_ context.Context, s Subject) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.Name == r.failFor {
		return errors.New("server says no")
	}
	if r.open == nil {
		r.open = map[Subject]bool{}
	}
	if r.open[s] {
		panic("Open of an open subject " + s.Name)
	}
	r.open[s] = true
	r.calls = append(r.calls, "open "+s.Name)
	return nil
}

func (r *recorder) Close(s Subject) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.open[s] {
		panic("Close of a closed subject " + s.Name)
	}
	delete(r.open, s)
	r.calls = append(r.calls, "close "+s.Name)
}

func (r *recorder) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// eventually waits for the recorder's log to equal want; Close runs in a goroutine.
func eventually(t *testing.T, r *recorder, want ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Equal(r.log(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("upstream calls = %q, want %q", r.log(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestUpstreamOncePerSubject(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	tab := New(r, 4)
	defer tab.Close()
	ctx := context.Background()
	a, err := tab.Subscribe(ctx, Subject{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := tab.Subscribe(ctx, Subject{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := tab.Subscribe(ctx, Subject{Name: "c", Pattern: true})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, r, "open c", "open c")
	a.Close()
	eventually(t, r, "open c", "open c")
	b.Close()
	eventually(t, r, "open c", "open c", "close c")
	p.Close()
	eventually(t, r, "open c", "open c", "close c", "close c")
	if _, err := tab.Subscribe(ctx, Subject{Name: "c"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, r, "open c", "open c", "close c", "close c", "open c")
}

func TestOpenFailure(t *testing.T) {
	t.Parallel()
	r := &recorder{failFor: "bad"}
	tab := New(r, 4)
	defer tab.Close()
	sub, err := tab.Subscribe(context.Background(), Subject{Name: "bad"})
	if err == nil || sub != nil {
		t.Fatalf("Subscribe = %v, %v; want nil and the upstream's error", sub, err)
	}
	if err := tab.Publish("bad", nil); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.failFor = ""
	r.mu.Unlock()
	if _, err := tab.Subscribe(context.Background(), Subject{Name: "bad"}); err != nil {
		t.Fatalf("Subscribe after the server recovered: %v", err)
	}
	eventually(t, r, "open bad")
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	tab := New(nil, 4)
	defer tab.Close()
	ctx := context.Background()
	exact, _ := tab.Subscribe(ctx, Subject{Name: "a.b"})
	pattern, _ := tab.Subscribe(ctx, Subject{Name: "a.*", Pattern: true})
	other, _ := tab.Subscribe(ctx, Subject{Name: "x.>", Pattern: true})
	if err := tab.Publish("a.b", []byte("1")); err != nil {
		t.Fatal(err)
	}
	// DeliverTo filters a pattern subject's superset.
	tab.DeliverTo(Subject{Name: "a.*", Pattern: true}, "a.b.c", []byte("superset"))
	tab.DeliverTo(Subject{Name: "a.*", Pattern: true}, "a.c", []byte("2"))
	tab.DeliverTo(Subject{Name: "nobody"}, "nobody", []byte("3"))
	for _, tt := range []struct {
		sub  pubsub.Subscription
		want []string
	}{{exact, []string{"a.b:1"}}, {pattern, []string{"a.b:1", "a.c:2"}}, {other, nil}} {
		var got []string
	drain:
		for {
			select {
			case m := <-tt.sub.Messages():
				got = append(got, m.Channel+":"+string(m.Payload))
			default:
				break drain
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("received %q, want %q", got, tt.want)
		}
	}
}

func TestOverflowReleasesUpstream(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	tab := New(r, 2)
	defer tab.Close()
	sub, err := tab.Subscribe(context.Background(), Subject{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		tab.DeliverTo(Subject{Name: "c"}, "c", []byte(strconv.Itoa(i)))
	}
	if !errors.Is(sub.Err(), pubsub.ErrSlowConsumer) {
		t.Fatalf("Err = %v, want ErrSlowConsumer", sub.Err())
	}
	eventually(t, r, "open c", "close c")
}

func TestFail(t *testing.T) {
	t.Parallel()
	tab := New(nil, 2)
	defer tab.Close()
	a, _ := tab.Subscribe(context.Background(), Subject{Name: "c"})
	b, _ := tab.Subscribe(context.Background(), Subject{Name: "c"})
	keep, _ := tab.Subscribe(context.Background(), Subject{Name: "d"})
	tab.Fail(Subject{Name: "c"}, pubsub.ErrSlowConsumer)
	for _, s := range []pubsub.Subscription{a, b} {
		if !errors.Is(s.Err(), pubsub.ErrSlowConsumer) {
			t.Errorf("Err = %v, want ErrSlowConsumer", s.Err())
		}
	}
	if keep.Err() != nil {
		t.Errorf("a subscription to another subject ended: %v", keep.Err())
	}
}

func TestCloseWaitsAndRefuses(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	tab := New(r, 2)
	sub, _ := tab.Subscribe(context.Background(), Subject{Name: "c"})
	sub.Close() // schedules an upstream Close that Close must not leave running
	tab.Close()
	tab.Close()
	if _, err := tab.Subscribe(context.Background(), Subject{Name: "c"}); !errors.Is(err, pubsub.ErrClosed) {
		t.Fatalf("Subscribe after Close = %v, want ErrClosed", err)
	}
	if err := tab.Publish("c", nil); !errors.Is(err, pubsub.ErrClosed) {
		t.Fatalf("Publish after Close = %v, want ErrClosed", err)
	}
	if !tab.Closed() {
		t.Fatal("Closed() = false after Close")
	}
}

// TestConcurrentChurn runs subscribes, closes, deliveries and overflows at once; the
// recorder panics if the Table ever opens an open subject or closes a closed one.
func TestConcurrentChurn(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	tab := New(r, 1)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				s := Subject{Name: strconv.Itoa((w + i) % 3), Pattern: i%4 == 0}
				sub, err := tab.Subscribe(context.Background(), s)
				if err != nil {
					t.Error(err)
					return
				}
				if i%3 == 0 {
					sub.Close()
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 2000 {
			_ = tab.Publish(strconv.Itoa(i%3), nil)
		}
	})
	wg.Wait()
	tab.Close()
}
