package observe_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/sinewdev/sinew/observe"
	"github.com/sinewdev/sinew/web"
)

// An Observer's middleware counts requests by route pattern; its ops handler exposes them
// to Prometheus behind a token. (A sinew.App wires both by default.)
func Example() {
	o, err := observe.New(observe.Config{}) // tracing off: no OTLP endpoint
	if err != nil {
		log.Fatal(err)
	}
	r := web.NewRouter(web.Config{})
	r.Use(o.Middleware())
	r.GET("/posts/{id}", func(c *web.Ctx) error { return c.Text(200, "post "+c.Param("id")) })
	r.HandleHTTP("/metrics", o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: "s3cret-token-for-the-example"}}))
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, id := range []string{"1", "2", "3"} {
		res, err := http.Get(srv.URL + "/posts/" + id)
		if err != nil {
			log.Fatal(err)
		}
		res.Body.Close()
	}
	res, _ := http.Get(srv.URL + "/metrics")
	fmt.Println("anonymous:", res.StatusCode)
	res.Body.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer s3cret-token-for-the-example")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "sinew_http_requests_total{") {
			fmt.Println(line)
		}
	}
	// Output:
	// anonymous: 401
	// sinew_http_requests_total{method="GET",route="/metrics",status="4xx"} 1
	// sinew_http_requests_total{method="GET",route="/posts/{id}",status="2xx"} 3
}

// Other capabilities add their metrics to the app's observer (app.Observer()).
func ExampleObserver_Counter() {
	o, err := observe.New(observe.Config{})
	if err != nil {
		log.Fatal(err)
	}
	done := o.Counter("jobs_completed_total", "Jobs completed, by queue.", "queue")
	done.WithLabelValues("mail").Inc()
	o.GaugeFunc("realtime_connections", "Open WebSocket and SSE connections.", func() float64 { return 12 })

	fams, err := o.Gatherer().Gather()
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "sinew_jobs") || strings.HasPrefix(f.GetName(), "sinew_realtime") {
			m := f.GetMetric()[0]
			fmt.Println(f.GetName(), m.GetCounter().GetValue()+m.GetGauge().GetValue())
		}
	}
	// Output:
	// sinew_jobs_completed_total 1
	// sinew_realtime_connections 12
}
