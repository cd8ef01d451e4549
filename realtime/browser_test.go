package realtime_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sinewdev/sinew/pubsub/memory"
	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/web"
)

const chromiumPath = "/usr/bin/chromium"

// testPage loads the hub's JavaScript client and records what a subscription receives.
const testPage = `<!doctype html><meta charset="utf-8"><title>rt</title>
<script src="/rt/client.js"></script>
<script>
var transport = new URLSearchParams(location.search).get("t");
window.got = []; window.members = []; window.opens = 0; window.closes = [];
var rt = new SinewRealtime({url: "/rt", transport: transport, minDelay: 100, maxDelay: 400});
rt.on("open", function () { window.opens++; });
rt.on("close", function (info) { window.closes.push(info.code || 0); });
var sub = rt.subscribe("room.b", {history: true});
sub.on("n", function (d) { window.got.push(d); });
sub.onPresence(function (ms) { window.members = ms.map(function (m) { return m.id; }); });
window.got2 = [];
rt.subscribe("public.b2").on("n", function (d) { window.got2.push(d); }); // same connection
</script>`

// instance is one hub serving the test page on a fixed loopback address.
type instance struct {
	hub *realtime.Hub
	srv *http.Server
}

func startPageInstance(t *testing.T, addr string, broker *memory.Broker) (*instance, string) {
	t.Helper()
	hub, err := realtime.New(context.Background(), realtime.Config{
		Broker: broker,
		Authenticate: func(*web.Ctx) (realtime.Identity, error) {
			return realtime.Identity{ID: "page", Name: "Page"}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defaultChannels(hub)
	r := web.NewRouter(web.Config{})
	hub.Mount(r, "/rt")
	r.GET("/page", func(c *web.Ctx) error { return c.HTML(http.StatusOK, testPage) })
	var ln net.Listener
	for range 50 { // the previous instance's port may take a moment to free
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: r}
	go func() { _ = srv.Serve(ln) }()
	in := &instance{hub: hub, srv: srv}
	t.Cleanup(func() { in.stop(t) })
	return in, ln.Addr().String()
}

func (in *instance) stop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := in.hub.Close(ctx); err != nil {
		t.Errorf("hub.Close: %v", err)
	}
	// Close, not Shutdown: Chromium's preconnected sockets would hold Shutdown 5 seconds.
	_ = in.srv.Close()
}

// TestJavaScriptClient runs the served client in headless Chromium over both transports:
// history on subscribing, live events, presence, and, after the server restarts (closing
// with "going away"), reconnection with backoff and resubscription that resumes from what
// the new instance's history holds.
func TestJavaScriptClient(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is missing (apt-get install chromium)", chromiumPath)
		}
		t.Skipf("%s is missing: apt-get install chromium to run the browser test", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}

	for _, transport := range []string{"ws", "sse"} {
		t.Run(transport, func(t *testing.T) {
			broker := memory.New(memory.Config{})
			t.Cleanup(func() { _ = broker.Close() }) // after the hubs' cleanups
			first, addr := startPageInstance(t, "127.0.0.1:0", broker)
			publish(t, first.hub, "room.b", "n", 1) // history, replayed on subscribing

			tab, cancel := chromedp.NewContext(browser)
			defer cancel()
			wait := func(what, expr string) {
				t.Helper()
				if _, err := chromedp.Run(tab, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
					state, _ := chromedp.Run(tab, chromedp.Evaluate[string](`JSON.stringify({got: window.got, members: window.members, opens: window.opens, closes: window.closes})`))
					t.Fatalf("waiting for %s: %v; page state %s", what, err, state)
				}
			}
			if err := chromedp.Do(tab, chromedp.Navigate("http://"+addr+"/page?t="+transport)); err != nil {
				t.Fatal(err)
			}
			wait("history", `window.got.join() === "1"`)
			wait("presence", `window.members.join() === "page"`)
			publish(t, first.hub, "room.b", "n", 2)
			publish(t, first.hub, "room.b", "n", 3)
			wait("live events", `window.got.join() === "1,2,3"`)
			publish(t, first.hub, "public.b2", "n", 9)
			wait("a second channel on the same connection", `window.got2.join() === "9"`)
			if got := first.hub.Stats().Connections; got != 1 {
				t.Fatalf("%d connections for one page", got)
			}

			// Restart: the client is told to go away, reconnects to the new instance on the
			// same address, and resubscribes; the new instance's history fills the gap.
			first.stop(t)
			second, _ := startPageInstance(t, addr, broker)
			publish(t, second.hub, "room.b", "n", 4)
			publish(t, second.hub, "room.b", "n", 5)
			wait("events after the restart, once each", `window.got.join() === "1,2,3,4,5" && window.opens >= 2`)
			if transport == "ws" {
				wait("a going-away close", `window.closes[0] === 1001`)
			}
		})
	}
}
