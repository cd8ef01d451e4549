package realtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/sinewdev/sinew/web"
)

// maxIdentityLen bounds Identity.ID and Identity.Name, which travel in presence messages.
const maxIdentityLen = 256

// maxMalformed is how many malformed messages in a row a WebSocket may send before it is
// closed with CloseProtocolError.
const maxMalformed = 16

// command is what a client sends over a WebSocket.
type command struct {
	Type    string          `json:"type"` // subscribe, unsubscribe, publish
	Channel string          `json:"channel"`
	Since   *string         `json:"since,omitempty"`
	History bool            `json:"history,omitempty"`
	Event   string          `json:"event,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	Ref     string          `json:"ref,omitempty"`
}

// userIdentity is the default Config.Authenticate: the identity of c.User().
func userIdentity(c *web.Ctx) (Identity, error) {
	who, err := identityOf(c.User())
	if who.ID != "" {
		who.User = c.User()
	}
	return who, err
}

func identityOf(user any) (Identity, error) {
	switch u := user.(type) {
	case nil:
		return Identity{}, nil
	case Identifier:
		return u.RealtimeIdentity(), nil
	case interface{ GetID() int64 }:
		return Identity{ID: strconv.FormatInt(u.GetID(), 10)}, nil
	case fmt.Stringer:
		s := u.String()
		return Identity{ID: s, Name: s}, nil
	default:
		return modelIdentity(u), nil
	}
}

// modelIdentity reads the ID and Name (or Email) fields of a user model such as
// *auth.User, once per connection.
func modelIdentity(u any) Identity {
	v := reflect.ValueOf(u)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return Identity{}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return Identity{}
	}
	var who Identity
	switch id := v.FieldByName("ID"); {
	case !id.IsValid():
		return Identity{}
	case id.CanInt():
		if id.Int() == 0 {
			return Identity{}
		}
		who.ID = strconv.FormatInt(id.Int(), 10)
	case id.Kind() == reflect.String:
		who.ID = id.String()
	default:
		return Identity{}
	}
	for _, name := range []string{"Name", "Username", "Email"} {
		if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
			who.Name = f.String()
			break
		}
	}
	return who
}

// authenticate runs Config.Authenticate and checks the identity's size.
func (h *Hub) authenticate(c *web.Ctx) (Identity, error) {
	if h.draining.Load() {
		return Identity{}, ErrShuttingDown
	}
	who, err := h.cfg.Authenticate(c)
	if err != nil {
		var sc interface{ StatusCode() int }
		if errors.As(err, &sc) {
			return Identity{}, err
		}
		return Identity{}, wrapStatus(ErrUnauthorized, err)
	}
	if len(who.ID) > maxIdentityLen || len(who.Name) > maxIdentityLen || !utf8.ValidString(who.ID) || !utf8.ValidString(who.Name) {
		return Identity{}, wrapStatus(ErrUnauthorized, errors.New("identity too long or not UTF-8"))
	}
	return who, nil
}

// ServeWS upgrades the request to a WebSocket (after authentication and the origin check)
// and serves it until either side closes. Clients send JSON commands:
//
//	{"type":"subscribe","channel":"chat.lobby","history":true}
//	{"type":"subscribe","channel":"chat.lobby","since":"<last id seen>"}
//	{"type":"unsubscribe","channel":"chat.lobby"}
//	{"type":"publish","channel":"chat.lobby","event":"typing","data":{...}}
//
// each with an optional "ref" echoed in the reply, and receive [Envelope]s. Channels named
// in the query (?channel=a&channel=b) are subscribed on connecting.
func (h *Hub) ServeWS(c *web.Ctx) error {
	who, err := h.authenticate(c)
	if err != nil {
		h.stats.connectionsRefused.Add(1)
		return err
	}
	var cl *client
	conn, err := websocket.Accept(smallBuffers{c.Writer}, c.Request, &websocket.AcceptOptions{
		OriginPatterns: h.cfg.OriginPatterns,
		OnPongReceived: func(context.Context, []byte) {
			if cl != nil {
				cl.seen()
			}
		},
	})
	if err != nil {
		// Accept has answered (403 for a foreign origin, 400 or 426 for a bad handshake).
		h.stats.connectionsRefused.Add(1)
		return nil
	}
	conn.SetReadLimit(h.cfg.MaxMessageBytes)
	cl = newClient(h, who, conn)
	if err := h.register(cl); err != nil {
		h.stats.connectionsRefused.Add(1)
		_ = conn.Close(websocket.StatusGoingAway, "server shutting down")
		return nil
	}
	for _, ch := range c.QueryValues()["channel"] {
		if _, err := h.subscribe(h.ctx, cl, ch, subscribeOpts{}); err != nil {
			cl.replyError(ch, "", err)
		}
	}
	// The connection is read by a goroutine of the hub's, and this handler returns: net/http's
	// goroutine, its deeper stack and the request are released, which matters with tens of
	// thousands of idle connections.
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer h.unregister(cl)
		h.readLoop(cl, conn)
	}()
	return nil
}

// readLoop reads a WebSocket's commands until the connection ends.
func (h *Hub) readLoop(cl *client, conn *websocket.Conn) {
	malformed := 0
	for {
		// No deadline here (the hub's heartbeat finds dead peers), and a context without
		// Done spares coder/websocket a cancellation hook per read.
		typ, data, err := conn.Read(context.Background())
		if err != nil {
			// The client closed, went away or broke the protocol (coder/websocket has
			// answered an oversized frame with 1009), or answered our close frame: either
			// way the handshake is over, so the TCP connection can go now rather than when
			// a Close in progress times out waiting for the client to drop it first.
			_ = conn.CloseNow()
			return
		}
		cl.seen()
		h.stats.received.Add(1)
		if typ != websocket.MessageText {
			cl.kill(int(websocket.StatusUnsupportedData), "binary messages are not supported")
			continue
		}
		// Commands run on a goroutine of their own, one at a time: JSON decoding and the
		// application's Authorize and Receive functions would otherwise grow this
		// goroutine's stack, which every idle connection keeps.
		done := make(chan error, 1)
		go func() { done <- h.handleCommand(h.ctx, cl, data) }()
		if err := <-done; err != nil {
			malformed++
			if malformed > maxMalformed {
				cl.kill(CloseProtocolError, "too many malformed messages")
			}
			continue
		}
		malformed = 0
	}
}

// Buffer sizes of an upgraded connection. Clients send small commands and the hub writes
// envelopes of a few hundred bytes; larger frames bypass the buffers.
const (
	wsReadBuffer  = 512
	wsWriteBuffer = 1024
)

// smallBuffers hands coder/websocket the hijacked connection with smaller buffers than
// net/http's 4 KiB reader and writer, keeping any bytes the client sent ahead.
type smallBuffers struct {
	http.ResponseWriter
}

func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	// Frames the client sent right after its handshake may already be in net/http's
	// reader: they must be in the new reader's buffer (coder/websocket keeps what is
	// buffered and reads the connection directly afterwards).
	n := brw.Reader.Buffered()
	b, _ := brw.Reader.Peek(n)
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(b)), conn), max(wsReadBuffer, n))
	if n > 0 {
		if _, err := br.Peek(n); err != nil {
			_ = conn.Close()
			return nil, nil, err
		}
	}
	return conn, bufio.NewReadWriter(br, bufio.NewWriterSize(conn, wsWriteBuffer)), nil
}

// handleCommand runs one client command; it returns an error only for malformed input
// (which it has answered with sinew:error).
func (h *Hub) handleCommand(ctx context.Context, cl *client, data []byte) error {
	var cmd command
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cmd); err != nil {
		err = fmt.Errorf("realtime: malformed message: %w", err)
		cl.replyError("", "", err)
		return err
	}
	if len(cmd.Ref) > 64 {
		cmd.Ref = cmd.Ref[:64]
	}
	switch cmd.Type {
	case "subscribe":
		if _, err := h.subscribe(ctx, cl, cmd.Channel, subscribeOpts{since: cmd.Since, history: cmd.History, ref: cmd.Ref}); err != nil {
			cl.replyError(cmd.Channel, cmd.Ref, err)
		}
	case "unsubscribe":
		if err := validChannel(cmd.Channel); err != nil {
			cl.replyError(cmd.Channel, cmd.Ref, err)
			return nil
		}
		h.unsubscribe(cl, cmd.Channel)
		cl.reply(cmd.Channel, "sinew:unsubscribed", map[string]string{"ref": cmd.Ref})
	case "publish":
		if err := h.receive(ctx, cl, cmd); err != nil {
			cl.replyError(cmd.Channel, cmd.Ref, err)
		} else if cmd.Ref != "" {
			cl.reply(cmd.Channel, "sinew:ok", map[string]string{"ref": cmd.Ref})
		}
	default:
		err := fmt.Errorf("realtime: unknown message type %q", cmd.Type)
		cl.replyError(cmd.Channel, cmd.Ref, err)
		return err
	}
	return nil
}

// receive hands a client's event to the channel's Receive function. The client must be
// subscribed to the channel.
func (h *Hub) receive(ctx context.Context, cl *client, cmd command) error {
	if err := validChannel(cmd.Channel); err != nil {
		return err
	}
	if err := validEvent(cmd.Event); err != nil {
		return err
	}
	cl.mu.Lock()
	_, joined := cl.subs[cmd.Channel]
	cl.mu.Unlock()
	if !joined {
		return wrapStatus(ErrForbidden, errors.New("subscribe to the channel before publishing on it"))
	}
	r := h.ruleFor(cmd.Channel)
	if r == nil || r.ch.Receive == nil {
		return ErrReadOnly
	}
	data := cmd.Data
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	return r.ch.Receive(ctx, Message{From: cl.who, Channel: cmd.Channel, Event: cmd.Event, Data: data})
}
