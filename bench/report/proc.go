package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// processTree returns pid and all its descendants, read from /proc. A server such as
// gunicorn is a master with worker processes; its memory is that of the whole tree.
func processTree(pid int) []int {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the process ended meanwhile
		}
		child, parent, ok := parseStat(b)
		if ok {
			children[parent] = append(children[parent], child)
		}
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
}

// parseStat reads the pid and parent pid from the contents of /proc/PID/stat, whose second
// field (the command) is parenthesised and may itself contain spaces and parentheses.
func parseStat(b []byte) (pid, ppid int, ok bool) {
	open := bytes.IndexByte(b, '(')
	closing := bytes.LastIndexByte(b, ')')
	if open < 1 || closing < open {
		return 0, 0, false
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return 0, 0, false
	}
	rest := strings.Fields(string(b[closing+1:]))
	if len(rest) < 2 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(rest[1])
	if err != nil {
		return 0, 0, false
	}
	return pid, ppid, true
}

// statusKB returns a "kB" field of /proc/PID/status (VmRSS, VmHWM).
func statusKB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseStatusKB(f, field)
}

func parseStatusKB(f *os.File, field string) (int64, error) {
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		fs := strings.Fields(val)
		if len(fs) != 2 || fs[1] != "kB" {
			return 0, fmt.Errorf("/proc status field %s: unexpected value %q", field, val)
		}
		return strconv.ParseInt(fs[0], 10, 64)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc status has no %s field", field)
}

// treeKB sums a status field over the process tree rooted at pid. For VmHWM the sum of the
// processes' own peaks bounds the tree's peak from above.
func treeKB(pid int, field string) (int64, error) {
	var total int64
	for i, p := range processTree(pid) {
		kb, err := statusKB(p, field)
		if err != nil {
			if i == 0 {
				return 0, err
			}
			continue // a worker that ended meanwhile
		}
		total += kb
	}
	return total, nil
}

// resetPeakRSS resets VmHWM of every process in the tree to its current RSS (writing 5
// to /proc/PID/clear_refs), so that a measurement's peak is its own.
func resetPeakRSS(pid int) error {
	for i, p := range processTree(pid) {
		err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p), []byte("5"), 0)
		if err != nil && i == 0 {
			return fmt.Errorf("resetting the peak RSS of %d: %w", p, err)
		}
	}
	return nil
}

// loadAvg returns the one-minute load average.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	fs := strings.Fields(string(b))
	if len(fs) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(fs[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// cpuTimes reads the aggregate jiffies from /proc/stat: idle (idle + iowait), interrupt
// handling (irq + softirq, where the kernel does loopback networking for whichever process
// is running) and the total.
func cpuTimes() (idle, irq, total uint64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return parseCPULine(line)
}

// parseCPULine parses the first ("cpu ...") line of /proc/stat: user nice system idle iowait
// irq softirq steal, then guest and guest_nice, which user and nice already include.
func parseCPULine(line string) (idle, irq, total uint64, err error) {
	fs := strings.Fields(line)
	if len(fs) < 6 || fs[0] != "cpu" {
		return 0, 0, 0, fmt.Errorf("unexpected /proc/stat line %q", line)
	}
	for i, f := range fs[1:min(len(fs), 9)] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("/proc/stat field %q: %w", f, err)
		}
		total += v
		switch i {
		case 3, 4: // idle, iowait
			idle += v
		case 5, 6: // irq, softirq
			irq += v
		}
	}
	return idle, irq, total, nil
}

// procTicks returns a process's user plus system CPU time in clock ticks (fields 14 and 15
// of /proc/PID/stat).
func procTicks(pid int) (uint64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	closing := bytes.LastIndexByte(b, ')')
	if closing < 0 {
		return 0, false
	}
	fs := strings.Fields(string(b[closing+1:]))
	// fs[0] is field 3 (state), so utime (field 14) is fs[11] and stime fs[12].
	if len(fs) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseUint(fs[11], 10, 64)
	s, err2 := strconv.ParseUint(fs[12], 10, 64)
	return u + s, err1 == nil && err2 == nil
}

// benchPIDs returns the processes whose CPU time is part of a measurement: the server's
// tree and the PostgreSQL processes that serve database db (backends connected to it and
// the server's background processes, but not backends of other databases).
func benchPIDs(serverPID int, db string) []int {
	pids := processTree(serverPID)
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, path := range cmdlines {
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte("postgres")) {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		if err != nil || pid == serverPID {
			continue
		}
		if postgresServes(string(bytes.TrimRight(b, "\x00")), db) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// postgresServes reports whether a PostgreSQL process, by its command line, works for db:
// the postmaster, background processes ("postgres: 15/main: walwriter") and backends
// connected to db ("postgres: 15/main: postgres tfb 127.0.0.1(5000) idle").
func postgresServes(cmdline, db string) bool {
	parts := strings.SplitN(cmdline, ": ", 3)
	if len(parts) < 3 {
		return true // the postmaster (its arguments are separated by NULs)
	}
	fs := strings.Fields(parts[2])
	isBackend := len(fs) >= 3 && (strings.Contains(fs[2], "(") || fs[2] == "[local]")
	if !isBackend {
		return true
	}
	return fs[1] == db
}

// cpuUse is a snapshot for measuring how much of the machine's CPU time went to other
// work than the measurement.
type cpuUse struct {
	idle, irq, total uint64
	ours             map[int]uint64
}

func snapshotCPU(pids []int) (cpuUse, error) {
	idle, irq, total, err := cpuTimes()
	if err != nil {
		return cpuUse{}, err
	}
	u := cpuUse{idle: idle, irq: irq, total: total, ours: map[int]uint64{}}
	for _, pid := range pids {
		if t, ok := procTicks(pid); ok {
			u.ours[pid] = t
		}
	}
	return u, nil
}

// foreignShare returns the share of all CPU time between before and after that was busy
// with neither the measured processes (pids, read again now), extraTicks (the load
// generator's CPU time) nor interrupt handling (mostly the loopback traffic between them).
// Processes that appeared in between count from zero.
func foreignShare(before cpuUse, pids []int, extraTicks uint64) (float64, error) {
	after, err := snapshotCPU(pids)
	if err != nil {
		return 0, err
	}
	total := after.total - before.total
	if total == 0 {
		return 0, nil
	}
	busy := total - (after.idle - before.idle)
	ours := extraTicks + (after.irq - before.irq)
	for pid, t := range after.ours {
		if t0, ok := before.ours[pid]; ok && t >= t0 {
			ours += t - t0
		} else if !ok {
			ours += t
		}
	}
	if ours >= busy {
		return 0, nil
	}
	return float64(busy-ours) / float64(total), nil
}
