package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"strings"
)

// HTTPError is an error meant for the client: its status and message are shown as they are.
// Create one with [Error]; return it from a handler.
type HTTPError struct {
	Code    int          // the HTTP status
	Message string       // shown to the client; defaults to the status text
	Fields  []FieldError // per-field problems, for 400 and 422 answers
	Err     error        // the underlying cause, logged but never shown
}

// Error returns a client-facing error with the given status and message.
func Error(code int, msg string) *HTTPError { return &HTTPError{Code: code, Message: msg} }

// Errorf is [Error] with a formatted message.
func Errorf(code int, format string, args ...any) *HTTPError {
	return &HTTPError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error returns the status, the message and the cause, for logs.
func (e *HTTPError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Code)
	}
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Code, msg)
}

// StatusCode returns the HTTP status.
func (e *HTTPError) StatusCode() int { return e.Code }

// Unwrap returns the cause.
func (e *HTTPError) Unwrap() error { return e.Err }

// FieldError is one problem with one input field, reported in problem+json "errors".
type FieldError struct {
	Location string `json:"location"`       // where the value came from: "body.title", "query.limit"
	Message  string `json:"message"`        // a human message
	Code     string `json:"code,omitempty"` // a stable machine code: "required", "max_length", "type"
}

// The errors the router itself answers with.
var (
	ErrNotFound         = &HTTPError{Code: http.StatusNotFound}
	ErrMethodNotAllowed = &HTTPError{Code: http.StatusMethodNotAllowed}
)

// StatusOf is the one place where errors become HTTP statuses:
//   - an error with a StatusCode() int method anywhere in its chain (HTTPError, the ORM's
//     ErrNotFound 404, UniqueViolation 409, NotNullViolation 422, ...) gives that status;
//   - a request body over the size limit gives 413;
//   - a timed-out request context gives 503;
//   - anything else is 500.
func StatusOf(err error) int {
	if err == nil {
		return http.StatusOK
	}
	var sc interface{ StatusCode() int }
	if errors.As(err, &sc) {
		if code := sc.StatusCode(); code >= 400 && code <= 599 {
			return code
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// clientMessage returns what the client may see about err: the message of intended errors,
// the status text for server errors (their details are only logged).
func clientMessage(err error, code int) string {
	var he *HTTPError
	if errors.As(err, &he) && he.Message != "" && he.Code == code {
		// Written for the client, whatever the status: Error(503, "down for maintenance").
		return he.Message
	}
	if code < 500 && he == nil {
		var sc interface{ StatusCode() int }
		if errors.As(err, &sc) {
			// Only the message of the error that carries the status: the wrappers around it
			// ("INSERT INTO users ... failed: %w") are internal.
			if e, ok := sc.(error); ok {
				return e.Error()
			}
		}
	}
	if code == http.StatusRequestEntityTooLarge {
		return "request body too large"
	}
	return http.StatusText(code)
}

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
	Debug     string       `json:"debug,omitempty"` // only with Config.Debug
}

// ProblemOf builds the problem document for err as answered for c.
func ProblemOf(c *Ctx, err error, debug bool) Problem {
	code := StatusOf(err)
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(code),
		Status:    code,
		Instance:  cutText(c.Request.URL.Path, 200), // a 10 KB path must not make a 10 KB answer
		RequestID: c.requestID,
	}
	if msg := clientMessage(err, code); msg != p.Title {
		p.Detail = msg
	}
	var he *HTTPError
	if errors.As(err, &he) {
		p.Errors = he.Fields
	}
	var fe interface{ FieldErrors() []FieldError }
	if p.Errors == nil && errors.As(err, &fe) {
		p.Errors = fe.FieldErrors()
	}
	if debug && code >= 500 {
		p.Debug = err.Error()
	}
	return p
}

// ErrorPages returns the default error handler. It logs server errors (5xx) with the
// request ID, then answers API clients (Accept or Content-Type JSON) with
// application/problem+json and browsers with an HTML page; with debug on, the page shows the
// error chain, the stack of a panic and the request's details.
func ErrorPages(debug bool, logger *slog.Logger) func(c *Ctx, err error) {
	if logger == nil {
		logger = slog.Default()
	}
	return func(c *Ctx, err error) {
		if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
			// The client went away: nobody reads an answer, and it is not a server error.
			logger.DebugContext(c.Request.Context(), "client went away", "method", c.Request.Method,
				"path", c.Request.URL.Path, "route", c.RoutePattern(), "request_id", c.requestID)
			return
		}
		code := StatusOf(err)
		// An error of any status after the response started can only be logged.
		if late := c.Written(); code >= 500 || late {
			attrs := []any{"err", err.Error(), "status", code, "method", c.Request.Method,
				"path", c.Request.URL.Path, "route", c.RoutePattern()}
			if late {
				attrs = append(attrs, "response_started", true)
			}
			if c.requestID != "" {
				attrs = append(attrs, "request_id", c.requestID)
			}
			var pe *PanicError
			if errors.As(err, &pe) {
				attrs = append(attrs, "stack", string(pe.Stack))
			}
			logger.ErrorContext(c.Request.Context(), "request failed", attrs...)
		}
		if c.Written() {
			return // headers are gone; the log line is all we can do
		}
		h := c.Writer.Header()
		h.Del("Content-Length")
		h.Del("Content-Encoding")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		p := ProblemOf(c, err, debug)
		if WantsJSON(c.Request) {
			b, _ := json.Marshal(p)
			h.Set("Content-Type", "application/problem+json")
			c.Writer.WriteHeader(code)
			_, _ = c.Writer.Write(b)
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		c.Writer.WriteHeader(code)
		if c.Request.Method == http.MethodHead {
			return
		}
		data := errorPageData{Problem: p}
		if debug {
			data.Debug = debugInfo(c, err)
		}
		_ = errorPage.Execute(c.Writer, data)
	}
}

// WantsJSON reports whether the client prefers JSON to HTML: its Accept header names JSON
// (or problem+json) before any HTML type, or it sent JSON and accepts anything.
func WantsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	for _, part := range strings.Split(accept, ",") {
		mt := strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		switch {
		case mt == "text/html" || mt == "application/xhtml+xml":
			return false
		case strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json"):
			return true
		}
	}
	if strings.Contains(r.Header.Get("Content-Type"), "json") {
		return true
	}
	// curl and API clients send */* or nothing; browsers always list text/html.
	return accept == "" || accept == "*/*"
}

type errorPageData struct {
	Problem
	Debug *debugData
}

type debugData struct {
	Chain   []string
	Stack   string
	Method  string
	URL     string
	Route   string
	Params  [][2]string
	Headers [][2]string
}

func debugInfo(c *Ctx, err error) *debugData {
	d := &debugData{Method: c.Request.Method, URL: c.Request.URL.String(), Route: c.RoutePattern()}
	for e := err; e != nil; e = errors.Unwrap(e) {
		d.Chain = append(d.Chain, fmt.Sprintf("%T: %v", e, e))
		if len(d.Chain) > 20 {
			break
		}
	}
	var pe *PanicError
	if errors.As(err, &pe) {
		d.Stack = string(pe.Stack)
	}
	if c.route != nil {
		for i, n := range c.route.parsed.names {
			if i < len(c.params) {
				d.Params = append(d.Params, [2]string{n, c.params[i]})
			}
		}
	}
	keys := make([]string, 0, len(c.Request.Header))
	for k := range c.Request.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := strings.Join(c.Request.Header[k], ", ")
		switch k {
		case "Authorization", "Cookie", "Proxy-Authorization", "X-Csrf-Token":
			v = "[redacted]"
		}
		d.Headers = append(d.Headers, [2]string{k, v})
	}
	return d
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Status}} {{.Title}}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:56rem;margin:4rem auto;padding:0 1.5rem}
h1{font-size:1.6rem;margin:0 0 .5rem}.code{color:#8a94a6;font-weight:400}
pre{background:#1d2330;color:#e6e9ef;padding:1rem;overflow:auto;border-radius:6px;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:14px}td{border-top:1px solid #dde1e8;padding:.3rem .5rem;vertical-align:top;word-break:break-all}
.rid{color:#8a94a6;font-size:13px}
@media (prefers-color-scheme:dark){body{background:#12151c;color:#e6e9ef}td{border-color:#2a303c}}
</style></head><body><main>
<h1><span class="code">{{.Status}}</span> {{.Title}}</h1>
{{if .Detail}}<p>{{.Detail}}</p>{{end}}
{{with .Errors}}<ul>{{range .}}<li><strong>{{.Location}}</strong>: {{.Message}}</li>{{end}}</ul>{{end}}
{{if .RequestID}}<p class="rid">Request ID: {{.RequestID}}</p>{{end}}
{{with .Debug}}
<h2>Error</h2><pre>{{range .Chain}}{{.}}
{{end}}</pre>
{{if .Stack}}<h2>Stack</h2><pre>{{.Stack}}</pre>{{end}}
<h2>Request</h2><table>
<tr><td>Method</td><td>{{.Method}}</td></tr><tr><td>URL</td><td>{{.URL}}</td></tr><tr><td>Route</td><td>{{.Route}}</td></tr>
{{range .Params}}<tr><td>param {{index . 0}}</td><td>{{index . 1}}</td></tr>{{end}}
{{range .Headers}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td></tr>{{end}}
</table>
<p class="rid">This page is shown because debug mode is on (SINEW_ENV=dev). It is never shown in production.</p>
{{end}}
</main></body></html>`))

// bodyError classifies an error from reading the request body.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &HTTPError{Code: http.StatusRequestEntityTooLarge,
			Message: fmt.Sprintf("request body larger than %d bytes", mbe.Limit), Err: err}
	}
	if err.Error() == "http: POST too large" { // net/http's own 10 MB cap on URL-encoded forms
		return &HTTPError{Code: http.StatusRequestEntityTooLarge, Message: "form body larger than 10 MB", Err: err}
	}
	// Parser messages may quote the offending input (a multipart header line): cut them.
	return &HTTPError{Code: http.StatusBadRequest, Message: "malformed request body: " + cutText(err.Error(), 120), Err: err}
}
