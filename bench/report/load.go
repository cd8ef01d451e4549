package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkScript makes wrk print its summary as one JSON line prefixed with "TFBJSON ", with
// latencies in microseconds, next to its usual --latency report.
//
//go:embed wrk.lua
var wrkScript string

// wrkSummary is what wrk.lua prints.
type wrkSummary struct {
	DurationUs float64 `json:"duration_us"`
	Requests   int64   `json:"requests"`
	Bytes      int64   `json:"bytes"`
	Connect    int64   `json:"connect"`
	Read       int64   `json:"read"`
	Write      int64   `json:"write"`
	Status     int64   `json:"status"`
	Timeout    int64   `json:"timeout"`
	P50Us      float64 `json:"p50_us"`
	P99Us      float64 `json:"p99_us"`
	MaxUs      float64 `json:"max_us"`
}

// parseWrk finds the TFBJSON line in wrk's output and converts it to a TestResult.
func parseWrk(out []byte) (*TestResult, error) {
	for line := range bytes.Lines(out) {
		rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("TFBJSON "))
		if !ok {
			continue
		}
		var s wrkSummary
		if err := json.Unmarshal(rest, &s); err != nil {
			return nil, fmt.Errorf("wrk summary %q: %w", rest, err)
		}
		if s.DurationUs <= 0 {
			return nil, fmt.Errorf("wrk summary %q: no duration", rest)
		}
		return &TestResult{
			RPS:         float64(s.Requests) / (s.DurationUs / 1e6),
			Requests:    s.Requests,
			DurationSec: s.DurationUs / 1e6,
			P50Ms:       s.P50Us / 1000,
			P99Ms:       s.P99Us / 1000,
			MaxMs:       s.MaxUs / 1000,
			Errors:      Errors{Connect: s.Connect, Read: s.Read, Write: s.Write, Timeout: s.Timeout, Status: s.Status},
		}, nil
	}
	return nil, errors.New("wrk printed no summary (TFBJSON line); is the server up?")
}

// loadConfig configures one load test.
type loadConfig struct {
	URL         string
	PID         int
	Duration    time.Duration
	Warmup      time.Duration
	Connections int
	Threads     int
	CPU         string // cores for wrk, as taskset -c takes them; empty runs wrk unpinned
	Log         io.Writer
	// IdleWait is how long to wait, before the measurement, for the machine's CPUs to be
	// at least IdleMin idle (other work on a shared machine skews results); 0 skips it.
	IdleWait time.Duration
	IdleMin  float64
}

// waitIdle samples the CPUs' idle share once a second until two samples in a row reach
// min or wait passes, and returns the last sample.
func waitIdle(ctx context.Context, wait time.Duration, min float64) (float64, error) {
	deadline := time.Now().Add(wait)
	streak := 0
	last := -1.0
	idle0, total0, err := cpuTimes()
	if err != nil {
		return -1, err
	}
	for {
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(time.Second):
		}
		idle1, total1, err := cpuTimes()
		if err != nil {
			return -1, err
		}
		if total1 > total0 {
			last = float64(idle1-idle0) / float64(total1-total0)
		}
		idle0, total0 = idle1, total1
		if last >= min {
			streak++
		} else {
			streak = 0
		}
		if streak >= 2 || time.Now().After(deadline) {
			return last, nil
		}
	}
}

// wrkCmd builds the wrk command line, pinned with taskset when cfg.CPU is set.
func wrkCmd(ctx context.Context, cfg loadConfig, d time.Duration, script string) *exec.Cmd {
	args := []string{"wrk", "-t" + strconv.Itoa(cfg.Threads), "-c" + strconv.Itoa(cfg.Connections),
		"-d" + strconv.Itoa(int(d.Round(time.Second)/time.Second)) + "s", "--timeout", "8s"}
	if script != "" {
		args = append(args, "--latency", "-s", script)
	}
	args = append(args, cfg.URL)
	if cfg.CPU != "" {
		args = append([]string{"taskset", "-c", cfg.CPU}, args...)
	}
	return exec.CommandContext(ctx, args[0], args[1:]...)
}

// runLoad warms the server up, resets its peak RSS, runs the measured wrk and returns its
// numbers with the server's peak RSS during the measurement.
func runLoad(ctx context.Context, cfg loadConfig) (*TestResult, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	res0 := &TestResult{CPUIdle: -1}
	if cfg.IdleWait > 0 {
		idle, err := waitIdle(ctx, cfg.IdleWait, cfg.IdleMin)
		if err != nil {
			return nil, err
		}
		res0.CPUIdle = idle
		if idle < cfg.IdleMin {
			fmt.Fprintf(cfg.Log, "warning: the CPUs were only %.0f%% idle before the measurement\n", idle*100)
		}
	}
	res0.LoadAvg = loadAvg()
	if cfg.Warmup >= time.Second {
		warm := wrkCmd(ctx, cfg, cfg.Warmup, "")
		warm.Stdout, warm.Stderr = io.Discard, cfg.Log
		if err := warm.Run(); err != nil {
			return nil, fmt.Errorf("warm-up wrk: %w", err)
		}
	}
	script, err := os.CreateTemp("", "tfb-wrk-*.lua")
	if err != nil {
		return nil, err
	}
	defer os.Remove(script.Name())
	if _, err := script.WriteString(wrkScript); err != nil {
		return nil, err
	}
	if err := script.Close(); err != nil {
		return nil, err
	}
	if cfg.PID > 0 {
		if err := resetPeakRSS(cfg.PID); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	cmd := wrkCmd(ctx, cfg, cfg.Duration, script.Name())
	cmd.Stdout = io.MultiWriter(&out, cfg.Log)
	cmd.Stderr = cfg.Log
	fmt.Fprintf(cfg.Log, "$ %s\n", strings.Join(cmd.Args, " "))
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("wrk: %w", err)
	}
	res, err := parseWrk(out.Bytes())
	if err != nil {
		return nil, err
	}
	res.LoadAvg, res.CPUIdle = res0.LoadAvg, res0.CPUIdle
	if cfg.PID > 0 {
		if res.PeakRSSKB, err = treeKB(cfg.PID, "VmHWM"); err != nil {
			return nil, fmt.Errorf("reading the server's peak RSS (did it exit?): %w", err)
		}
	}
	return res, nil
}
