package observe

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Guard decides who may use the ops endpoints (metrics, profiles, log level, the ops
// page). A request passes when it carries the token (as "Authorization: Bearer TOKEN", or
// as the password of HTTP Basic authentication so that a browser can log in), when
// AllowLoopback is set and it comes from the loopback interface, or when Authorize says so.
// The zero Guard lets nobody in. The token is never read from the query string, which ends
// up in access logs and browser history.
type Guard struct {
	// Token is the shared secret; "" accepts no token.
	Token string
	// AllowLoopback lets requests from 127.0.0.0/8 and ::1 in without a token (the App sets
	// it in dev). The address is the request's RemoteAddr, so behind a reverse proxy on the
	// same host every request would pass: never set it in production.
	AllowLoopback bool
	// Authorize, when set, may let a request in by other means (a staff user's session).
	Authorize func(r *http.Request) bool
}

// Allow reports whether r may use the ops endpoints.
func (g Guard) Allow(r *http.Request) bool {
	if g.Token != "" {
		if tok, ok := tokenOf(r); ok && sameSecret(tok, g.Token) {
			return true
		}
	}
	if g.AllowLoopback && isLoopback(r.RemoteAddr) {
		return true
	}
	return g.Authorize != nil && g.Authorize(r)
}

// Wrap returns h behind the guard: refused requests get 401 with a WWW-Authenticate
// challenge and never reach h.
func (g Guard) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.Allow(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="sinew ops", charset="UTF-8"`)
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "401 unauthorized: the ops endpoints need the ops token (SINEW_OPS_TOKEN) as a bearer token or Basic password", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func tokenOf(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	if _, pw, ok := r.BasicAuth(); ok {
		return pw, true
	}
	return "", false
}

// sameSecret compares in constant time, whatever the lengths.
func sameSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// OpsConfig configures [Observer.OpsHandler].
type OpsConfig struct {
	// Guard protects every endpoint. Its zero value refuses everyone.
	Guard Guard
	// Level is the log level /ops/loglevel reads and changes; nil answers 404 there.
	Level *slog.LevelVar
	// Logger records level changes. Default: slog.Default().
	Logger *slog.Logger
	// Report returns what the ops page shows; nil shows the build and runtime only.
	Report func(ctx context.Context) Report
}

// Report is what the ops page (/ops) shows about the app.
type Report struct {
	Build      Build             `json:"build"`
	Started    time.Time         `json:"started"`
	Uptime     string            `json:"uptime"`
	Runtime    RuntimeStats      `json:"runtime"`
	Settings   []Setting         `json:"settings"`
	Routes     []RouteInfo       `json:"routes"`
	Migrations []MigrationState  `json:"migrations"`
	MigrateErr string            `json:"migrations_error,omitempty"`
	Checks     map[string]string `json:"checks,omitempty"`
	LogLevel   string            `json:"log_level,omitempty"`
}

// RuntimeStats are a few Go runtime figures for the ops page.
type RuntimeStats struct {
	Goroutines int    `json:"goroutines"`
	HeapAlloc  uint64 `json:"heap_alloc_bytes"`
	Sys        uint64 `json:"sys_bytes"`
	NumGC      uint32 `json:"num_gc"`
	GOMAXPROCS int    `json:"gomaxprocs"`
}

// Setting is one configuration value, already redacted (see Redact).
type Setting struct {
	Name  string `json:"name"`  // the environment variable
	Value string `json:"value"` // its effective value, redacted
}

// RouteInfo is one route on the ops page.
type RouteInfo struct {
	Method  string `json:"method"`
	Pattern string `json:"pattern"`
	Name    string `json:"name,omitempty"`
}

// MigrationState is one migration on the ops page.
type MigrationState struct {
	Name      string    `json:"name"`
	Applied   bool      `json:"applied"`
	AppliedAt time.Time `json:"applied_at,omitzero"`
}

func readRuntime() RuntimeStats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return RuntimeStats{Goroutines: runtime.NumGoroutine(), HeapAlloc: ms.HeapAlloc, Sys: ms.Sys, NumGC: ms.NumGC,
		GOMAXPROCS: runtime.GOMAXPROCS(0)}
}

// OpsHandler returns the ops endpoints, all behind cfg.Guard:
//
//	GET  /metrics                     Prometheus exposition (text or protobuf, gzip)
//	GET  /ops                         the ops page: build, uptime, settings (redacted),
//	                                  routes, migrations; JSON with Accept: application/json
//	GET  /ops/loglevel                {"level":"INFO"}
//	PUT  /ops/loglevel                {"level":"debug"} (or POST level=debug): change it
//	GET  /debug/pprof/                the list of profiles
//	GET  /debug/pprof/NAME            heap, goroutine, allocs, block, mutex, threadcreate
//	                                  (?debug=1 or 2 for text; ?gc=1 before heap)
//	GET  /debug/pprof/profile         a CPU profile (?seconds=N, default 10, at most 60)
//	GET  /debug/pprof/trace           an execution trace (?seconds=N, default 1, at most 30)
//
// The profiles are written with runtime/pprof directly: net/http/pprof is not imported, so
// nothing is registered on http.DefaultServeMux behind the app's back.
func (o *Observer) OpsHandler(cfg OpsConfig) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	started := time.Now()
	// Level changes are refused from cross-origin browser requests (a browser that holds
	// Basic credentials for the ops endpoints would otherwise send them for any site).
	crossOrigin := http.NewCrossOriginProtection()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{o.log},
		EnableOpenMetrics: true})) // OpenMetrics carries the latency exemplars (trace IDs)
	mux.HandleFunc("GET /ops", func(w http.ResponseWriter, r *http.Request) {
		rep := Report{}
		if cfg.Report != nil {
			rep = cfg.Report(r.Context())
		}
		rep.Build = ReadBuild()
		if rep.Started.IsZero() {
			rep.Started = started
		}
		rep.Uptime = time.Since(rep.Started).Round(time.Second).String()
		rep.Runtime = readRuntime()
		if cfg.Level != nil {
			rep.LogLevel = cfg.Level.Level().String()
		}
		w.Header().Set("Cache-Control", "no-store")
		if wantsJSON(r) {
			writeJSON(w, http.StatusOK, rep)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := opsPage.Execute(w, rep); err != nil {
			o.log.Warn("observe: rendering the ops page", "error", err)
		}
	})
	level := func(w http.ResponseWriter, r *http.Request) {
		if cfg.Level == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			writeJSON(w, http.StatusOK, map[string]string{"level": cfg.Level.Level().String()})
			return
		}
		if err := crossOrigin.Check(r); err != nil {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin request refused"})
			return
		}
		want, err := readLevel(r)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		old := cfg.Level.Level()
		cfg.Level.Set(want)
		cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "observe: log level changed",
			slog.String("from", old.String()), slog.String("to", want.String()), slog.String("remote", r.RemoteAddr))
		writeJSON(w, http.StatusOK, map[string]string{"level": want.String(), "previous": old.String()})
	}
	mux.HandleFunc("GET /ops/loglevel", level)
	mux.HandleFunc("PUT /ops/loglevel", level)
	mux.HandleFunc("POST /ops/loglevel", level)
	mux.HandleFunc("GET /debug/pprof/{name...}", o.servePprof)
	return cfg.Guard.Wrap(mux)
}

// maxLevelBody bounds the body of a level change.
const maxLevelBody = 1 << 10

// readLevel reads the wanted level from a JSON body {"level":"debug"}, a form, or the
// query string (level=debug).
func readLevel(r *http.Request) (slog.Level, error) {
	var name string
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var body struct {
			Level string `json:"level"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxLevelBody))
		if err := dec.Decode(&body); err != nil {
			return 0, fmt.Errorf("bad JSON body: want {\"level\":\"debug|info|warn|error\"}")
		}
		name = body.Level
	default:
		r.Body = http.MaxBytesReader(nil, r.Body, maxLevelBody)
		if err := r.ParseForm(); err != nil {
			return 0, errors.New("bad form body: want level=debug|info|warn|error")
		}
		name = r.Form.Get("level")
	}
	if name == "" {
		return 0, errors.New("missing level: want debug, info, warn or error")
	}
	if len(name) > 20 {
		name = name[:20]
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return 0, fmt.Errorf("level %q: want debug, info, warn or error (optionally with an offset such as warn+2)", name)
	}
	return l, nil
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") || r.URL.Query().Get("format") == "json"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// profiles lists the named profiles served under /debug/pprof/.
var profiles = []string{"allocs", "block", "goroutine", "heap", "mutex", "threadcreate"}

func (o *Observer) servePprof(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch name {
	case "":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = pprofIndex.Execute(w, profiles)
		return
	case "profile":
		secs := seconds(r, 10, 60)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="cpu.pb.gz"`)
		if err := pprof.StartCPUProfile(w); err != nil {
			w.Header().Del("Content-Disposition")
			http.Error(w, "cannot profile: "+err.Error(), http.StatusConflict)
			return
		}
		sleep(r.Context(), secs)
		pprof.StopCPUProfile()
		return
	case "trace":
		secs := seconds(r, 1, 30)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="trace.out"`)
		if err := trace.Start(w); err != nil {
			w.Header().Del("Content-Disposition")
			http.Error(w, "cannot trace: "+err.Error(), http.StatusConflict)
			return
		}
		sleep(r.Context(), secs)
		trace.Stop()
		return
	}
	p := pprof.Lookup(name)
	if p == nil || !known(name) {
		http.Error(w, "404 unknown profile: see /debug/pprof/", http.StatusNotFound)
		return
	}
	debug, _ := strconv.Atoi(r.URL.Query().Get("debug"))
	if debug < 0 || debug > 2 {
		debug = 0
	}
	if name == "heap" && r.URL.Query().Get("gc") == "1" {
		runtime.GC()
	}
	if debug == 0 {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pb.gz"`)
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	_ = p.WriteTo(w, debug)
}

func known(name string) bool {
	i := sort.SearchStrings(profiles, name)
	return i < len(profiles) && profiles[i] == name
}

func seconds(r *http.Request, def, limit int) time.Duration {
	n, err := strconv.Atoi(r.URL.Query().Get("seconds"))
	if err != nil || n <= 0 {
		n = def
	}
	return time.Duration(min(n, limit)) * time.Second
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// slogPrinter adapts a slog.Logger to promhttp's error log.
type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.l.Warn("observe: metrics: " + fmt.Sprint(v...)) }

var pprofIndex = template.Must(template.New("pprof").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Profiles</title></head><body>
<h1>Profiles</h1>
<ul>{{range .}}<li><a href="{{.}}?debug=1">{{.}}</a> (<a href="{{.}}">download</a>)</li>
{{end}}<li><a href="profile?seconds=10">profile</a>: 10 s of CPU</li>
<li><a href="trace?seconds=1">trace</a>: 1 s execution trace</li></ul>
<p>Download a profile with the ops token and open it with <code>go tool pprof -http=: FILE</code>.</p>
</body></html>
`))

var opsPage = template.Must(template.New("ops").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Operations</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f4f4f4}code{font-size:13px}</style>
</head><body>
<h1>Operations</h1>
<h2>Build</h2>
<table>
<tr><th>version</th><td>{{.Build.Version}}</td></tr>
<tr><th>module</th><td>{{.Build.Path}}</td></tr>
<tr><th>commit</th><td>{{with .Build.Revision}}{{.}}{{else}}not recorded (built outside a VCS checkout, or with -buildvcs=false){{end}}{{if .Build.Modified}} (modified){{end}} {{.Build.Time}}</td></tr>
<tr><th>Go</th><td>{{.Build.GoVersion}}</td></tr>
<tr><th>started</th><td>{{.Started.Format "2006-01-02 15:04:05 MST"}} (up {{.Uptime}})</td></tr>
<tr><th>runtime</th><td>{{.Runtime.Goroutines}} goroutines, heap {{.Runtime.HeapAlloc}} B, sys {{.Runtime.Sys}} B, {{.Runtime.NumGC}} GCs, GOMAXPROCS {{.Runtime.GOMAXPROCS}}</td></tr>
{{if .LogLevel}}<tr><th>log level</th><td>{{.LogLevel}} (change with PUT /ops/loglevel)</td></tr>{{end}}
</table>
<p><a href="/metrics">metrics</a> · <a href="/debug/pprof/">profiles</a> · <a href="/debug/pprof/goroutine?debug=1">goroutines</a> · <a href="/debug/pprof/heap?debug=1">heap</a> · <a href="/ops?format=json">JSON</a></p>
{{if .Checks}}<h2>Checks</h2><table>{{range $k, $v := .Checks}}<tr><th>{{$k}}</th><td>{{$v}}</td></tr>{{end}}</table>{{end}}
<h2>Configuration</h2>
<table>{{range .Settings}}<tr><th><code>{{.Name}}</code></th><td><code>{{.Value}}</code></td></tr>{{end}}</table>
<h2>Migrations</h2>
{{if .MigrateErr}}<p>{{.MigrateErr}}</p>{{end}}
<table><tr><th>name</th><th>state</th></tr>{{range .Migrations}}<tr><td>{{.Name}}</td><td>{{if .Applied}}applied {{.AppliedAt.Format "2006-01-02 15:04:05"}}{{else}}<b>pending</b>{{end}}</td></tr>{{else}}<tr><td colspan="2">none</td></tr>{{end}}</table>
<h2>Routes</h2>
<table><tr><th>method</th><th>pattern</th><th>name</th></tr>{{range .Routes}}<tr><td>{{.Method}}</td><td><code>{{.Pattern}}</code></td><td>{{.Name}}</td></tr>{{end}}</table>
</body></html>
`))
