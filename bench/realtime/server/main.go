// Command server is the Sinew side of the realtime benchmark: a bare router with the hub
// mounted at /ws and a /broadcast endpoint that publishes its body on the "bench" channel.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/sinewdev/sinew/realtime"
	"github.com/sinewdev/sinew/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	hub, err := realtime.New(ctx, realtime.Config{SendQueue: 64})
	if err != nil {
		log.Fatal(err)
	}
	hub.Channel("bench", realtime.Channel{})
	r := web.NewRouter(web.Config{})
	r.GET("/ws", hub.ServeWS)
	r.POST("/broadcast", func(c *web.Ctx) error {
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, 64<<10))
		if err != nil {
			return err
		}
		if err := hub.Publish(c, "bench", "tick", json.RawMessage(body)); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	r.GET("/stats", func(c *web.Ctx) error { return c.JSON(http.StatusOK, hub.Stats()) })
	// The Go runtime's view of memory after a collection: live heap and goroutine stacks,
	// which the resident size (what the benchmark compares) exceeds by the GC's headroom.
	r.GET("/debug/mem", func(c *web.Ctx) error {
		runtime.GC()
		if p := os.Getenv("SINEW_BENCH_HEAP_PROFILE"); p != "" {
			if f, err := os.Create(p); err == nil {
				_ = pprof.WriteHeapProfile(f)
				_ = f.Close()
			}
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return c.JSON(http.StatusOK, map[string]any{
			"heap_inuse": m.HeapInuse, "heap_alloc": m.HeapAlloc, "stack_inuse": m.StackInuse,
			"sys": m.Sys, "goroutines": runtime.NumGoroutine(),
		})
	})

	if p := os.Getenv("SINEW_BENCH_CPU_PROFILE"); p != "" { // profile the whole run
		f, err := os.Create(p)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	srv := &http.Server{Handler: r}
	go func() {
		<-ctx.Done()
		_ = hub.Close(context.Background())
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
