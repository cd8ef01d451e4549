package realtime_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/web"
)

// permUser grants the permissions it lists.
type permUser struct{ perms []string }

func (u permUser) HasPerm(_ context.Context, codename string) (bool, error) {
	for _, p := range u.perms {
		if p == codename {
			return true, nil
		}
	}
	return false, nil
}

func TestModelEvents(t *testing.T) {
	t.Parallel()
	var hub *realtime.Hub
	s := newServer(t, realtime.Config{Authenticate: func(c *web.Ctx) (realtime.Identity, error) {
		switch c.Header("X-User") {
		case "viewer":
			return realtime.Identity{ID: "viewer", User: permUser{[]string{"view_post"}}}, nil
		case "other":
			return realtime.Identity{ID: "other", User: permUser{[]string{"view_author"}}}, nil
		}
		return realtime.Identity{}, nil
	}}, func(h *realtime.Hub) {
		hub = h
		h.ModelChannels("post")
	})
	viewer := s.dial(t, "viewer", "")
	viewer.subscribe("model.post", nil)
	viewer.subscribe("model.post.7", nil)
	for _, who := range []string{"other", ""} {
		c := s.dial(t, who, "")
		for _, ch := range []string{"model.post", "model.post.7"} {
			c.send(map[string]string{"type": "subscribe", "channel": ch})
			if env := c.expect(ch, "sinew:error"); !strings.Contains(string(env.Data), "view_post") && !strings.Contains(string(env.Data), "log in") {
				t.Fatalf("%q joining %s: %s", who, ch, env.Data)
			}
		}
	}

	// A hook reaches the hub through its context.
	r := web.NewRouter(web.Config{})
	r.SetValue(realtime.ContextValue(hub))
	r.POST("/posts/7", func(c *web.Ctx) error {
		if err := realtime.FromContext(c).PublishModel(c, "post", "updated", 7, map[string]string{"title": "New"}); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, mustRequest(t, "POST", "/posts/7"))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("hook: %d", rec.Code)
	}
	for _, ch := range []string{"model.post", "model.post.7"} {
		env := viewer.expect(ch, "updated")
		var ev realtime.ModelEvent
		if err := json.Unmarshal(env.Data, &ev); err != nil || ev.ID != "7" || ev.Action != "updated" || ev.Model != "post" {
			t.Fatalf("%s: %s (%v)", ch, env.Data, err)
		}
	}
	if err := hub.PublishModel(context.Background(), "post", "exploded", 1, nil); err == nil {
		t.Fatal("an unknown action was published")
	}
	var none *realtime.Hub
	if err := none.PublishModel(context.Background(), "post", "created", 1, nil); err != nil || realtime.FromContext(context.Background()) != nil {
		t.Fatal("a missing hub is not a no-op")
	}
}

func mustRequest(t *testing.T, method, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
