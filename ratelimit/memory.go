package ratelimit

import (
	"context"
	"sync"
	"time"
)

// MemoryStore is a Store in the process's memory: exact and fast, but each process counts
// on its own, so use it for a single instance, for tests, or for limits that need not hold
// across instances. Expired counters are swept as new ones are added, so memory stays
// bounded by the keys seen within one window.
type MemoryStore struct {
	mu      sync.Mutex
	entries map[string]memEntry
	adds    int // counters added since the last sweep
}

type memEntry struct {
	count int
	reset time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{entries: map[string]memEntry{}} }

// Hit implements Store.
func (s *MemoryStore) Hit(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	if err := checkWindow(window); err != nil {
		return 0, time.Time{}, err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok || !now.Before(e.reset) {
		if !ok {
			s.adds++
			if s.adds >= 1024 && s.adds >= len(s.entries)/2 {
				s.sweep(now)
			}
		}
		e = memEntry{reset: now.Add(window)}
	}
	e.count++
	s.entries[key] = e
	return e.count, e.reset, nil
}

// sweep drops expired counters; called with mu held, it costs O(entries) once every
// len(entries)/2 additions, so O(1) per Hit on average.
func (s *MemoryStore) sweep(now time.Time) {
	for k, e := range s.entries {
		if !now.Before(e.reset) {
			delete(s.entries, k)
		}
	}
	s.adds = 0
}

// Reset implements Store.
func (s *MemoryStore) Reset(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.entries, key)
	s.mu.Unlock()
	return nil
}

// Len returns the number of counters held, expired ones not yet swept included.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// Close does nothing; it makes every store of this package an io.Closer.
func (s *MemoryStore) Close() error { return nil }
