package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
)

// versionsOf reads the versions of an implementation's components from its folder under
// tfbDir, the installed Debian packages and the repository's git commit.
func versionsOf(im Impl, tfbDir, repoDir string) []Version {
	dir := filepath.Join(tfbDir, im.Name)
	var out []Version
	for _, c := range im.Components {
		v, err := componentVersion(c, dir, repoDir)
		if err != nil {
			v = "unknown (" + err.Error() + ")"
		}
		out = append(out, Version{Name: c.Name, Version: v})
	}
	return out
}

func componentVersion(c Component, dir, repoDir string) (string, error) {
	switch c.Kind {
	case "gomod":
		return goModVersion(filepath.Join(dir, "go.mod"), c.Ref)
	case "npm":
		return npmVersion(filepath.Join(dir, "package-lock.json"), c.Ref)
	case "deb":
		return command("dpkg-query", "-W", "-f", "${Version}", c.Ref)
	case "git":
		return command("git", "-C", repoDir, "describe", "--always", "--dirty", "--abbrev=12")
	}
	return "", fmt.Errorf("unknown component kind %q", c.Kind)
}

// goModVersion finds module's version in a go.mod's require lines.
func goModVersion(gomod, module string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "require "))
		if len(fs) >= 2 && fs[0] == module {
			return fs[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s is not required in %s", module, gomod)
}

// npmVersion reads a package's installed version from a package-lock.json (lockfile v2/v3).
func npmVersion(lock, pkg string) (string, error) {
	b, err := os.ReadFile(lock)
	if err != nil {
		return "", err
	}
	var l struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return "", fmt.Errorf("%s: %w", lock, err)
	}
	p, ok := l.Packages["node_modules/"+pkg]
	if !ok || p.Version == "" {
		return "", fmt.Errorf("%s is not in %s", pkg, lock)
	}
	return p.Version, nil
}

// command runs a command and returns its trimmed first line of output.
func command(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(line), nil
}

// describeMachine reads the machine's description, the runtimes' versions and the version
// of the PostgreSQL server at dsn.
func describeMachine(ctx context.Context, dsn string) Machine {
	m := Machine{Cores: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		cores := 0
		for line := range strings.Lines(string(b)) {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "model name":
				m.CPU = strings.TrimSpace(v)
			case "processor":
				cores++
			}
		}
		if cores > 0 {
			m.Cores = cores
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		for line := range strings.Lines(string(b)) {
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
				m.MemoryMiB = kb / 1024
				break
			}
		}
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`)
			}
		}
	}
	m.Kernel, _ = command("uname", "-sr")
	m.Go, _ = command("go", "env", "GOVERSION")
	m.Node, _ = command("node", "--version")
	m.Python, _ = command("/usr/bin/python3", "--version")
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.QueryRow(ctx, "SHOW server_version").Scan(&m.PostgreSQL)
		conn.Close(ctx)
	}
	if out, err := exec.Command("wrk", "-v").CombinedOutput(); len(out) > 0 {
		_ = err // wrk -v exits non-zero after printing its version
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		m.Wrk, _, _ = strings.Cut(line, " [")
	}
	return m
}
