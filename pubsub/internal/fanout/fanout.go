package fanout

import (
	"context"
	"sync"

	"github.com/sinewdev/sinew/pubsub"
)

// Subject is what a local subscription listens to: one channel, or one pattern.
type Subject struct {
	// Name is the channel name or the pattern.
	Name string
	// Pattern is true when Name is a pattern.
	Pattern bool
}

// Upstream is a driver's server side. A Table calls its methods one at a time, never
// while holding its lock.
type Upstream interface {
	// Open subscribes on the server to s, returning once the server has confirmed, so
	// that messages published afterwards reach the Table. It is called when the first
	// local subscription to s appears.
	Open(ctx context.Context, s Subject) error
	// Close unsubscribes on the server from s. It is called, from a goroutine of the
	// Table's, after the last local subscription to s has ended.
	Close(s Subject)
}

// Table holds one broker's local subscriptions. Its zero value is not usable; use New.
type Table struct {
	up     Upstream
	buffer int
	sem    chan struct{} // one slot: serialises Upstream calls

	mu       sync.Mutex
	closed   bool
	exact    map[string]*entry
	patterns map[string]*entry

	ctx    context.Context // done once Close has begun
	cancel context.CancelFunc
	wg     sync.WaitGroup // pending Upstream.Close goroutines
}

type entry struct {
	subs []*Sub
	open bool // the server subscription exists (always true without an Upstream)
}

// New returns a Table whose subscriptions buffer buffer messages (pubsub.DefaultBuffer
// if buffer is not positive). up may be nil when the driver receives every message
// anyway (the memory and Postgres drivers).
func New(up Upstream, buffer int) *Table {
	if buffer <= 0 {
		buffer = pubsub.DefaultBuffer
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Table{
		up:       up,
		buffer:   buffer,
		sem:      make(chan struct{}, 1),
		exact:    make(map[string]*entry),
		patterns: make(map[string]*entry),
		ctx:      ctx,
		cancel:   cancel,
	}
}

func (t *Table) lookup(s Subject) *entry {
	if s.Pattern {
		return t.patterns[s.Name]
	}
	return t.exact[s.Name]
}

func (t *Table) store(s Subject, e *entry) {
	if s.Pattern {
		t.patterns[s.Name] = e
	} else {
		t.exact[s.Name] = e
	}
}

func (t *Table) forget(s Subject) {
	if s.Pattern {
		delete(t.patterns, s.Name)
	} else {
		delete(t.exact, s.Name)
	}
}

// Subscribe adds a subscription to s, opening the server subscription first if it is the
// only one. It fails with ctx's error, the Upstream's error, or pubsub.ErrClosed.
func (t *Table) Subscribe(ctx context.Context, s Subject) (pubsub.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.ctx.Done():
		return nil, pubsub.ErrClosed
	}
	defer func() { <-t.sem }()

	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil, pubsub.ErrClosed
	}
	e := t.lookup(s)
	if e == nil || !e.open {
		if t.up != nil {
			t.mu.Unlock()
			err := t.up.Open(ctx, s)
			t.mu.Lock()
			if t.closed {
				t.mu.Unlock()
				return nil, pubsub.ErrClosed
			}
			if err != nil {
				t.mu.Unlock()
				return nil, err
			}
			e = t.lookup(s)
		}
		if e == nil {
			e = &entry{}
			t.store(s, e)
		}
		e.open = true
	}
	sub := &Sub{t: t, subject: s, ch: make(chan pubsub.Message, t.buffer)}
	e.subs = append(e.subs, sub)
	t.mu.Unlock()
	return sub, nil
}

// Closed reports whether Close has been called.
func (t *Table) Closed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}

// Publish delivers a message to the subscriptions to channel and to every pattern
// subscription that matches it. It is what a driver calls when its server (or, for the
// memory driver, its caller) sends every message of the namespace to this Table. It
// reports pubsub.ErrClosed after Close.
func (t *Table) Publish(channel string, payload []byte) error {
	msg := pubsub.Message{Channel: channel, Payload: payload}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return pubsub.ErrClosed
	}
	if e := t.exact[channel]; e != nil {
		t.deliverLocked(e, msg)
	}
	for name, e := range t.patterns {
		if pubsub.Match(name, channel) {
			t.deliverLocked(e, msg)
		}
	}
	return nil
}

// DeliverTo delivers a message that the server sent for subject s only (drivers with one
// server subscription per subject). For a pattern, the channel is matched again, so a
// server that sends a superset of the matching messages is filtered here.
func (t *Table) DeliverTo(s Subject, channel string, payload []byte) {
	if s.Pattern && !pubsub.Match(s.Name, channel) {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	if e := t.lookup(s); e != nil {
		t.deliverLocked(e, pubsub.Message{Channel: channel, Payload: payload})
	}
}

func (t *Table) deliverLocked(e *entry, msg pubsub.Message) {
	for i := 0; i < len(e.subs); {
		sub := e.subs[i]
		select {
		case sub.ch <- msg:
			i++
		default:
			// endLocked moves the last subscription into slot i.
			t.endLocked(sub, pubsub.ErrSlowConsumer)
		}
	}
}

// Fail ends every subscription to s with reason: the driver lost messages for s.
func (t *Table) Fail(s Subject, reason error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.lookup(s)
	for e != nil && len(e.subs) > 0 {
		t.endLocked(e.subs[len(e.subs)-1], reason)
	}
}

// endLocked ends sub with reason and removes it; the caller holds t.mu.
func (t *Table) endLocked(sub *Sub, reason error) {
	if sub.done {
		return
	}
	sub.done = true
	sub.setErr(reason)
	close(sub.ch)
	e := t.lookup(sub.subject)
	if e == nil {
		return
	}
	for i, s := range e.subs {
		if s == sub {
			last := len(e.subs) - 1
			e.subs[i] = e.subs[last]
			e.subs[last] = nil
			e.subs = e.subs[:last]
			break
		}
	}
	if len(e.subs) > 0 {
		return
	}
	if t.up == nil || t.closed {
		t.forget(sub.subject)
		return
	}
	t.wg.Add(1)
	go t.release(sub.subject)
}

// release closes the server subscription to s unless a new local one appeared meanwhile.
func (t *Table) release(s Subject) {
	defer t.wg.Done()
	select {
	case t.sem <- struct{}{}:
	case <-t.ctx.Done():
		return
	}
	defer func() { <-t.sem }()
	t.mu.Lock()
	e := t.lookup(s)
	if t.closed || e == nil || len(e.subs) > 0 || !e.open {
		t.mu.Unlock()
		return
	}
	t.forget(s)
	t.mu.Unlock()
	t.up.Close(s)
}

// Close ends every subscription with pubsub.ErrClosed and waits for pending server
// unsubscriptions to give up. Later calls do nothing.
func (t *Table) Close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	for _, m := range []map[string]*entry{t.exact, t.patterns} {
		for _, e := range m {
			for _, sub := range e.subs {
				sub.done = true
				sub.setErr(pubsub.ErrClosed)
				close(sub.ch)
			}
		}
		clear(m)
	}
	t.mu.Unlock()
	t.cancel()
	t.wg.Wait()
}

// Sub is a local subscription; it implements pubsub.Subscription.
type Sub struct {
	t       *Table
	subject Subject
	ch      chan pubsub.Message
	done    bool // guarded by t.mu

	errMu sync.Mutex
	err   error
}

var _ pubsub.Subscription = (*Sub)(nil)

func (s *Sub) setErr(err error) {
	s.errMu.Lock()
	s.err = err
	s.errMu.Unlock()
}

// Messages implements pubsub.Subscription.
func (s *Sub) Messages() <-chan pubsub.Message { return s.ch }

// Next implements pubsub.Subscription.
func (s *Sub) Next(ctx context.Context) (pubsub.Message, error) {
	select {
	case m, ok := <-s.ch:
		if !ok {
			return pubsub.Message{}, s.Err()
		}
		return m, nil
	case <-ctx.Done():
		return pubsub.Message{}, ctx.Err()
	}
}

// Err implements pubsub.Subscription.
func (s *Sub) Err() error {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return s.err
}

// Close implements pubsub.Subscription.
func (s *Sub) Close() error {
	s.t.mu.Lock()
	s.t.endLocked(s, pubsub.ErrClosed)
	s.t.mu.Unlock()
	return nil
}
