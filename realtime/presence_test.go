package realtime

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/pubsub/memory"
)

// Snapshots of a large presence are split into messages that fit PostgreSQL's payload
// limit, and another instance rebuilds the whole list from them.
func TestPresenceSnapshotChunks(t *testing.T) {
	t.Parallel()
	broker := memory.New(memory.Config{Buffer: 4096})
	t.Cleanup(func() { _ = broker.Close() })
	// A spy on the presence channel records every message's size.
	spy, err := broker.Subscribe(context.Background(), DefaultPrefix+".presence")
	if err != nil {
		t.Fatal(err)
	}
	a := newTestHub(t, Config{Broker: broker})
	b := newTestHub(t, Config{Broker: broker})

	const n = 400
	a.presence.mu.Lock()
	for i := range n {
		name := fmt.Sprintf("user-%03d-%s", i, strings.Repeat("<é>", 20)) // escapes grow in JSON
		a.presence.localJoinLocked("room.big", Identity{ID: name, Name: name})
	}
	a.presence.mu.Unlock()
	a.presence.snapshot()

	deadline := time.Now().Add(5 * time.Second)
	for len(b.Presence("room.big")) != n {
		if time.Now().After(deadline) {
			t.Fatalf("the second hub sees %d of %d members", len(b.Presence("room.big")), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	snaps := 0
	for {
		select {
		case m := <-spy.Messages():
			if len(m.Payload) > 5800 {
				t.Fatalf("a presence message of %d bytes exceeds PostgreSQL's limit", len(m.Payload))
			}
			if strings.Contains(string(m.Payload), `"t":"snap"`) {
				snaps++
			}
			continue
		default:
		}
		break
	}
	if snaps < 2 {
		t.Fatalf("%d snapshot messages: the snapshot was not split", snaps)
	}
}
