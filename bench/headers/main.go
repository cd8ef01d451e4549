// Command headers measures what response headers cost a net/http server, next to a Sinew
// App: run.sh starts it once per variant, pinned to one core, and loads /plaintext with wrk
// pinned to the other, alternating the variants round after round.
//
// The variants (VARIANT):
//
//	mux          a bare http.ServeMux answering "Hello, World!" with Content-Type and Server
//	mux-headers  the same handler behind a layer that adds the four headers Sinew's stack
//	             sent on an API answer before X-Frame-Options became document-only: Vary,
//	             X-Content-Type-Options, X-Frame-Options and a 26-character X-Request-Id
//	app          a sinew.App (production defaults from the environment, no database) with
//	             the same handler
//
// docs/benchmarks.md, "Full-stack: where Sinew's time goes", quotes its figures.
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
)

var body = []byte("Hello, World!")

func plain(w http.ResponseWriter, _ *http.Request) {
	w.Header()["Content-Type"] = []string{"text/plain"}
	w.Header()["Server"] = []string{"bench"}
	_, _ = w.Write(body)
}

// crockford is the alphabet of Sinew's request IDs.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// withHeaders adds four headers before next runs, each value in its own slice, as a
// middleware would.
func withHeaders(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Vary"] = []string{"Accept-Encoding"}
		h["X-Content-Type-Options"] = []string{"nosniff"}
		h["X-Frame-Options"] = []string{"DENY"}
		var b [26]byte
		_, _ = rand.Read(b[:])
		for i := range b {
			b[i] = crockford[b[i]&31]
		}
		h["X-Request-Id"] = []string{string(b[:])}
		next(w, r)
	}
}

func main() {
	addr := ":" + env("PORT", "8080")
	v := env("VARIANT", "mux")
	if v == "app" {
		app := sinew.New() // configured by the environment run.sh sets: prod, log level warn
		app.GET("/plaintext", func(c *web.Ctx) error {
			c.SetHeader("Server", "bench")
			return c.Blob(http.StatusOK, "text/plain", body)
		})
		if err := app.ListenAndServe(context.Background()); err != nil {
			log.Fatal(err)
		}
		return
	}
	h, err := muxVariant(v)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(addr, h))
}

// muxVariant returns the ServeMux of the variant named v: "mux" or "mux-headers".
func muxVariant(v string) (http.Handler, error) {
	h := plain
	switch v {
	case "mux":
	case "mux-headers":
		h = withHeaders(plain)
	default:
		return nil, fmt.Errorf("headers: unknown VARIANT %q (want mux, mux-headers or app)", v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /plaintext", h)
	return mux, nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
