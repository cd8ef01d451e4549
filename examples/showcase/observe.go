package main

import (
	"context"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
)

// observeDemo registers /observe: the request counters the app keeps by route pattern
// (read from the same registry /metrics exposes), a metric of the showcase's own, and a
// traced outgoing call. In dev the ops endpoints (/metrics, /ops, /debug/pprof/) answer
// requests from localhost; elsewhere they need SINEW_OPS_TOKEN.
func observeDemo(app *sinew.App) {
	views := app.Observer().Counter("showcase_observe_views_total", "Views of the showcase's operations page.")
	client := app.HTTPClient()

	app.GET("/observe", func(c *web.Ctx) error {
		views.WithLabelValues().Inc()
		// An outgoing call through the app's client: with tracing on, it is a child span of
		// this request and carries traceparent. It goes to this server's own address (never
		// to the Host header, which the client chooses).
		probe := "skipped"
		if addr, ok := c.Request.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			ctx, cancel := context.WithTimeout(c, 2*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr.String()+"/healthz", nil)
			if err == nil {
				if res, err := client.Do(req); err == nil {
					res.Body.Close()
					probe = res.Status
				} else {
					probe = "failed"
				}
			}
		}
		return c.Render(http.StatusOK, "observe/index.html", map[string]any{
			"Rows":    requestCounts(app),
			"Tracing": app.Observer().Tracing(),
			"Dev":     app.Dev(),
			"Probe":   probe,
		})
	}).Name("observe")
}

// routeCount is one row of the request table.
type routeCount struct {
	Method, Route, Status string
	Count                 float64
}

// requestCounts reads sinew_http_requests_total from the app's metrics registry.
func requestCounts(app *sinew.App) []routeCount {
	fams, err := app.Observer().Gatherer().Gather()
	if err != nil {
		return nil
	}
	var rows []routeCount
	for _, f := range fams {
		if f.GetName() != "sinew_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			r := routeCount{Count: m.GetCounter().GetValue()}
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "method":
					r.Method = l.GetValue()
				case "route":
					r.Route = l.GetValue()
				case "status":
					r.Status = l.GetValue()
				}
			}
			rows = append(rows, r)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Count != rows[j].Count {
			return rows[i].Count > rows[j].Count
		}
		return rows[i].Route < rows[j].Route
	})
	return rows
}
