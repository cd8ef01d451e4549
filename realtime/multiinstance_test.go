package realtime_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/pubsub/brokerurl"
	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/web"
)

const childEnv = "SINEW_REALTIME_TEST_CHILD"

// runChild runs this test binary as an app instance when the parent test asks for one:
// a sinew.App with a hub on SINEW_BROKER_URL, serving on a loopback port it prints, until
// SIGTERM. It reports whether it ran (TestMain then returns).
func runChild() bool {
	if os.Getenv(childEnv) != "1" {
		return false
	}
	if err := child(); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	return true
}

func child() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	broker, err := brokerurl.Open(ctx, os.Getenv("SINEW_BROKER_URL"))
	if err != nil {
		return err
	}
	defer broker.Close()
	app := sinew.NewWithConfig(sinew.Config{Env: "test", DataDir: os.TempDir(), DrainTimeout: 5 * time.Second})
	hub, err := realtime.New(ctx, realtime.Config{Broker: broker, Authenticate: headerAuth, PresenceInterval: time.Second})
	if err != nil {
		return err
	}
	hub.Attach(app)
	defaultChannels(hub)
	hub.Mount(app, "/rt")
	app.POST("/publish", func(c *web.Ctx) error {
		n, _ := strconv.Atoi(c.Query("n"))
		for i := range n {
			if err := hub.Publish(c, c.Query("channel"), "seq", i); err != nil {
				return err
			}
		}
		return c.NoContent(http.StatusNoContent)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", ln.Addr())
	return app.Serve(ctx, ln)
}

// startInstance starts a child app instance on brokerURL and returns its base URL.
func startInstance(t *testing.T, brokerURL string) *testServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "SINEW_BROKER_URL="+brokerURL)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("instance exited with %v", err)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("instance did not stop on SIGTERM")
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				addr <- a
			}
		}
		_, _ = io.Copy(io.Discard, out)
		exited <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		return &testServer{url: "http://" + a}
	case <-time.After(30 * time.Second):
		t.Fatal("instance did not start")
	}
	return nil
}

// TestMultiInstance runs two app processes on each real broker: a client of the first
// receives, in order, what is published through the second, and presence on each shows
// the users of the other.
func TestMultiInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	brokers := []struct{ name, env string }{
		{"postgres", "SINEW_TEST_POSTGRES_URL"},
		{"nats", "SINEW_TEST_NATS_URL"},
		{"redis", "SINEW_TEST_REDIS_URL"},
	}
	for _, b := range brokers {
		t.Run(b.name, func(t *testing.T) {
			raw := os.Getenv(b.env)
			if raw == "" {
				if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
					t.Fatalf("%s is not set (SINEW_TEST_REQUIRE_SERVICES=1)", b.env)
				}
				t.Skipf("set %s to run against %s", b.env, b.name)
			}
			sep := "?"
			if strings.Contains(raw, "?") {
				sep = "&"
			}
			url := raw + sep + "namespace=rt" + strconv.FormatInt(time.Now().UnixNano(), 36)
			one := startInstance(t, url)
			two := startInstance(t, url)

			alice := one.dial(t, "alice", "")
			alice.subscribe("room.x", nil)
			bob := two.dial(t, "bob", "")
			ack := bob.subscribe("room.x", nil)
			// Presence crosses the broker asynchronously: alice is in bob's list, or her
			// join reaches him soon after.
			if !strings.Contains(string(ack.Data), `"id":"alice"`) {
				if env := bob.expect("room.x", "sinew:join"); !strings.Contains(string(env.Data), "alice") {
					t.Fatalf("presence on the second instance lacks alice: %s, then %s", ack.Data, env.Data)
				}
			}
			if env := alice.expect("room.x", "sinew:join"); !strings.Contains(string(env.Data), "bob") {
				t.Fatalf("join on the first instance: %s", env.Data)
			}

			const n = 200
			resp, err := http.Post(two.url+"/publish?channel=room.x&n="+strconv.Itoa(n), "", nil)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("publish: %d", resp.StatusCode)
			}
			for i := range n {
				env := alice.expect("room.x", "seq")
				var got int
				if err := json.Unmarshal(env.Data, &got); err != nil || got != i {
					t.Fatalf("message %d: got %s", i, env.Data)
				}
			}
			_ = bob.conn.CloseNow()
			if env := alice.expect("room.x", "sinew:leave"); !strings.Contains(string(env.Data), "bob") {
				t.Fatalf("leave on the first instance: %s", env.Data)
			}
		})
	}
}
