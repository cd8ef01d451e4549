package realtime

import (
	"bufio"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
)

// maxCursorLen bounds the Last-Event-ID cursor an event stream resumes from.
const maxCursorLen = 16 << 10

// ServeSSE serves a server-sent event stream subscribed to the channels named in the
// query (?channel=a&channel=b; history=1 replays each channel's history). Every event is
// one SSE message whose data is the [Envelope] and whose id is a cursor of the last event
// id seen per channel; a browser's EventSource sends it back as Last-Event-ID when it
// reconnects (or a client passes it as ?lastEventId=), and the stream resumes from it,
// replaying what the channels' history still holds. A refused channel answers 403 (401 for
// authentication) before the stream starts. Event streams are read-only: clients publish
// through the application's own endpoints.
func (h *Hub) ServeSSE(c *web.Ctx) error {
	who, err := h.authenticate(c)
	if err != nil {
		h.stats.connectionsRefused.Add(1)
		return err
	}
	q := c.QueryValues()
	channels := q["channel"]
	if len(channels) == 0 {
		h.stats.connectionsRefused.Add(1)
		return web.Error(http.StatusBadRequest, "realtime: name at least one channel (?channel=...)")
	}
	if len(channels) > h.cfg.MaxSubscriptions {
		h.stats.connectionsRefused.Add(1)
		return ErrTooManySubscriptions
	}
	raw := c.Header("Last-Event-ID")
	if raw == "" {
		raw = q.Get("lastEventId")
	}
	var cursor url.Values
	if raw != "" {
		if len(raw) > maxCursorLen {
			h.stats.connectionsRefused.Add(1)
			return web.Error(http.StatusBadRequest, "realtime: Last-Event-ID too long")
		}
		cursor, err = url.ParseQuery(raw)
		if err != nil {
			h.stats.connectionsRefused.Add(1)
			return web.Error(http.StatusBadRequest, "realtime: malformed Last-Event-ID")
		}
	}
	history := q.Get("history") == "1" || q.Get("history") == "true"

	cl := newClient(h, who, nil)
	if err := h.register(cl); err != nil {
		h.stats.connectionsRefused.Add(1)
		return err
	}
	defer h.unregister(cl)
	ctx := c.Request.Context()
	// Last id seen per channel; it becomes each message's SSE id.
	last := make(map[string]string, len(channels))
	for _, ch := range channels {
		o := subscribeOpts{history: history}
		if ids, ok := cursor[ch]; ok && len(ids) > 0 {
			since := ids[0]
			o.since = &since
		}
		cur, err := h.subscribe(ctx, cl, ch, o)
		if err != nil {
			return err // nothing has been written yet: a clean 4xx
		}
		last[ch] = cur
	}

	w := c.Writer
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	// no-transform: neither the app's compression middleware nor a proxy may compress or
	// buffer the stream (a compressor per open stream would cost more memory than the
	// stream itself, and buffering proxies delay events).
	hd.Set("Cache-Control", "no-store, no-transform")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(w, 4096)
	_, _ = bw.WriteString("retry: 2000\n\n")
	flush := func() error {
		_ = rc.SetWriteDeadline(time.Now().Add(h.cfg.WriteTimeout))
		if err := bw.Flush(); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := flush(); err != nil {
		return nil
	}

	ping := time.NewTicker(h.cfg.PingInterval)
	defer ping.Stop()
	var sb strings.Builder
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-h.ctx.Done():
			return nil
		case <-ping.C:
			_, _ = bw.WriteString(": ping\n\n")
			if flush() != nil {
				return nil
			}
			continue
		case <-cl.wake:
		}
		if dead, code, reason := cl.closed(); dead {
			if code == closeGoingAway {
				_, _ = bw.WriteString(`data: {"channel":"","event":"sinew:goaway","data":{"reason":`)
				_, _ = bw.Write(appendJSONString(nil, reason))
				_, _ = bw.WriteString("}}\n\n")
				_ = flush()
			}
			return nil
		}
		batch := cl.take()
		for _, m := range batch {
			if m.id != "" {
				if _, ok := last[m.channel]; ok {
					last[m.channel] = m.id
				}
				sb.Reset()
				first := true
				for ch, id := range last {
					if !first {
						sb.WriteByte('&')
					}
					first = false
					sb.WriteString(url.QueryEscape(ch))
					sb.WriteByte('=')
					sb.WriteString(url.QueryEscape(id))
				}
				_, _ = bw.WriteString("id: ")
				_, _ = bw.WriteString(sb.String())
				_ = bw.WriteByte('\n')
			}
			_, _ = bw.WriteString("data: ")
			_, _ = bw.Write(m.data)
			_, _ = bw.WriteString("\n\n")
		}
		cl.recycle(batch)
		if flush() != nil {
			return nil
		}
	}
}
