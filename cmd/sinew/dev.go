package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

const devHelp = `Usage: sinew dev [--addr HOST:PORT]

Serves the app of the current directory for development: it builds the app, runs it on a
private port behind a small proxy listening on --addr (default 127.0.0.1:8080), and on every
change of a .go, .html, .tmpl, .css, .js, .json, .sql, go.mod or .env file under the app
it rebuilds and restarts the app. A build that fails shows its compiler errors in the
terminal and, in the browser, on the next request (HTTP 500) until it is fixed. Sessions live
in the app's database and the dev secret key in data/secret_key, so a restart keeps the
browser logged in. Stop it with Ctrl-C.
`

func runDev(ctx context.Context, e *env, args []string) error {
	fset := flag.NewFlagSet("dev", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	addr := fset.String("addr", "127.0.0.1:8080", "")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usagef("%v", err)
	}
	if fset.NArg() > 0 {
		return usagef("unexpected argument %q", clip(fset.Arg(0)))
	}
	root, err := findApp(e.dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	d := &devServer{root: root, e: e}
	return d.serve(ctx, ln)
}

// devServer builds and runs the app and proxies requests to it.
type devServer struct {
	root string
	e    *env

	mu       sync.Mutex
	buildErr string // the last build's compiler output, "" after a good build
	cmd      *exec.Cmd
	exited   chan struct{}
	target   *url.URL
	logMu    sync.Mutex
}

func (d *devServer) logf(format string, args ...any) {
	d.logMu.Lock()
	defer d.logMu.Unlock()
	fmt.Fprintf(d.e.stderr, "sinew dev: "+format+"\n", args...)
}

func (d *devServer) serve(ctx context.Context, ln net.Listener) error {
	binDir, err := os.MkdirTemp("", "sinew-dev-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	bin := filepath.Join(binDir, "app")

	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := d.watchTree(w, d.root); err != nil {
		return err
	}

	srv := &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	d.logf("serving http://%s (the app is rebuilt and restarted when its files change)", ln.Addr())

	d.rebuild(ctx, bin)
	defer d.stopApp()
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() && !skipDir(filepath.Base(ev.Name)) {
					_ = d.watchTree(w, ev.Name)
				}
			}
			if !relevant(ev.Name) {
				continue
			}
			if timer != nil {
				timer.Stop()
			}
			timer = time.AfterFunc(150*time.Millisecond, func() {
				select {
				case fire <- struct{}{}:
				default:
				}
			})
		case <-fire:
			d.logf("change detected: rebuilding")
			d.rebuild(ctx, bin)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			d.logf("watching: %v", err)
		}
	}
}

// skipDir reports directories that are never watched.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "data" || name == "node_modules" || name == "vendor" || name == "testdata"
}

// relevant reports whether a change of the file matters to the build or the running app.
func relevant(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".sinew-") || strings.HasPrefix(base, ".makemigrations-") || strings.HasSuffix(base, "~") {
		return false
	}
	if base == "go.mod" || base == "go.sum" || base == ".env" {
		return true
	}
	switch filepath.Ext(base) {
	case ".go", ".html", ".tmpl", ".css", ".js", ".json", ".sql", ".txt", ".svg":
		return !strings.HasSuffix(base, "_test.go")
	}
	return false
}

// watchTree watches dir and its subdirectories.
func (d *devServer) watchTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return nil // a directory removed meanwhile
		}
		if !de.IsDir() {
			return nil
		}
		if p != dir && skipDir(de.Name()) {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}

// rebuild builds the app into bin; on success it restarts the app, on failure it keeps the
// compiler output for the next request and leaves the old app stopped.
func (d *devServer) rebuild(ctx context.Context, bin string) {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = d.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		msg := strings.TrimSpace(out.String())
		if msg == "" {
			msg = err.Error()
		}
		d.mu.Lock()
		d.buildErr = msg
		d.mu.Unlock()
		d.stopApp()
		d.logf("build failed:\n%s", msg)
		return
	}
	d.mu.Lock()
	d.buildErr = ""
	d.mu.Unlock()
	d.logf("built in %s", time.Since(start).Round(time.Millisecond))
	d.stopApp()
	if err := d.startApp(bin); err != nil {
		d.mu.Lock()
		d.buildErr = "starting the app: " + err.Error()
		d.mu.Unlock()
		d.logf("starting the app: %v", err)
	}
}

// startApp runs bin on a free local port.
func (d *devServer) startApp(bin string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(bin)
	cmd.Dir = d.root
	cmd.Env = append(os.Environ(), "SINEW_ADDR="+addr, "PORT="+fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = d.e.stdout, d.e.stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	d.mu.Lock()
	d.cmd, d.exited = cmd, exited
	d.target = &url.URL{Scheme: "http", Host: addr}
	d.mu.Unlock()
	return nil
}

// stopApp stops the running app: SIGTERM, then SIGKILL after 10 seconds.
func (d *devServer) stopApp() {
	d.mu.Lock()
	cmd, exited := d.cmd, d.exited
	d.cmd, d.exited, d.target = nil, nil, nil
	d.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// ServeHTTP proxies to the app, or shows the last build error.
func (d *devServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		d.mu.Lock()
		buildErr, target, exited := d.buildErr, d.target, d.exited
		d.mu.Unlock()
		if buildErr != "" {
			d.errorPage(w, r, buildErr)
			return
		}
		if target != nil {
			// Wait until the app listens (it may still be starting).
			c, err := net.DialTimeout("tcp", target.Host, time.Second)
			if err == nil {
				c.Close()
				p := httputil.NewSingleHostReverseProxy(target)
				p.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
					d.errorPage(w, r, "the app did not answer: "+err.Error())
				}
				p.ServeHTTP(w, r)
				return
			}
			select {
			case <-exited:
				d.errorPage(w, r, "the app exited; see the terminal for its output")
				return
			default:
			}
		}
		if time.Now().After(deadline) || r.Context().Err() != nil {
			d.errorPage(w, r, "the app is not running yet; see the terminal")
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// errorPage answers 500 with msg, as HTML for browsers and text for others.
func (d *devServer) errorPage(w http.ResponseWriter, r *http.Request, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>Build failed</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}pre{background:#fff0f0;padding:1rem;white-space:pre-wrap}</style></head>
<body><h1>sinew dev: the app is not running</h1><pre>%s</pre><p>Fix the error and save: the page answers again after the next build.</p></body></html>`, html.EscapeString(msg))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, "sinew dev: the app is not running\n\n%s\n", msg)
}
