package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"

	"github.com/sinewdev/sinew"
)

// startApp serves the chat on a loopback port and returns its base URL.
func startApp(t *testing.T) string {
	t.Helper()
	return startInstance(t, "")
}

// startInstance serves the chat with the broker at brokerURL ("" for the in-process one).
func startInstance(t *testing.T, brokerURL string) string {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: "test", DataDir: t.TempDir()})
	if err := setup(context.Background(), app, brokerURL); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()
	for range 100 {
		if resp, err := http.Get(base + "/"); err == nil {
			_ = resp.Body.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return base
}

var tokenRE = regexp.MustCompile(`(?:name="csrf_token" value|data-csrf)="([^"]+)"`)

// csrfToken fetches path with c and returns the CSRF token in the page.
func csrfToken(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	m := tokenRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in %s", url)
	}
	return html.UnescapeString(string(m[1]))
}

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login returns an HTTP client holding name's session.
func login(t *testing.T, base, name string) *http.Client {
	t.Helper()
	c := newClient()
	if status := tryLogin(t, c, base, name); status != http.StatusSeeOther {
		t.Fatalf("login %q: %d", name, status)
	}
	return c
}

func tryLogin(t *testing.T, c *http.Client, base, name string) int {
	t.Helper()
	tok := csrfToken(t, c, base+"/")
	resp, err := c.PostForm(base+"/login", url.Values{"name": {name}, "csrf_token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestChatHTTP(t *testing.T) {
	base := startApp(t)
	alice := login(t, base, "alice")
	aliceToken := csrfToken(t, alice, base+"/rooms/lobby")
	anon := newClient()
	anonToken := csrfToken(t, anon, base+"/")

	// A WebSocket of alice's subscribed to the lobby sees what is posted there.
	u, _ := url.Parse(base)
	h := http.Header{"Cookie": {alice.Jar.Cookies(u)[0].String()}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/realtime/ws?channel=chat.lobby", &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	next := func() map[string]any {
		t.Helper()
		_, b, err := ws.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var env map[string]any
		_ = json.Unmarshal(b, &env)
		return env
	}
	if env := next(); env["event"] != "sinew:subscribed" {
		t.Fatalf("got %v", env)
	}

	post := func(c *http.Client, room, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/rooms/"+room+"/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		tok := aliceToken
		if c == anon {
			tok = anonToken
		}
		req.Header.Set("X-CSRF-Token", tok)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name   string
		client *http.Client
		room   string
		body   string
		status int
	}{
		{"posted", alice, "lobby", `{"text":"hello <b>world</b>"}`, 201},
		{"anonymous", anon, "lobby", `{"text":"hi"}`, 401},
		{"unknown room", alice, "nope", `{"text":"hi"}`, 404},
		{"empty", alice, "lobby", `{"text":"   "}`, 400},
		{"too long", alice, "lobby", `{"text":"` + strings.Repeat("x", 2001) + `"}`, 400},
		{"malformed JSON", alice, "lobby", `{"text":`, 400},
		{"wrong type", alice, "lobby", `{"text":5}`, 400},
	}
	for _, tt := range tests {
		if status, body := post(tt.client, tt.room, tt.body); status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, status, body, tt.status)
		}
	}
	env := next()
	if env["event"] != "message" || !strings.Contains(string(mustJSON(env["data"])), `"text":"hello \u003cb\u003eworld\u003c/b\u003e"`) {
		t.Fatalf("event %v", env)
	}

	// The history is stored: the room page renders it escaped, and the gap endpoint serves it.
	resp, err := alice.Get(base + "/rooms/lobby")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !strings.Contains(string(page), "hello &lt;b&gt;world&lt;/b&gt;") {
		t.Fatalf("room page lacks the message:\n%s", page)
	}
	for q, status := range map[string]int{"after=0": 200, "after=x": 400, "after=-1": 400, "": 400} {
		resp, err := alice.Get(base + "/rooms/lobby/messages?" + q)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != status {
			t.Errorf("messages?%s: %d, want %d", q, resp.StatusCode, status)
		}
	}
	// Bad nicknames are refused; anonymous room pages redirect to the login.
	for _, name := range []string{"", "a b", strings.Repeat("n", 33), "<script>", "é"} {
		if status := tryLogin(t, newClient(), base, name); status != http.StatusBadRequest {
			t.Errorf("login %q: %d", name, status)
		}
	}
	resp, err = anon.Get(base + "/rooms/lobby")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous room page: %d", resp.StatusCode)
	}
	// Anonymous WebSockets cannot join rooms, and clients cannot publish messages directly.
	anonWS, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/realtime/ws?channel=chat.lobby", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer anonWS.CloseNow()
	_, b, err := anonWS.Read(ctx)
	if err != nil || !strings.Contains(string(b), "choose a nickname first") {
		t.Fatalf("anonymous subscription: %s %v", b, err)
	}
	_ = ws.Write(ctx, websocket.MessageText, []byte(`{"type":"publish","channel":"chat.lobby","event":"message","data":{"text":"forged"}}`))
	if env := next(); env["event"] != "sinew:error" {
		t.Fatalf("forged message: %v", env)
	}
}

// TestChatTwoInstances runs two chat instances on one NATS server: a message posted on one
// reaches a WebSocket on the other, and each sees the other's users.
func TestChatTwoInstances(t *testing.T) {
	raw := os.Getenv("SINEW_TEST_NATS_URL")
	if raw == "" {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("SINEW_TEST_NATS_URL is not set (SINEW_TEST_REQUIRE_SERVICES=1)")
		}
		t.Skip("set SINEW_TEST_NATS_URL to run two instances on NATS")
	}
	broker := raw + "?namespace=chat" + strconv.FormatInt(time.Now().UnixNano(), 36)
	one, two := startInstance(t, broker), startInstance(t, broker)
	alice, bob := login(t, one, "alice"), login(t, two, "bob")

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	dial := func(base string, c *http.Client) *websocket.Conn {
		u, _ := url.Parse(base)
		h := http.Header{"Cookie": {c.Jar.Cookies(u)[0].String()}}
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/realtime/ws?channel=chat.go", &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ws.CloseNow() })
		return ws
	}
	until := func(ws *websocket.Conn, what string) {
		t.Helper()
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %s: %v", what, err)
			}
			if strings.Contains(string(b), what) {
				return
			}
		}
	}
	wsA := dial(one, alice)
	until(wsA, "sinew:subscribed")
	wsB := dial(two, bob)
	until(wsA, `"event":"sinew:join","data":{"id":"bob"`)

	req, _ := http.NewRequest(http.MethodPost, two+"/rooms/go/messages", strings.NewReader(`{"text":"from the second instance"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrfToken(t, bob, two+"/rooms/go"))
	resp, err := bob.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("post: %d", resp.StatusCode)
	}
	until(wsA, "from the second instance")
	until(wsB, "from the second instance")
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

const chromiumPath = "/usr/bin/chromium"

// browser returns a headless Chromium allocator, or skips (fails in CI) without one.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is missing (apt-get install chromium)", chromiumPath)
		}
		t.Skipf("%s is missing: apt-get install chromium to run the browser test", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox)
	ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	return ctx
}

// TestChatInBrowsers has two users in two browser contexts (separate cookies) talk in a room:
// presence, typing indicators, messages and the stored history.
func TestChatInBrowsers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	alloc := browser(t)
	base := startApp(t)

	root, cancelRoot := chromedp.NewContext(alloc)
	defer cancelRoot()
	if err := chromedp.Do(root, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	user := func(name string) (context.Context, context.CancelFunc) {
		ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.SendKeys(chromedp.ID("name"), name),
			chromedp.Click(chromedp.ID("login")),
			chromedp.WaitVisible(chromedp.ID("me")),
			chromedp.Navigate(base+"/rooms/lobby"),
		)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return ctx, cancel
	}
	waitJS := func(ctx context.Context, what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("chat") ? document.getElementById("chat").innerText : document.body.innerText`))
			t.Fatalf("waiting for %s: %v; the page shows:\n%s", what, err, state)
		}
	}
	alice, _ := user("alice")
	waitJS(alice, "alice connected", `document.getElementById("status").textContent === "connected"`)
	bob, closeBob := user("bob")
	waitJS(bob, "bob to see alice", `document.getElementById("presence").textContent.includes("alice")`)
	waitJS(alice, "alice to see bob", `document.getElementById("presence").textContent.includes("bob")`)

	if err := chromedp.Do(bob, chromedp.SendKeys(chromedp.ID("text"), "hi alice")); err != nil {
		t.Fatal(err)
	}
	waitJS(alice, "bob typing", `document.getElementById("typing").textContent.includes("bob is typing")`)
	if err := chromedp.Do(bob, chromedp.SendKeys(chromedp.ID("text"), "\r")); err != nil {
		t.Fatal(err)
	}
	waitJS(alice, "bob's message", `document.getElementById("messages").textContent.includes("hi alice")`)
	if err := chromedp.Do(alice, chromedp.SendKeys(chromedp.ID("text"), "hello bob\r")); err != nil {
		t.Fatal(err)
	}
	waitJS(bob, "alice's message", `document.getElementById("messages").textContent.includes("hello bob")`)

	// A reload renders the stored history; each message appears once.
	if err := chromedp.Do(bob, chromedp.Navigate(base+"/rooms/lobby")); err != nil {
		t.Fatal(err)
	}
	waitJS(bob, "history after reload", `document.querySelectorAll("#messages li").length === 2 && document.getElementById("status").textContent === "connected"`)

	// Bob closes his tab: alice's presence list drops him.
	closeBob()
	waitJS(alice, "bob to leave", `!document.getElementById("presence").textContent.includes("bob")`)
}
