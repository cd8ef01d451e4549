package sinew_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
)

// serve starts app on a free loopback port and returns its base URL; the server shuts down
// when the test ends.
func serve(t *testing.T, app *sinew.App) string {
	t.Helper()
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
	return "http://" + ln.Addr().String()
}

func testApp(cfg sinew.Config) *sinew.App {
	cfg.Env = sinew.EnvTest
	cfg.Stderr = io.Discard
	app := sinew.NewWithConfig(cfg)
	app.GET("/ok", func(c *web.Ctx) error { return c.Text(200, "ok") })
	app.GET("/boom", func(c *web.Ctx) error { panic("boom") })
	app.POST("/upload", func(c *web.Ctx) error {
		b, err := c.Body()
		if err != nil {
			return err
		}
		return c.Text(200, fmt.Sprint(len(b)))
	})
	return app
}

// rawRequest sends raw bytes on a new connection and returns the status line of the answer.
func rawRequest(t *testing.T, base, raw string) string {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", raw[:min(len(raw), 40)], err)
	}
	return strings.TrimSpace(line)
}

func TestE2EBadRequests(t *testing.T) {
	t.Parallel()
	base := serve(t, testApp(sinew.Config{}))
	tests := []struct {
		name, raw, want string
	}{
		{"malformed request line", "GARBAGE\r\n\r\n", "HTTP/1.1 400"},
		{"malformed escape in path", "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400"},
		{"bad protocol version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP/1.1 505"},
		{"missing host", "GET /ok HTTP/1.1\r\n\r\n", "HTTP/1.1 400"},
		{"header without colon", "GET /ok HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", "HTTP/1.1 400"},
		{"100 KiB header", "GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 100<<10) + "\r\n\r\n", "HTTP/1.1 431"},
		{"control character in path", "GET /o\x01k HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400"},
		{"fine request", "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := rawRequest(t, base, tt.raw); !strings.HasPrefix(got, tt.want) {
				t.Errorf("status line %q, want %q", got, tt.want)
			}
		})
	}
}

func TestE2EOversizedBody(t *testing.T) {
	t.Parallel()
	base := serve(t, testApp(sinew.Config{MaxBodyBytes: 1024}))
	for _, tt := range []struct {
		name    string
		body    io.Reader
		length  int64
		want    int
		wantOut string
	}{
		{"declared too large", strings.NewReader(strings.Repeat("x", 4096)), 4096, 413, ""},
		{"chunked too large", io.MultiReader(strings.NewReader(strings.Repeat("x", 4096))), -1, 413, ""},
		{"within the limit", strings.NewReader(strings.Repeat("x", 1000)), 1000, 200, "1000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", base+"/upload", tt.body)
			req.ContentLength = tt.length
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("status %d (%s), want %d", res.StatusCode, b, tt.want)
			}
			if tt.wantOut != "" && string(b) != tt.wantOut {
				t.Errorf("body %q, want %q", b, tt.wantOut)
			}
		})
	}
	// The server keeps serving.
	if got := get(t, base+"/ok"); got != 200 {
		t.Fatalf("after oversized bodies: /ok = %d", got)
	}
}

func get(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestE2EPanicThenNextRequest(t *testing.T) {
	t.Parallel()
	base := serve(t, testApp(sinew.Config{}))
	for i := 0; i < 3; i++ {
		if got := get(t, base+"/boom"); got != 500 {
			t.Fatalf("/boom = %d, want 500", got)
		}
		if got := get(t, base+"/ok"); got != 200 {
			t.Fatalf("/ok after a panic = %d, want 200", got)
		}
	}
}

func TestE2ESlowHeadersCutOff(t *testing.T) {
	t.Parallel()
	base := serve(t, testApp(sinew.Config{ReadHeaderTimeout: 500 * time.Millisecond}))
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	req := "GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 40) + "\r\n\r\n"
	var werr error
	for i := 0; i < len(req) && werr == nil; i++ {
		_, werr = conn.Write([]byte{req[i]})
		time.Sleep(100 * time.Millisecond)
		if time.Since(start) > 20*time.Second {
			t.Fatal("the server never cut the slow client off")
		}
		// Once cut off, a read returns at once.
		conn.SetReadDeadline(time.Now().Add(time.Millisecond))
		buf := make([]byte, 1)
		if _, err := conn.Read(buf); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			werr = err
		}
	}
	if werr == nil {
		t.Fatal("the whole slow request was accepted; ReadHeaderTimeout did not cut it off")
	}
}

// TestE2EGracefulShutdown runs the app in a child process, starts a slow request, sends
// SIGTERM while it runs, and checks that the request completes and the process exits 0.
func TestE2EGracefulShutdown(t *testing.T) {
	t.Parallel()
	if os.Getenv("SINEW_E2E_CHILD") != "" {
		t.Skip("in the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestE2EChildServer$", "-test.v")
	cmd.Env = append(os.Environ(), "SINEW_E2E_CHILD=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	var addr string
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("child did not report its address")
	}
	go io.Copy(io.Discard, stdout)
	// OnStart runs before the listener opens: wait until the child answers.
	for i := 0; ; i++ {
		res, err := http.Get("http://" + addr + "/ping")
		if err == nil {
			res.Body.Close()
			break
		}
		if i > 200 {
			t.Fatalf("child never answered: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	type result struct {
		status int
		body   string
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			resc <- result{err: err}
			return
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		resc <- result{res.StatusCode, string(b), err}
	}()
	time.Sleep(300 * time.Millisecond) // the slow request is in flight
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := <-resc
	if r.err != nil || r.status != 200 || r.body != "done" {
		t.Fatalf("in-flight request: status %d body %q err %v; want 200 done", r.status, r.body, r.err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child exit: %v, want status 0", err)
	}
}

// TestE2EChildServer is the child process of TestE2EGracefulShutdown: it runs app.Run, as a
// real main would.
func TestE2EChildServer(t *testing.T) {
	if os.Getenv("SINEW_E2E_CHILD") == "" {
		t.Skip("only runs as the child of TestE2EGracefulShutdown")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Addr: addr, DrainTimeout: 10 * time.Second})
	app.GET("/ping", func(c *web.Ctx) error { return c.Text(200, "pong") })
	app.GET("/slow", func(c *web.Ctx) error {
		time.Sleep(1500 * time.Millisecond)
		return c.Text(200, "done")
	})
	app.OnStart(func(context.Context) error {
		fmt.Println("LISTENING " + addr)
		return nil
	})
	os.Args = []string{"child"}
	app.Run() // returns after a graceful shutdown; exits non-zero on failure
}
