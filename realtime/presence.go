package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/sinewdev/sinew/pubsub"
)

// Presence is shared between instances over the broker itself, with no store of its own:
// every instance (node) publishes on one presence channel
//
//   - "join" and "leave" when a user's first connection on that node joins a channel, or
//     its last one leaves;
//   - "snap": its whole local presence, every PresenceInterval, in chunks that fit the
//     smallest broker payload limit (PostgreSQL's);
//   - "sync" when it starts, which makes every other node send a snapshot at once;
//   - "bye" when it closes.
//
// Each node keeps, per channel and member, the set of nodes the member is connected
// through, with an expiry for remote nodes (three intervals after their last join or
// snapshot). A member is present while that set is not empty; the moment it becomes
// non-empty or empty, the node sends sinew:join or sinew:leave to its local subscribers.
// A lost leave (the broker delivers at most once) or a crashed node therefore costs at most
// three intervals of stale presence, never a permanently wrong list.

const presenceChunk = 4000 // bytes of members per snapshot message

type presenceMsg struct {
	Type  string      `json:"t"`
	Node  string      `json:"n"`
	Chan  string      `json:"c,omitempty"`
	Who   *Identity   `json:"m,omitempty"`
	Snaps []snapEntry `json:"s,omitempty"`
}

type snapEntry struct {
	Chan    string     `json:"c"`
	Members []Identity `json:"m"`
}

type member struct {
	who   Identity
	nodes map[string]time.Time // node -> expiry (zero for this node: never)
}

type presence struct {
	hub *Hub
	mu  sync.Mutex
	// local counts this node's connections per channel and member ID.
	local map[string]map[string]*localMember
	// view is the cluster-wide presence: channel -> member ID -> member.
	view map[string]map[string]*member
}

type localMember struct {
	who   Identity
	conns int
}

func newPresence(h *Hub) *presence {
	return &presence{hub: h, local: make(map[string]map[string]*localMember), view: make(map[string]map[string]*member)}
}

func (p *presence) expiry() time.Time {
	return time.Now().Add(3 * p.hub.cfg.PresenceInterval)
}

// members returns the present identities of channel, sorted by ID.
func (p *presence) members(channel string) []Identity {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.membersLocked(channel)
}

func (p *presence) membersLocked(channel string) []Identity {
	ms := p.view[channel]
	out := make([]Identity, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.who)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// localJoinLocked records a local connection of who on channel; p.mu is held.
func (p *presence) localJoinLocked(channel string, who Identity) {
	lm := p.local[channel]
	if lm == nil {
		lm = make(map[string]*localMember)
		p.local[channel] = lm
	}
	if m := lm[who.ID]; m != nil {
		m.conns++
		return
	}
	lm[who.ID] = &localMember{who: who, conns: 1}
	p.applyLocked(p.hub.node, "join", channel, who, time.Time{})
	p.publish(presenceMsg{Type: "join", Node: p.hub.node, Chan: channel, Who: &who})
}

func (p *presence) localLeave(channel string, who Identity) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lm := p.local[channel]
	m := lm[who.ID]
	if m == nil {
		return
	}
	if m.conns--; m.conns > 0 {
		return
	}
	delete(lm, who.ID)
	if len(lm) == 0 {
		delete(p.local, channel)
	}
	p.applyLocked(p.hub.node, "leave", channel, who, time.Time{})
	p.publish(presenceMsg{Type: "leave", Node: p.hub.node, Chan: channel, Who: &who})
}

// applyLocked records that node has (join) or no longer has (leave) who on channel, and
// tells local subscribers when the member appears or disappears; p.mu is held.
func (p *presence) applyLocked(node, op, channel string, who Identity, exp time.Time) {
	ms := p.view[channel]
	switch op {
	case "join":
		if ms == nil {
			ms = make(map[string]*member)
			p.view[channel] = ms
		}
		m := ms[who.ID]
		if m == nil {
			m = &member{who: who, nodes: make(map[string]time.Time, 1)}
			ms[who.ID] = m
			m.nodes[node] = exp
			p.announce(channel, "sinew:join", who)
			return
		}
		m.nodes[node] = exp
	case "leave":
		m := ms[who.ID]
		if m == nil {
			return
		}
		if _, ok := m.nodes[node]; !ok {
			return
		}
		delete(m.nodes, node)
		if len(m.nodes) == 0 {
			delete(ms, who.ID)
			if len(ms) == 0 {
				delete(p.view, channel)
			}
			p.announce(channel, "sinew:leave", m.who)
		}
	}
}

func (p *presence) announce(channel, event string, who Identity) {
	data, _ := json.Marshal(who)
	p.hub.deliverLocal(channel, event, data)
}

// publish sends a presence message to the other nodes; failures only delay presence
// until the next snapshot, so they are logged, not returned.
func (p *presence) publish(m presenceMsg) {
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(p.hub.ctx, p.hub.cfg.WriteTimeout)
	defer cancel()
	if err := p.hub.broker.Publish(ctx, p.hub.presCh, b); err != nil && p.hub.ctx.Err() == nil {
		p.hub.cfg.Logger.Warn("realtime: publishing presence", "err", err)
	}
}

// loop applies the other nodes' presence messages.
func (p *presence) loop(sub pubsub.Subscription) {
	defer p.hub.wg.Done()
	defer func() { _ = sub.Close() }()
	for {
		m, err := sub.Next(p.hub.ctx)
		if err != nil {
			if p.hub.ctx.Err() != nil || errors.Is(err, pubsub.ErrClosed) {
				return
			}
			// Fell behind: resubscribe, and ask for snapshots to repair the gap.
			for p.hub.ctx.Err() == nil {
				ctx, cancel := context.WithTimeout(p.hub.ctx, 10*time.Second)
				s, err := p.hub.broker.Subscribe(ctx, p.hub.presCh)
				cancel()
				if err == nil {
					_ = sub.Close()
					sub = s
					p.requestSync(p.hub.ctx)
					break
				}
				select {
				case <-p.hub.ctx.Done():
				case <-time.After(time.Second):
				}
			}
			continue
		}
		var pm presenceMsg
		if json.Unmarshal(m.Payload, &pm) != nil || pm.Node == "" || pm.Node == p.hub.node {
			continue
		}
		p.handle(pm)
	}
}

func (p *presence) handle(pm presenceMsg) {
	switch pm.Type {
	case "join", "leave":
		if pm.Who == nil || pm.Who.ID == "" || validChannel(pm.Chan) != nil {
			return
		}
		p.mu.Lock()
		p.applyLocked(pm.Node, pm.Type, pm.Chan, *pm.Who, p.expiry())
		p.mu.Unlock()
	case "snap":
		exp := p.expiry()
		p.mu.Lock()
		for _, s := range pm.Snaps {
			if validChannel(s.Chan) != nil {
				continue
			}
			for _, who := range s.Members {
				if who.ID != "" {
					p.applyLocked(pm.Node, "join", s.Chan, who, exp)
				}
			}
		}
		p.mu.Unlock()
	case "bye":
		p.mu.Lock()
		p.dropNodeLocked(pm.Node, time.Time{})
		p.mu.Unlock()
	case "sync":
		p.snapshot()
	}
}

// dropNodeLocked removes node's entries (all of them), or, with node empty, every remote
// entry that expired before cutoff; p.mu is held.
func (p *presence) dropNodeLocked(node string, cutoff time.Time) {
	for ch, ms := range p.view {
		for _, m := range ms {
			for n, exp := range m.nodes {
				if n == p.hub.node {
					continue
				}
				if (node != "" && n == node) || (node == "" && exp.Before(cutoff)) {
					p.applyLocked(n, "leave", ch, m.who, time.Time{})
				}
			}
		}
	}
}

// tick republishes this node's presence and expires silent nodes' entries.
func (p *presence) tick() {
	p.mu.Lock()
	p.dropNodeLocked("", time.Now())
	p.mu.Unlock()
	p.snapshot()
}

// snapshot publishes this node's local presence, in chunks under presenceChunk bytes.
func (p *presence) snapshot() {
	p.mu.Lock()
	var msgs []presenceMsg
	cur := presenceMsg{Type: "snap", Node: p.hub.node}
	size := 0
	for ch, lm := range p.local {
		e := snapEntry{Chan: ch}
		size += len(ch) + 16
		for _, m := range lm {
			b, _ := json.Marshal(m.who)
			n := len(b) + 1
			if size+n > presenceChunk && (len(e.Members) > 0 || len(cur.Snaps) > 0) {
				if len(e.Members) > 0 {
					cur.Snaps = append(cur.Snaps, e)
				}
				msgs = append(msgs, cur)
				cur = presenceMsg{Type: "snap", Node: p.hub.node}
				e = snapEntry{Chan: ch}
				size = len(ch) + 16
			}
			e.Members = append(e.Members, m.who)
			size += n
		}
		if len(e.Members) > 0 {
			cur.Snaps = append(cur.Snaps, e)
		}
	}
	if len(cur.Snaps) > 0 {
		msgs = append(msgs, cur)
	}
	p.mu.Unlock()
	for _, m := range msgs {
		p.publish(m)
	}
}

func (p *presence) requestSync(ctx context.Context) {
	b, _ := json.Marshal(presenceMsg{Type: "sync", Node: p.hub.node})
	if err := p.hub.broker.Publish(ctx, p.hub.presCh, b); err != nil {
		p.hub.cfg.Logger.Warn("realtime: requesting presence", "err", err)
	}
}

// bye withdraws this node's presence from the others.
func (p *presence) bye(ctx context.Context) {
	b, _ := json.Marshal(presenceMsg{Type: "bye", Node: p.hub.node})
	_ = p.hub.broker.Publish(ctx, p.hub.presCh, b)
}
