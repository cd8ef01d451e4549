package main

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// livePost is what the live page shows of a post, and what the hub sends when one is added.
type livePost struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Author string `json:"author"`
}

// realtimeDemo registers /live: the latest posts, kept up to date over a server-sent event
// stream from the realtime hub (mounted under /realtime), with a form that adds a post and
// broadcasts it to every open page. The chat example (go run ./examples/chat) shows the
// WebSocket side: presence, typing indicators, several instances.
func realtimeDemo(app *sinew.App) error {
	hub, err := realtime.New(context.Background(), realtime.Config{}) // SINEW_BROKER_URL would go here
	if err != nil {
		return err
	}
	hub.Attach(app)
	hub.Mount(app, "/realtime")
	hub.Channel("showcase.posts", realtime.Channel{History: 20})

	app.GET("/live", func(c *web.Ctx) error {
		posts, err := orm.Q[Post](c).Filter("published", true).OrderBy("-created_at", "-id").Prefetch("Author").Limit(10).All()
		if err != nil {
			return err
		}
		rows := make([]livePost, len(posts))
		for i, p := range posts {
			rows[i] = livePost{ID: p.ID, Title: p.Title}
			if p.Author != nil {
				rows[i].Author = p.Author.Name
			}
		}
		return c.Render(http.StatusOK, "realtime/index.html", map[string]any{
			"Posts": rows, "CSRFToken": session.CSRFToken(c), "Stats": hub.Stats(),
		})
	}).Name("live")

	app.POST("/live/posts", func(c *web.Ctx) error {
		title := strings.TrimSpace(c.FormValue("title"))
		if title == "" || utf8.RuneCountInString(title) > 200 {
			return web.Error(http.StatusBadRequest, "a title is 1 to 200 characters")
		}
		author, err := orm.Q[Author](c).OrderBy("id").First()
		if err != nil {
			return err
		}
		p := &Post{Title: title, Body: "Posted from the live page.", Published: true, AuthorID: author.ID}
		if err := orm.Create(c, p); err != nil {
			return err
		}
		live := livePost{ID: p.ID, Title: p.Title, Author: author.Name}
		if err := hub.Publish(c, "showcase.posts", "created", live); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, live)
	})

	app.GET("/live/live.js", func(c *web.Ctx) error {
		c.SetHeader("Cache-Control", "no-cache")
		return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", []byte(liveJS))
	})
	return nil
}

// liveJS is the page's script (served from the site's origin: the default
// Content-Security-Policy allows no inline scripts).
const liveJS = `(function () {
  "use strict";
  var list = document.getElementById("live-posts");
  var status = document.getElementById("live-status");
  var rt = new SinewRealtime({ url: "/realtime", transport: "sse" });
  rt.on("open", function () { status.textContent = "live"; });
  rt.on("close", function () { status.textContent = "reconnecting…"; });
  rt.subscribe("showcase.posts").on("created", function (p) {
    if (document.getElementById("post-" + p.id)) return;
    var li = document.createElement("li");
    li.id = "post-" + p.id;
    var a = document.createElement("a");
    a.href = "/posts/" + p.id;
    a.textContent = p.title;
    li.append(a, " by " + p.author);
    list.prepend(li);
  });
  var form = document.getElementById("live-form");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    fetch("/live/posts", { method: "POST", body: new FormData(form) }).then(function (r) {
      if (r.ok) form.reset();
    });
  });
})();
`
