// Command loadgen measures a realtime server: it opens -n WebSocket connections, each
// subscribed to the "bench" channel, reads the server's resident memory (VmRSS of -pid)
// before and after to get the memory per idle connection, then triggers -rounds
// broadcasts through POST /broadcast and records, for every client, how long after the
// trigger the message arrived. It prints one JSON object with the results.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Result is what loadgen prints.
type Result struct {
	Server          string  `json:"server"`
	Clients         int     `json:"clients"`
	Connected       int     `json:"connected"`
	ConnectSeconds  float64 `json:"connect_seconds"`
	RSSBeforeKiB    int64   `json:"rss_before_kib"`
	RSSAfterKiB     int64   `json:"rss_after_kib"`
	BytesPerConn    float64 `json:"bytes_per_conn"`
	Rounds          int     `json:"rounds"`
	Delivered       int     `json:"delivered"`
	Missed          int     `json:"missed"`
	P50ms           float64 `json:"p50_ms"`
	P99ms           float64 `json:"p99_ms"`
	Maxms           float64 `json:"max_ms"`
	AllMedianms     float64 `json:"all_median_ms"` // median over rounds of the time until the last client had the message
	DeliveriesPerS  float64 `json:"deliveries_per_s"`
	ServerCPUPerMsg float64 `json:"server_cpu_us_per_delivery"`
	// GoMem is the Go server's /debug/mem answer with every client connected and idle.
	GoMem json.RawMessage `json:"go_mem,omitempty"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	pid := flag.Int("pid", 0, "server process id, for its memory and CPU")
	name := flag.String("name", "server", "name in the output")
	n := flag.Int("n", 10000, "concurrent clients")
	rounds := flag.Int("rounds", 20, "broadcasts")
	dialers := flag.Int("dialers", 64, "connections opened in parallel")
	flag.Parse()

	ctx := context.Background()
	wsURL := "ws" + strings.TrimPrefix(*base, "http") + "/ws"
	res := Result{Server: *name, Clients: *n, Rounds: *rounds}

	time.Sleep(500 * time.Millisecond)
	res.RSSBeforeKiB = rss(*pid)

	clients := make([]*websocket.Conn, *n)
	// lat[round][client] is the latency in ns, 0 until the message arrives.
	lat := make([][]atomic.Int64, *rounds)
	for i := range lat {
		lat[i] = make([]atomic.Int64, *n)
	}
	var round atomic.Int64
	round.Store(-1)
	var sent atomic.Int64 // unix ns of the current broadcast
	var arrived sync.WaitGroup

	start := time.Now()
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	for range *dialers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= *n {
					return
				}
				c, err := dial(ctx, wsURL)
				if err != nil {
					if failed.Add(1) < 5 {
						log.Printf("client %d: %v", i, err)
					}
					continue
				}
				clients[i] = c
			}
		}()
	}
	wg.Wait()
	res.ConnectSeconds = time.Since(start).Seconds()
	for _, c := range clients {
		if c != nil {
			res.Connected++
		}
	}
	// Readers: one goroutine per client records when each broadcast arrives.
	for i, c := range clients {
		if c == nil {
			continue
		}
		go func() {
			for {
				_, b, err := c.Read(ctx)
				if err != nil {
					return
				}
				now := time.Now().UnixNano()
				r := round.Load()
				if r < 0 || !bytes.Contains(b, []byte(`"tick"`)) {
					continue
				}
				if lat[r][i].CompareAndSwap(0, now-sent.Load()) {
					arrived.Done()
				}
			}
		}()
	}
	// Idle memory: let the server settle, then read its RSS.
	time.Sleep(3 * time.Second)
	res.RSSAfterKiB = rss(*pid)
	if resp, err := http.Get(*base + "/debug/mem"); err == nil {
		if resp.StatusCode == http.StatusOK {
			_ = json.NewDecoder(resp.Body).Decode(&res.GoMem)
		}
		_ = resp.Body.Close()
	}
	if res.Connected > 0 {
		res.BytesPerConn = float64(res.RSSAfterKiB-res.RSSBeforeKiB) * 1024 / float64(res.Connected)
	}

	cpu0 := cpuTicks(*pid)
	var all []int64
	var lastAll []float64
	var deliverTime time.Duration
	for r := range *rounds {
		arrived.Add(res.Connected)
		round.Store(int64(r))
		t0 := time.Now()
		sent.Store(t0.UnixNano())
		body := fmt.Sprintf(`{"round":%d,"t":%d}`, r, t0.UnixNano())
		resp, err := http.Post(*base+"/broadcast", "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		_ = resp.Body.Close()
		done := make(chan struct{})
		go func() { arrived.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			log.Printf("round %d: not every client got the broadcast within 30s", r)
		}
		var worst int64
		for i, c := range clients {
			if c == nil {
				continue
			}
			if v := lat[r][i].Load(); v > 0 {
				all = append(all, v)
				worst = max(worst, v)
			} else {
				res.Missed++
			}
		}
		deliverTime += time.Duration(worst)
		lastAll = append(lastAll, float64(worst)/1e6)
		time.Sleep(200 * time.Millisecond)
	}
	cpu1 := cpuTicks(*pid)
	res.Delivered = len(all)
	if len(all) > 0 {
		slices.Sort(all)
		q := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))]) / 1e6 }
		res.P50ms, res.P99ms, res.Maxms = q(0.50), q(0.99), q(1)
		slices.Sort(lastAll)
		res.AllMedianms = lastAll[len(lastAll)/2]
		res.DeliveriesPerS = float64(len(all)) / deliverTime.Seconds()
		res.ServerCPUPerMsg = float64(cpu1-cpu0) * 1e6 / 100 / float64(len(all)) // 100 ticks per second
	}
	for _, c := range clients {
		if c != nil {
			_ = c.CloseNow()
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

// dial connects and subscribes to "bench", returning once the server confirmed.
func dial(ctx context.Context, url string) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: &http.Client{}})
	if err != nil {
		return nil, err
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"subscribe","channel":"bench"}`)); err != nil {
		_ = c.CloseNow()
		return nil, err
	}
	_, b, err := c.Read(ctx)
	if err != nil || !bytes.Contains(b, []byte("sinew:subscribed")) {
		_ = c.CloseNow()
		return nil, fmt.Errorf("subscribe: %s %v", b, err)
	}
	return c, nil
}

// rss returns the VmRSS of pid in KiB.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// cpuTicks returns utime+stime of pid in clock ticks.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+2:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st
}
