package realtime_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/coder/websocket"

	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/web"
)

// A hub with one public channel family, mounted on a router; a WebSocket client
// subscribes and receives what the application publishes.
func ExampleHub() {
	ctx := context.Background()
	hub, err := realtime.New(ctx, realtime.Config{}) // in-process broker
	if err != nil {
		panic(err)
	}
	defer hub.Close(ctx)
	hub.Channel("news.*", realtime.Channel{History: 20})

	r := web.NewRouter(web.Config{})
	hub.Mount(r, "/realtime") // /realtime/ws, /realtime/events, /realtime/client.js
	srv := httptest.NewServer(r)
	defer srv.Close()

	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/realtime/ws?channel=news.world", nil)
	if err != nil {
		panic(err)
	}
	defer conn.CloseNow()
	_, ack, _ := conn.Read(ctx) // sinew:subscribed

	if err := hub.Publish(ctx, "news.world", "headline", map[string]string{"title": "Hello"}); err != nil {
		panic(err)
	}
	_, msg, _ := conn.Read(ctx)
	fmt.Println(strings.Contains(string(ack), `"event":"sinew:subscribed"`))
	fmt.Println(string(msg[:strings.Index(string(msg), `,"id"`)]) + "}")
	// Output:
	// true
	// {"channel":"news.world","event":"headline","data":{"title":"Hello"}}
}
