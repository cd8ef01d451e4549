package realtime

// histEntry is one published event kept for catch-up: its id and envelope JSON.
type histEntry struct {
	id   string
	data []byte
}

// history is a ring of the last events of one channel, in the order this instance
// received them from the broker.
type history struct {
	buf   []histEntry
	start int // index of the oldest entry
	n     int
}

func newHistory(size int) *history {
	return &history{buf: make([]histEntry, size)}
}

func (h *history) add(id string, data []byte) {
	if len(h.buf) == 0 {
		return
	}
	if h.n < len(h.buf) {
		h.buf[(h.start+h.n)%len(h.buf)] = histEntry{id, data}
		h.n++
		return
	}
	h.buf[h.start] = histEntry{id, data}
	h.start = (h.start + 1) % len(h.buf)
}

func (h *history) at(i int) histEntry { return h.buf[(h.start+i)%len(h.buf)] }

// lastID is the id of the newest entry, "" when empty.
func (h *history) lastID() string {
	if h.n == 0 {
		return ""
	}
	return h.at(h.n - 1).id
}

// since returns the entries after the one with id, and true; when id is "" or no longer
// held (or never was), it returns every entry, and false unless id is "".
func (h *history) since(id string) ([]histEntry, bool) {
	from := 0
	found := id == ""
	if id != "" {
		for i := h.n - 1; i >= 0; i-- {
			if h.at(i).id == id {
				from, found = i+1, true
				break
			}
		}
	}
	out := make([]histEntry, 0, h.n-from)
	for i := from; i < h.n; i++ {
		out = append(out, h.at(i))
	}
	return out, found
}
