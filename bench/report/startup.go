package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"syscall"
	"time"
)

// startupConfig configures the start-up measurement.
type startupConfig struct {
	URL     string        // the page requested until it answers 200
	Runs    int           // cold starts measured
	Timeout time.Duration // how long one start may take
	Idle    time.Duration // how long the app idles after its first response before its RSS is read
	Argv    []string      // the command that starts the app
	Log     io.Writer     // the app's output
}

// runStartup starts the app cfg.Runs times and measures the time from starting the process
// to the first 200 response, and the app's RSS after idling. Each start waits for the port
// to be free, and each app is stopped (its process group) before the next.
func runStartup(ctx context.Context, cfg startupConfig) (*StartupResult, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, err
	}
	res := &StartupResult{Path: u.RequestURI()}
	var rss []float64
	for range cfg.Runs {
		if err := waitPortFree(ctx, u.Host, 10*time.Second); err != nil {
			return nil, err
		}
		ms, kb, err := startOnce(ctx, cfg)
		if err != nil {
			return nil, err
		}
		res.RunsMs = append(res.RunsMs, ms)
		rss = append(rss, float64(kb))
	}
	res.MedianMs = median(res.RunsMs)
	res.IdleRSSKB = int64(median(rss))
	return res, nil
}

func startOnce(ctx context.Context, cfg startupConfig) (ms float64, rssKB int64, err error) {
	cmd := exec.Command(cfg.Argv[0], cfg.Argv[1:]...)
	cmd.Stdout, cmd.Stderr = cfg.Log, cfg.Log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	client := &http.Client{
		Timeout:   time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("starting %s: %w", cfg.Argv[0], err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer stopGroup(cmd.Process.Pid, exited)

	deadline := time.After(cfg.Timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL, nil)
		res, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				ms = float64(time.Since(start).Microseconds()) / 1000
				break
			}
		}
		select {
		case err := <-exited:
			exited <- err // for stopGroup
			return 0, 0, fmt.Errorf("%s exited before serving: %v", cfg.Argv[0], err)
		case <-deadline:
			return 0, 0, fmt.Errorf("%s did not answer %s with 200 within %s", cfg.Argv[0], cfg.URL, cfg.Timeout)
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	select {
	case <-time.After(cfg.Idle):
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
	rssKB, err = treeKB(cmd.Process.Pid, "VmRSS")
	return ms, rssKB, err
}

// stopGroup ends the process group led by pid: SIGTERM, then SIGKILL after five seconds.
func stopGroup(pid int, exited chan error) {
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
	}
	// Workers of a master that exited first may still hold the port for a moment.
	syscall.Kill(-pid, syscall.SIGKILL)
}

// waitPortFree waits until nothing accepts connections on hostport.
func waitPortFree(ctx context.Context, hostport string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", hostport, 200*time.Millisecond)
		if err != nil {
			return nil
		}
		conn.Close()
		if time.Now().After(deadline) {
			return fmt.Errorf("something still listens on %s after %s", hostport, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitReady polls url until it answers 200 or timeout passes.
func waitReady(ctx context.Context, rawURL string, timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.Join(fmt.Errorf("%s did not answer 200 within %s", rawURL, timeout), last)
}
