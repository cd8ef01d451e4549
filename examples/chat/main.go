// Command chat is a small real-time chat on Sinew's public APIs: rooms, a presence list,
// typing indicators and a message history stored in the database. Run it with
// `go run ./examples/chat`; set SINEW_BROKER_URL (PostgreSQL, NATS or Redis) and a shared
// DATABASE_URL to run several instances behind a load balancer.
package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/examples/chat/migrations"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/pubsub/brokerurl"
	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

//go:embed templates static
var files embed.FS

// rooms are the chat rooms; a real app would keep them in a table.
var rooms = []string{"lobby", "go", "random"}

const (
	nameKey    = "chat_name" // the session key of the nickname
	maxName    = 32
	maxText    = 2000
	historyLen = 50
)

func main() {
	app := sinew.New()
	if err := setup(context.Background(), app, os.Getenv("SINEW_BROKER_URL")); err != nil {
		app.Logger().Error("chat: " + err.Error())
		os.Exit(1)
	}
	app.Run()
}

// validName reports whether s is an acceptable nickname: 1 to 32 letters, digits, '-' or '_'.
func validName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > maxName || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// nickname returns the nickname kept in the request's session, "" when it has none.
func nickname(c *web.Ctx) string {
	s := session.From(c)
	if s == nil {
		return ""
	}
	name, _ := s.Get(nameKey).(string)
	if !validName(name) {
		return ""
	}
	return name
}

// setup wires the chat into app: models, migrations, templates, the realtime hub on the
// broker named by brokerURL ("" for the in-process one) and the routes. Tests call it on
// apps of their own.
func setup(ctx context.Context, app *sinew.App, brokerURL string) error {
	tmplFS, _ := fs.Sub(files, "templates")
	staticFS, _ := fs.Sub(files, "static")
	engine, err := view.New(tmplFS, view.Config{CSRFToken: session.CSRFToken})
	if err != nil {
		return err
	}
	app.SetRenderer(engine)
	app.Models(Message{})
	app.Migrations(migrations.All)

	broker, err := brokerurl.Open(ctx, brokerURL)
	if err != nil {
		return err
	}
	app.OnStop(func(context.Context) error { return broker.Close() })
	hub, err := realtime.New(ctx, realtime.Config{
		Broker: broker,
		// Connections are identified by the nickname in the session; with package auth's
		// login, the default (c.User()) does this.
		Authenticate: func(c *web.Ctx) (realtime.Identity, error) {
			name := nickname(c)
			return realtime.Identity{ID: name, Name: name}, nil
		},
	})
	if err != nil {
		return err
	}
	hub.Attach(app) // closes with "going away" on shutdown, before the broker closes
	hub.Mount(app, "/realtime")
	hub.Channel("chat.*", realtime.Channel{
		Presence: true,
		History:  historyLen,
		Authorize: func(_ context.Context, who realtime.Identity, channel string) error {
			if who.ID == "" {
				return errors.New("choose a nickname first")
			}
			if !slices.Contains(rooms, strings.TrimPrefix(channel, "chat.")) {
				return errors.New("no such room")
			}
			return nil
		},
		// Clients publish only typing indicators; messages go through POST so that they are
		// stored before anyone sees them.
		Receive: func(ctx context.Context, m realtime.Message) error {
			if m.Event != "typing" {
				return errors.New("only typing events may be sent here")
			}
			return hub.Publish(ctx, m.Channel, "typing", map[string]string{"name": m.From.Name})
		},
	})

	app.GET("/", func(c *web.Ctx) error {
		return c.Render(http.StatusOK, "index.html", map[string]any{"Name": nickname(c), "Rooms": rooms})
	}).Name("home")

	app.POST("/login", func(c *web.Ctx) error {
		name := strings.TrimSpace(c.FormValue("name"))
		if !validName(name) {
			return c.Render(http.StatusBadRequest, "index.html", map[string]any{
				"Rooms": rooms, "Error": "A nickname is 1 to 32 letters, digits, - or _.",
			})
		}
		s := session.From(c)
		if s == nil {
			return errors.New("chat: the app has no sessions")
		}
		if err := s.Renew(); err != nil { // a new session ID at every login
			return err
		}
		if err := s.Set(nameKey, name); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/")
	})

	room := func(c *web.Ctx) (string, error) {
		r := c.Param("room")
		if !slices.Contains(rooms, r) {
			return "", web.Error(http.StatusNotFound, "no such room")
		}
		return r, nil
	}

	app.GET("/rooms/{room}", func(c *web.Ctx) error {
		r, err := room(c)
		if err != nil {
			return err
		}
		name := nickname(c)
		if name == "" {
			return c.Redirect(http.StatusSeeOther, "/")
		}
		msgs, err := recent(c, r, 0)
		if err != nil {
			return err
		}
		var last int64
		if len(msgs) > 0 {
			last = msgs[len(msgs)-1].ID
		}
		return c.Render(http.StatusOK, "room.html", map[string]any{
			"Room": r, "Rooms": rooms, "Name": name, "Messages": msgs, "Last": last, "CSRFToken": session.CSRFToken(c),
		})
	}).Name("room")

	// The messages after an id, for a page that (re)subscribed and fills its gap.
	app.GET("/rooms/{room}/messages", func(c *web.Ctx) error {
		r, err := room(c)
		if err != nil {
			return err
		}
		after, err := strconv.ParseInt(c.Query("after"), 10, 64)
		if err != nil || after < 0 {
			return web.Error(http.StatusBadRequest, "after must be a message id")
		}
		msgs, err := recent(c, r, after)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, msgs)
	})

	app.POST("/rooms/{room}/messages", func(c *web.Ctx) error {
		r, err := room(c)
		if err != nil {
			return err
		}
		name := nickname(c)
		if name == "" {
			return web.Error(http.StatusUnauthorized, "choose a nickname first")
		}
		var in struct {
			Text string `json:"text"`
		}
		if err := c.BindJSON(&in); err != nil {
			return err
		}
		in.Text = strings.TrimSpace(in.Text)
		if in.Text == "" || utf8.RuneCountInString(in.Text) > maxText || !utf8.ValidString(in.Text) {
			return web.Error(http.StatusBadRequest, "a message is 1 to 2000 characters of text")
		}
		m := &Message{Room: r, Author: name, Text: in.Text}
		if err := orm.Create(c, m); err != nil {
			return err
		}
		data, _ := json.Marshal(m)
		if err := hub.Publish(c, "chat."+r, "message", json.RawMessage(data)); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, m)
	})

	app.Handle("GET /static/{path...}", web.Static(staticFS, web.StaticConfig{}))
	return nil
}

// recent returns a room's last historyLen messages after the id after, oldest first.
func recent(ctx context.Context, room string, after int64) ([]Message, error) {
	msgs, err := orm.Q[Message](ctx).Filter("room", room).Where("id > ?", after).OrderBy("-id").Limit(historyLen).All()
	if err != nil {
		return nil, err
	}
	slices.Reverse(msgs)
	return msgs, nil
}
