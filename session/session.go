package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Session is one client's server-side session in one request. Values are stored as JSON:
// they must be JSON-serialisable, and they come back as JSON decodes them (Get returns
// float64 for numbers, map[string]any for objects; use the generic Get with the type you
// stored to get it back). A Session is safe for concurrent use by the goroutines of its
// request.
//
// Two concurrent requests of one client each work on their own copy; their saves are not
// merged, and the last one to save wins.
type Session struct {
	m   *Manager
	req *http.Request

	mu       sync.Mutex
	loaded   bool
	err      error    // the store failed on load: nothing is saved
	errID    string   // the cookie's ID whose load failed
	id       string   // the current ID; "" for a session not yet saved
	hadID    string   // the valid ID the request's cookie carried, if its session was live
	stale    []string // IDs to delete from the store at commit (renewed or destroyed)
	rec      record
	size     int  // approximate encoded size of rec
	dirty    bool // changed since loaded or last saved
	touch    bool // unchanged, but the expiry must move forward
	clearCk  bool // the cookie must be deleted
	cookieOK bool // the client holds a cookie for id
	varied   bool // Vary: Cookie has been added
	// abandoned: the handler panicked; nothing is saved
	abandoned bool

	w writer // the middleware's writer, allocated with the session
}

// load reads the session from the store the first time it is needed. The caller holds mu.
func (s *Session) load() {
	if s.loaded {
		return
	}
	s.loaded = true
	ck, err := s.req.Cookie(s.m.cfg.CookieName)
	if err != nil || !validID(ck.Value) {
		s.clearCk = err == nil // a garbage cookie is replaced or removed at commit
		return
	}
	data, err := s.m.store.Get(s.req.Context(), ck.Value)
	if errors.Is(err, ErrNotFound) {
		s.clearCk = true
		return
	}
	if err != nil {
		s.err = fmt.Errorf("session: loading: %w", err)
		s.errID = ck.Value
		return
	}
	var rec record
	if json.Unmarshal(data, &rec) != nil {
		s.stale = append(s.stale, ck.Value) // undecodable: drop it and start afresh
		s.clearCk = true
		return
	}
	now := s.m.cfg.Now()
	created, saved := time.Unix(0, rec.Created), time.Unix(0, rec.Saved)
	if !now.Before(saved.Add(s.m.cfg.IdleTimeout)) || !now.Before(created.Add(s.m.cfg.AbsoluteTimeout)) {
		s.stale = append(s.stale, ck.Value)
		s.clearCk = true
		return
	}
	s.id, s.hadID, s.cookieOK = ck.Value, ck.Value, true
	s.rec = rec
	s.size = len(data)
	s.touch = now.Sub(saved) > s.m.cfg.IdleTimeout/10
}

// Err returns the error that made the session unavailable (the store failed while loading
// it), or nil. An unavailable session reads as empty and is never saved, so that the stored
// one is not overwritten.
func (s *Session) Err() error {
	if s == nil {
		return ErrNoSession
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	return s.err
}

// raw returns the JSON of the value under key.
func (s *Session) raw(key string) (json.RawMessage, bool) {
	if s == nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	v, ok := s.rec.Values[key]
	return v, ok
}

// Get returns the value stored under key as encoding/json decodes it into an any, or nil.
// Use the generic Get to read a value back in its own type.
func (s *Session) Get(key string) any {
	raw, ok := s.raw(key)
	if !ok {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}

// Get returns the value stored under key decoded into a T, and whether there was one that
// decodes into a T.
//
//	uid, ok := session.Get[int64](s, "user_id")
func Get[T any](s *Session, key string) (T, bool) {
	var v T
	raw, ok := s.raw(key)
	if !ok {
		return v, false
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		var zero T
		return zero, false
	}
	return v, true
}

// Has reports whether a value is stored under key.
func (s *Session) Has(key string) bool {
	_, ok := s.raw(key)
	return ok
}

// Keys returns the keys of the stored values, sorted.
func (s *Session) Keys() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	return slices.Sorted(maps.Keys(s.rec.Values))
}

// Set stores v, which must be JSON-serialisable, under key. It fails, changing nothing,
// when v cannot be encoded, when the session would exceed Config.MaxSize (ErrTooLarge) or
// when the session is unavailable (see Err).
func (s *Session) Set(key string, v any) error {
	if s == nil {
		return ErrNoSession
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("session: value for %q is not JSON-serialisable: %w", key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	if s.err != nil {
		return s.err
	}
	old, had := s.rec.Values[key]
	grow := len(raw) - len(old)
	if !had {
		grow += len(key) + 8 // the quoted key, the colon, the comma
	}
	if s.size+grow > s.m.cfg.MaxSize {
		return fmt.Errorf("%w: setting %q would make the session about %d bytes (limit %d)", ErrTooLarge, key, s.size+grow, s.m.cfg.MaxSize)
	}
	if s.rec.Values == nil {
		s.rec.Values = make(map[string]json.RawMessage)
	}
	s.rec.Values[key] = raw
	s.size += grow
	s.dirty = true
	return nil
}

// Delete removes the value under key.
func (s *Session) Delete(key string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	if _, ok := s.rec.Values[key]; ok {
		delete(s.rec.Values, key)
		s.dirty = true
	}
}

// Clear removes every value and flash message, keeping the session (and its ID).
func (s *Session) Clear() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	if len(s.rec.Values) > 0 || len(s.rec.Flashes) > 0 {
		s.rec.Values, s.rec.Flashes = nil, nil
		s.dirty = true
	}
}

// Renew gives the session a new ID, keeping its data, and deletes the old ID from the
// store, so an ID that someone else knew (planted in the browser before login: session
// fixation) or saw is worthless afterwards. Call it at login, logout-less privilege
// changes and any change of the authenticated user.
func (s *Session) Renew() error {
	if s == nil {
		return ErrNoSession
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	if s.err != nil {
		return s.err
	}
	if s.id != "" {
		s.stale = append(s.stale, s.id)
	}
	s.id = newID()
	s.cookieOK = false
	s.dirty = true
	return nil
}

// Destroy ends the session: its data is dropped, its ID deleted from the store and the
// cookie removed. Values set afterwards start a new session under a new ID. Call it at
// logout.
func (s *Session) Destroy() error {
	if s == nil {
		return ErrNoSession
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	if s.id != "" {
		s.stale = append(s.stale, s.id)
	}
	if s.err != nil {
		// A session that could not be loaded can still be destroyed, by its ID.
		s.stale = append(s.stale, s.errID)
		s.clearCk = true
		s.err, s.errID = nil, ""
	}
	s.id, s.cookieOK = "", false
	s.rec, s.size = record{}, 0
	s.dirty, s.touch = false, false
	s.clearCk = s.hadID != "" || s.clearCk
	return nil
}

// AddFlash adds a one-time message for the next page that calls Flashes.
func (s *Session) AddFlash(kind, msg string) error {
	if s == nil {
		return ErrNoSession
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	if s.err != nil {
		return s.err
	}
	grow := len(kind) + len(msg) + 16
	if s.size+grow > s.m.cfg.MaxSize {
		return fmt.Errorf("%w: the flash message would make the session about %d bytes (limit %d)", ErrTooLarge, s.size+grow, s.m.cfg.MaxSize)
	}
	s.rec.Flashes = append(s.rec.Flashes, Flash{Kind: kind, Message: msg})
	s.size += grow
	s.dirty = true
	return nil
}

// Flashes returns the pending flash messages, oldest first, and removes them: each is
// returned once.
func (s *Session) Flashes() []Flash {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	f := s.rec.Flashes
	if len(f) > 0 {
		s.rec.Flashes = nil
		s.dirty = true
	}
	return f
}

// commit writes the session's changes to the store and sets or clears the cookie. It runs
// just before the response header is written and again after the handler returns. w is
// the middleware's writer.
func (s *Session) commit(w *writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded || s.abandoned {
		return // never touched, or the handler panicked: nothing to write
	}
	if !w.wrote && !s.varied {
		// The response depends on the session: shared caches must not serve it to others.
		w.Header().Add("Vary", "Cookie")
		s.varied = true
	}
	if s.err != nil {
		return // unavailable: never overwrite the stored session
	}
	m := s.m
	// The request's context may be canceled by now (the client left); the save must still
	// happen, bounded by its own deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.req.Context()), 10*time.Second)
	defer cancel()
	empty := len(s.rec.Values) == 0 && len(s.rec.Flashes) == 0
	if empty && s.dirty && s.id != "" {
		// Everything was removed: delete rather than keep an empty session.
		if err := m.store.Delete(ctx, s.id); err != nil {
			m.logger(s.req).Error("session: deleting an emptied session", "err", err)
		}
		s.id, s.cookieOK, s.dirty, s.touch = "", false, false, false
		s.clearCk = s.hadID != ""
	}
	if empty {
		s.dirty = false
	}
	if s.dirty || s.touch {
		s.save(ctx, w)
	}
	// Old IDs go after the new one is saved: a failed save leaves the client's session as
	// it was rather than losing it.
	for _, id := range s.stale {
		if err := m.store.Delete(ctx, id); err != nil {
			m.logger(s.req).Error("session: deleting an old session", "err", err)
		}
	}
	s.stale = nil
	if s.clearCk && s.id == "" && !w.wrote {
		http.SetCookie(w.ResponseWriter, m.cookie(s.req, "", time.Time{}))
		s.clearCk = false
	}
}

// save stores the session and sends its cookie. The caller holds mu.
func (s *Session) save(ctx context.Context, w *writer) {
	m := s.m
	now := m.cfg.Now()
	if s.id == "" {
		s.id = newID()
		s.cookieOK = false
	}
	if s.rec.Created == 0 {
		s.rec.Created = now.UnixNano()
	}
	s.rec.Saved = now.UnixNano()
	data, err := json.Marshal(s.rec)
	if err == nil && len(data) > m.cfg.MaxSize {
		err = fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), m.cfg.MaxSize)
	}
	expires := now.Add(m.cfg.IdleTimeout)
	if abs := time.Unix(0, s.rec.Created).Add(m.cfg.AbsoluteTimeout); abs.Before(expires) {
		expires = abs
	}
	if err == nil {
		err = m.store.Save(ctx, s.id, data, expires)
	}
	if err != nil {
		m.logger(s.req).Error("session: saving", "err", err)
		return
	}
	s.size = len(data)
	s.dirty, s.touch = false, false
	if w.wrote {
		if !s.cookieOK {
			m.logger(s.req).Warn("session: the response was sent before the session got its cookie; write the session before the response")
		}
		return
	}
	http.SetCookie(w.ResponseWriter, m.cookie(s.req, s.id, expires))
	s.cookieOK, s.clearCk = true, false
}
