package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestShowcaseShutdownUnderLoad runs the showcase binary, keeps clients reading pages
// that query the database, and sends SIGTERM: /readyz answers 503 while the server still
// accepts (SINEW_DRAIN_DELAY), and the clients, like a load balancer, send no new request
// once readiness said 503; every request sent got a 2xx, none was cut off or refused, and
// the process exits 0 within the drain timeout.
func TestShowcaseShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "showcase")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	const drainTimeout = 10 * time.Second
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "PORT=" + strconv.Itoa(port),
		"SINEW_DRAIN_DELAY=1s", "SINEW_DRAIN_TIMEOUT=" + drainTimeout.String(), "SINEW_LOG_LEVEL=warn"}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := client.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the showcase was not ready within 30s: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	var ok, bad, cut, refused atomic.Int64
	var signalled, notReady atomic.Bool
	var badErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3000 { // bounded
				select {
				case <-stop:
					return
				default:
				}
				if notReady.Load() {
					return // the load balancer has taken this instance out
				}
				res, err := client.Get(base + "/posts")
				switch {
				case err != nil && signalled.Load() && (errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)):
					refused.Add(1) // not accepted: the listener is closed (or closing)
					time.Sleep(10 * time.Millisecond)
					continue
				case err != nil:
					cut.Add(1)
					badErr.Store(err)
					continue
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch {
				case err != nil:
					cut.Add(1)
					badErr.Store(err)
				case res.StatusCode/100 == 2:
					ok.Add(1)
				default:
					bad.Add(1)
				}
			}
		}()
	}
	// Readiness, polled on its own connection every few milliseconds.
	var probes []int // status codes, -1 for a refused connection
	var probesMu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 5000 {
			select {
			case <-stop:
				return
			default:
			}
			code := -1
			if res, err := client.Get(base + "/readyz"); err == nil {
				res.Body.Close()
				code = res.StatusCode
			}
			probesMu.Lock()
			probes = append(probes, code)
			probesMu.Unlock()
			if code == http.StatusServiceUnavailable {
				notReady.Store(true)
			}
			if code == -1 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	for ok.Load() < 50 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	signalled.Store(true)
	began := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(drainTimeout + 5*time.Second):
		t.Fatalf("still running %v after SIGTERM", drainTimeout+5*time.Second)
	}
	took := time.Since(began)
	close(stop)
	wg.Wait()

	if took > drainTimeout {
		t.Errorf("exit took %v, over the %v drain timeout", took, drainTimeout)
	}
	if bad.Load() != 0 || cut.Load() != 0 || refused.Load() != 0 {
		t.Errorf("%d non-2xx answers, %d requests cut off, %d refused (last error: %v)", bad.Load(), cut.Load(), refused.Load(), badErr.Load())
	}
	probesMu.Lock()
	saw503 := false
	for _, code := range probes {
		if code == http.StatusServiceUnavailable {
			saw503 = true
		}
		if code == -1 && !saw503 {
			t.Errorf("/readyz was refused before it answered 503: %v", probes)
		}
	}
	if !saw503 {
		t.Errorf("/readyz never answered 503 during the drain: %d probes", len(probes))
	}
	probesMu.Unlock()
	t.Logf("%d pages served, %d refused after SIGTERM, exit %v after SIGTERM", ok.Load(), refused.Load(), took.Round(time.Millisecond))
}
