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
	// Attempts is how many times a disturbed measurement is taken in all, and MaxForeign the
	// share of CPU time other work may take before a measurement counts as disturbed.
	Attempts   int
	MaxForeign float64
	// DBName is the benchmark database, whose PostgreSQL backends count as the measurement's.
	DBName string
}

// waitIdle samples the CPUs' idle share once a second until two samples in a row reach
// min or wait passes, and returns the last sample.
func waitIdle(ctx context.Context, wait time.Duration, min float64) (float64, error) {
	deadline := time.Now().Add(wait)
	streak := 0
	last := -1.0
	idle0, _, total0, err := cpuTimes()
	if err != nil {
		return -1, err
	}
	for {
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(time.Second):
		}
		idle1, _, total1, err := cpuTimes()
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

// runLoad warms the server up and measures it with wrk. When other work took more than
// cfg.MaxForeign of the machine's CPU time during the measurement, it measures again (up
// to cfg.Attempts times in all) and keeps the fastest attempt: interference only ever
// lowers throughput. Each attempt records the server's peak RSS during it.
func runLoad(ctx context.Context, cfg loadConfig) (*TestResult, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
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
	var best *TestResult
	attempts := max(cfg.Attempts, 1)
	for attempt := 1; attempt <= attempts; attempt++ {
		idle := -1.0
		if cfg.IdleWait > 0 {
			if idle, err = waitIdle(ctx, cfg.IdleWait, cfg.IdleMin); err != nil {
				return nil, err
			}
			if idle < cfg.IdleMin {
				fmt.Fprintf(cfg.Log, "warning: the CPUs were only %.0f%% idle before the measurement\n", idle*100)
			}
		}
		if attempt == 1 && cfg.Warmup >= time.Second {
			warm := wrkCmd(ctx, cfg, cfg.Warmup, "")
			warm.Stdout, warm.Stderr = io.Discard, cfg.Log
			if err := warm.Run(); err != nil {
				return nil, fmt.Errorf("warm-up wrk: %w", err)
			}
		}
		res, err := measure(ctx, cfg, script.Name())
		if err != nil {
			return nil, err
		}
		res.CPUIdle = idle
		if best == nil || res.RPS > best.RPS {
			best = res
		}
		best.Attempts = attempt
		if res.ForeignCPU <= cfg.MaxForeign {
			break
		}
		fmt.Fprintf(cfg.Log, "other work used %.0f%% of the CPU time during the measurement", res.ForeignCPU*100)
		if attempt < attempts {
			fmt.Fprint(cfg.Log, ": measuring again")
		}
		fmt.Fprintln(cfg.Log)
	}
	return best, nil
}

// measure runs the measured wrk once.
func measure(ctx context.Context, cfg loadConfig, script string) (*TestResult, error) {
	var pids []int
	if cfg.PID > 0 {
		if err := resetPeakRSS(cfg.PID); err != nil {
			return nil, err
		}
		pids = benchPIDs(cfg.PID, cfg.DBName)
	}
	avg := loadAvg()
	before, err := snapshotCPU(pids)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := wrkCmd(ctx, cfg, cfg.Duration, script)
	cmd.Stdout = io.MultiWriter(&out, cfg.Log)
	cmd.Stderr = cfg.Log
	fmt.Fprintf(cfg.Log, "$ %s\n", strings.Join(cmd.Args, " "))
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("wrk: %w", err)
	}
	// wrk's own CPU time, in the clock ticks /proc counts in (100 per second on Linux).
	wrkTicks := uint64((cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()) / (10 * time.Millisecond))
	foreign, err := foreignShare(before, pids, wrkTicks)
	if err != nil {
		return nil, err
	}
	res, err := parseWrk(out.Bytes())
	if err != nil {
		return nil, err
	}
	res.LoadAvg, res.ForeignCPU = avg, foreign
	if cfg.PID > 0 {
		if res.PeakRSSKB, err = treeKB(cfg.PID, "VmHWM"); err != nil {
			return nil, fmt.Errorf("reading the server's peak RSS (did it exit?): %w", err)
		}
	}
	return res, nil
}
