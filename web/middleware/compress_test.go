package middleware

import (
	"bufio"
	"bytes"
	stdgzip "compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/sinewdev/sinew/web"
)

// decode undoes the response's Content-Encoding.
func decode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch encoding {
	case "":
		return body
	case "gzip":
		zr, err := stdgzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(body), zstd.WithDecoderConcurrency(1))
		if err != nil {
			t.Fatalf("zstd: %v", err)
		}
		defer zr.Close()
		r = zr
	default:
		t.Fatalf("unexpected encoding %q", encoding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", encoding, err)
	}
	return out
}

// jsonBody returns a JSON document of about n bytes.
func jsonBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"title":"item number %d","done":%v}`, i, i, i%3 == 0)
	}
	b.WriteString("]}")
	return b.Bytes()
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	m := newCompressor(CompressConfig{})
	gzipFirst := newCompressor(CompressConfig{Encodings: []string{"gzip", "zstd"}})
	gzipOnly := newCompressor(CompressConfig{Encodings: []string{"GZIP"}})
	tests := []struct {
		accept  string
		want    coding
		gzFirst coding
		gzOnly  coding
	}{
		{"", noCoding, noCoding, noCoding},
		{"gzip", gzipCoding, gzipCoding, gzipCoding},
		{"zstd", zstdCoding, zstdCoding, noCoding},
		{"gzip, deflate, br, zstd", zstdCoding, gzipCoding, gzipCoding},
		{"GZip , ZSTD", zstdCoding, gzipCoding, gzipCoding},
		{"x-gzip", gzipCoding, gzipCoding, gzipCoding},
		{"gzip;q=1.0, zstd;q=0.5", gzipCoding, gzipCoding, gzipCoding},
		{"gzip;q=0.2, zstd;q=0.8", zstdCoding, zstdCoding, gzipCoding},
		{"zstd;q=0, gzip;q=0.001", gzipCoding, gzipCoding, gzipCoding},
		{"zstd;q=0, gzip;q=0", noCoding, noCoding, noCoding},
		{"*", zstdCoding, gzipCoding, gzipCoding},
		{"*;q=0.5, gzip", gzipCoding, gzipCoding, gzipCoding},
		{"gzip;q=0, *", zstdCoding, zstdCoding, noCoding},
		{"*;q=0", noCoding, noCoding, noCoding},
		{"identity", noCoding, noCoding, noCoding},
		{"br", noCoding, noCoding, noCoding},
		{"gzip;level=9;q=0.5", gzipCoding, gzipCoding, gzipCoding},
		{" gzip ; q = 0.5 ", gzipCoding, gzipCoding, gzipCoding},
		// Malformed q-values: the element is ignored.
		{"gzip;q=abc", noCoding, noCoding, noCoding},
		{"gzip;q=1.5", noCoding, noCoding, noCoding},
		{"gzip;q=2", noCoding, noCoding, noCoding},
		{"gzip;q=0.1234", noCoding, noCoding, noCoding},
		{"gzip;q=-1", noCoding, noCoding, noCoding},
		{"gzip;q=", noCoding, noCoding, noCoding},
		{"gzip;q", noCoding, noCoding, noCoding},
		{"gzip;q=1.001", noCoding, noCoding, noCoding},
		{"gzip;q=abc, zstd;q=0.1", zstdCoding, zstdCoding, noCoding},
		{",,,;;;===", noCoding, noCoding, noCoding},
		{"gzip;;", gzipCoding, gzipCoding, gzipCoding},
		{strings.Repeat("a,", 10000) + "gzip", gzipCoding, gzipCoding, gzipCoding},
		{"\x00gzip\xff", noCoding, noCoding, noCoding},
	}
	for _, tt := range tests {
		lines := []string{tt.accept}
		if tt.accept == "" {
			lines = nil
		}
		if got := m.negotiate(lines); got != tt.want {
			t.Errorf("negotiate(%.40q) = %v, want %v", tt.accept, got, tt.want)
		}
		if got := gzipFirst.negotiate(lines); got != tt.gzFirst {
			t.Errorf("gzip first: negotiate(%.40q) = %v, want %v", tt.accept, got, tt.gzFirst)
		}
		if got := gzipOnly.negotiate(lines); got != tt.gzOnly {
			t.Errorf("gzip only: negotiate(%.40q) = %v, want %v", tt.accept, got, tt.gzOnly)
		}
	}
	// Several header lines count together.
	if got := m.negotiate([]string{"gzip;q=0.5", "zstd;q=0.1"}); got != gzipCoding {
		t.Errorf("two lines: %v", got)
	}
}

func TestCompress(t *testing.T) {
	t.Parallel()
	big := jsonBody(4 << 10)
	html := []byte("<!doctype html><html><body>" + strings.Repeat("<p>hello compression</p>", 100) + "</body></html>")
	tests := []struct {
		name     string
		cfg      CompressConfig
		method   string
		accept   string
		reqHdr   map[string]string
		handler  http.HandlerFunc
		wantEnc  string
		wantBody []byte
		check    func(t *testing.T, h http.Header)
	}{
		{name: "gzip", accept: "gzip", wantEnc: "gzip", wantBody: big,
			handler: writeWith("application/json", big)},
		{name: "zstd preferred", accept: "gzip, zstd", wantEnc: "zstd", wantBody: big,
			handler: writeWith("application/json; charset=utf-8", big)},
		{name: "no Accept-Encoding", wantBody: big, handler: writeWith("application/json", big)},
		{name: "bad Accept-Encoding", accept: "gzip;q=zzz, zstd;q=9", wantBody: big,
			handler: writeWith("application/json", big)},
		{name: "small body", accept: "gzip", wantBody: []byte(`{"a":1}`),
			handler: writeWith("application/json", []byte(`{"a":1}`))},
		{name: "incompressible type", accept: "gzip", wantBody: big, handler: writeWith("image/png", big)},
		{name: "suffix type", accept: "gzip", wantEnc: "gzip", wantBody: big,
			handler: writeWith("application/problem+json", big)},
		{name: "sniffed type", accept: "zstd", wantEnc: "zstd", wantBody: html, handler: writeWith("", html),
			check: func(t *testing.T, h http.Header) {
				if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
			}},
		{name: "already encoded", accept: "gzip", wantBody: big,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "br")
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write(big)
			},
			check: func(t *testing.T, h http.Header) {
				if h.Get("Content-Encoding") != "br" {
					t.Errorf("Content-Encoding %q", h.Get("Content-Encoding"))
				}
			}},
		{name: "no-transform", accept: "gzip", wantBody: big,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", "public, No-Transform")
				writeWith("text/plain", big)(w, r)
			}},
		{name: "HEAD", method: "HEAD", accept: "gzip",
			handler: writeWith("text/plain", nil)},
		{name: "Range request", accept: "gzip", reqHdr: map[string]string{"Range": "bytes=0-9"}, wantBody: big,
			handler: writeWith("text/plain", big)},
		{name: "206", accept: "gzip", wantBody: big, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(big)
		}},
		{name: "204", accept: "gzip", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNoContent)
		}},
		{name: "304", accept: "gzip", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotModified)
		}},
		{name: "empty body", accept: "gzip", handler: writeWith("application/json", nil),
			check: func(t *testing.T, h http.Header) {
				if h.Get("Content-Encoding") != "" {
					t.Error("empty body encoded")
				}
			}},
		{name: "small Content-Length", accept: "gzip", wantBody: []byte("tiny"),
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "4")
				writeWith("text/plain", []byte("tiny"))(w, r)
			},
			check: func(t *testing.T, h http.Header) {
				if h.Get("Content-Length") != "4" {
					t.Errorf("Content-Length %q", h.Get("Content-Length"))
				}
			}},
		{name: "large Content-Length dropped", accept: "gzip", wantEnc: "gzip", wantBody: big,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(len(big)))
				writeWith("text/plain", big)(w, r)
			},
			check: func(t *testing.T, h http.Header) {
				if h.Get("Content-Length") != "" {
					t.Errorf("Content-Length %q kept", h.Get("Content-Length"))
				}
			}},
		{name: "strong ETag weakened", accept: "gzip", wantEnc: "gzip", wantBody: big,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"v1"`)
				writeWith("text/css", big)(w, r)
			},
			check: func(t *testing.T, h http.Header) {
				if h.Get("ETag") != `W/"v1"` {
					t.Errorf("ETag %q", h.Get("ETag"))
				}
			}},
		{name: "byte by byte", accept: "zstd", wantEnc: "zstd", wantBody: big,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				for i := range big {
					_, _ = w.Write(big[i : i+1])
				}
			}},
		{name: "WriteString", accept: "gzip", wantEnc: "gzip", wantBody: big,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				for chunk := range slices.Chunk(big, 100) {
					_, _ = io.WriteString(w, string(chunk))
				}
			}},
		{name: "status kept", accept: "gzip", wantEnc: "gzip", wantBody: big,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write(big)
			}},
		{name: "MinSize negative", cfg: CompressConfig{MinSize: -1}, accept: "gzip", wantEnc: "gzip",
			wantBody: []byte("x"), handler: writeWith("text/plain", []byte("x"))},
		{name: "MinSize large", cfg: CompressConfig{MinSize: 1 << 20}, accept: "gzip",
			wantBody: big, handler: writeWith("text/plain", big)},
		{name: "custom types", cfg: CompressConfig{Types: []string{"application/x-custom"}}, accept: "gzip",
			wantEnc: "gzip", wantBody: big, handler: writeWith("Application/X-Custom; v=1", big)},
		{name: "custom types exclude text", cfg: CompressConfig{Types: []string{"application/x-custom"}},
			accept: "gzip", wantBody: big, handler: writeWith("text/plain", big)},
		{name: "gzip level 1", cfg: CompressConfig{GzipLevel: 1}, accept: "gzip", wantEnc: "gzip",
			wantBody: big, handler: writeWith("text/plain", big)},
		{name: "zstd best", cfg: CompressConfig{ZstdLevel: zstd.SpeedBestCompression}, accept: "zstd",
			wantEnc: "zstd", wantBody: big, handler: writeWith("text/plain", big)},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				h := st.build(tt.handler, Compress(tt.cfg))
				method := tt.method
				if method == "" {
					method = "GET"
				}
				req := httptest.NewRequest(method, "/", nil)
				if tt.accept != "" {
					req.Header.Set("Accept-Encoding", tt.accept)
				}
				for k, v := range tt.reqHdr {
					req.Header.Set(k, v)
				}
				rec := serve(h, req)
				res := rec.Result()
				enc := res.Header.Get("Content-Encoding")
				if tt.name == "already encoded" {
					enc = ""
				}
				if enc != tt.wantEnc {
					t.Errorf("Content-Encoding %q, want %q", enc, tt.wantEnc)
				}
				if got := decode(t, enc, rec.Body.Bytes()); !bytes.Equal(got, tt.wantBody) {
					t.Errorf("body: got %d bytes, want %d", len(got), len(tt.wantBody))
				}
				if tt.wantEnc != "" && len(rec.Body.Bytes()) >= len(tt.wantBody) && len(tt.wantBody) > 100 {
					t.Errorf("not smaller: %d bytes for %d", rec.Body.Len(), len(tt.wantBody))
				}
				if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Errorf("Vary %q", res.Header.Values("Vary"))
				}
				if tt.check != nil {
					tt.check(t, res.Header)
				}
			})
		}
	}
}

// writeWith answers with the content type (unless "") and body.
func writeWith(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		_, _ = w.Write(body)
	}
}

func TestCompressVaryMerged(t *testing.T) {
	t.Parallel()
	h := Compress(CompressConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Origin") // replaces what the middleware set up front
		writeWith("text/plain", jsonBody(2000))(w, r)
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := serve(h, req)
	if got := rec.Header().Values("Vary"); len(got) != 2 || got[0] != "Origin" || got[1] != "Accept-Encoding" {
		t.Errorf("Vary %q", got)
	}
}

func TestCompressBadConfigPanics(t *testing.T) {
	t.Parallel()
	for _, cfg := range []CompressConfig{
		{Encodings: []string{"br"}},
		{GzipLevel: 10},
		{GzipLevel: -5},
		{ZstdLevel: 99},
		{Types: []string{"json"}},
		{Types: []string{"*/*"}},
		{Types: []string{"text/html; charset=utf-8"}},
	} {
		if msg := mustPanic(t, func() { Compress(cfg) }); !strings.HasPrefix(msg, "middleware: Compress:") {
			t.Errorf("%+v: panic %q", cfg, msg)
		}
	}
}

// TestCompressSinewCtx checks that Ctx responses are compressed and that the Ctx counts
// the bytes sent on the wire.
func TestCompressSinewCtx(t *testing.T) {
	t.Parallel()
	big := jsonBody(8 << 10)
	var wire int64
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			next.ServeHTTP(w, req)
			wire = web.CtxFrom(req).BytesWritten()
		})
	}, Compress(CompressConfig{}))
	r.GET("/", func(c *web.Ctx) error { return c.Blob(http.StatusOK, "application/json", big) })
	r.GET("/text", func(c *web.Ctx) error { return c.Text(http.StatusOK, string(big)) })
	for _, path := range []string{"/", "/text"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "zstd")
		rec := serve(r, req)
		if got := decode(t, rec.Header().Get("Content-Encoding"), rec.Body.Bytes()); !bytes.Equal(got, big) {
			t.Fatalf("%s: body differs", path)
		}
		if rec.Header().Get("Content-Encoding") != "zstd" || wire != int64(rec.Body.Len()) || wire >= int64(len(big)) {
			t.Errorf("%s: encoding %q, Ctx counted %d bytes, %d sent", path, rec.Header().Get("Content-Encoding"), wire, rec.Body.Len())
		}
	}
}

// TestCompressPanic checks that a panic drops what was buffered, so the error page goes
// out uncompressed, and that a started stream is left unfinished.
func TestCompressPanic(t *testing.T) {
	t.Parallel()
	for _, st := range stacks() {
		t.Run(st.name+"/before sending", func(t *testing.T) {
			t.Parallel()
			h := st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write([]byte("half a page"))
				panic("boom")
			}), Recover(RecoverConfig{Logger: discardLogger()}), Compress(CompressConfig{}))
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := serve(h, req)
			if rec.Code != 500 || rec.Header().Get("Content-Encoding") != "" ||
				strings.Contains(rec.Body.String(), "half a page") {
				t.Errorf("status %d, encoding %q, body %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.String())
			}
		})
		t.Run(st.name+"/after sending", func(t *testing.T) {
			t.Parallel()
			big := jsonBody(64 << 10)
			srv := httptest.NewServer(st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(big)
				http.NewResponseController(w).Flush()
				panic("boom")
			}), Recover(RecoverConfig{Logger: discardLogger()}), Compress(CompressConfig{})))
			defer srv.Close()
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("encoding %q", res.Header.Get("Content-Encoding"))
			}
			zr, err := stdgzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(zr); err == nil {
				t.Error("a truncated response decoded as complete")
			}
		})
	}
}

// TestCompressFlush checks that flushed data reaches the client, compressed, while the
// handler is still running (server-sent events).
func TestCompressFlush(t *testing.T) {
	t.Parallel()
	for _, st := range stacks() {
		for _, enc := range []string{"gzip", "zstd"} {
			t.Run(st.name+"/"+enc, func(t *testing.T) {
				t.Parallel()
				next := make(chan struct{})
				srv := httptest.NewServer(st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/event-stream")
					for i := range 3 {
						fmt.Fprintf(w, "data: event %d\n\n", i)
						if err := http.NewResponseController(w).Flush(); err != nil {
							t.Errorf("flush: %v", err)
						}
						select {
						case <-next:
						case <-r.Context().Done():
							return
						}
					}
				}), Compress(CompressConfig{})))
				defer srv.Close()
				req, _ := http.NewRequest("GET", srv.URL, nil)
				req.Header.Set("Accept-Encoding", enc)
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				if res.Header.Get("Content-Encoding") != enc {
					t.Fatalf("encoding %q", res.Header.Get("Content-Encoding"))
				}
				var body io.Reader
				if enc == "gzip" {
					zr, err := stdgzip.NewReader(res.Body)
					if err != nil {
						t.Fatal(err)
					}
					body = zr
				} else {
					zr, err := zstd.NewReader(res.Body, zstd.WithDecoderConcurrency(1))
					if err != nil {
						t.Fatal(err)
					}
					defer zr.Close()
					body = zr
				}
				br := bufio.NewReader(body)
				for i := range 3 {
					line, err := br.ReadString('\n')
					if err != nil {
						t.Fatalf("event %d: %v", i, err)
					}
					if want := fmt.Sprintf("data: event %d\n", i); line != want {
						t.Fatalf("got %q, want %q", line, want)
					}
					_, _ = br.ReadString('\n')
					next <- struct{}{} // the handler waits until the client saw the event
				}
			})
		}
	}
}

func TestCompressHijack(t *testing.T) {
	t.Parallel()
	for _, st := range stacks() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				conn, brw, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Errorf("hijack: %v", err)
					return
				}
				defer conn.Close()
				_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
				_ = brw.Flush()
			}), Compress(CompressConfig{})))
			defer srv.Close()
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if string(b) != "hijacked" {
				t.Errorf("body %q", b)
			}
		})
	}
}

func TestCompressWriteAfterClose(t *testing.T) {
	t.Parallel()
	var kept http.ResponseWriter
	h := Compress(CompressConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kept = w
		writeWith("text/plain", jsonBody(2000))(w, r)
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	serve(h, req)
	if _, err := kept.Write([]byte("late")); !errors.Is(err, errWriteAfterClose) {
		t.Errorf("late write: %v", err)
	}
}

// TestCompressConcurrent runs many requests through one middleware at once, so the
// pooled encoders and buffers are shared (run with -race).
func TestCompressConcurrent(t *testing.T) {
	t.Parallel()
	h := Compress(CompressConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(r.URL.Query().Get("n")) * 997
		writeWith("application/json", jsonBody(n))(w, r)
	}))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 8 {
				n := strings.Repeat("x", (i*7+j)%13)
				req := httptest.NewRequest("GET", "/?n="+n, nil)
				req.Header.Set("Accept-Encoding", []string{"gzip", "zstd", "zstd;q=0.5, gzip"}[(i+j)%3])
				rec := serve(h, req)
				got := decode(t, rec.Header().Get("Content-Encoding"), rec.Body.Bytes())
				if !bytes.Equal(got, jsonBody(len(n)*997)) {
					t.Errorf("request %d/%d: body differs", i, j)
				}
			}
		})
	}
	wg.Wait()
}

// FuzzCompress writes a body in fuzzer-chosen pieces, with flushes, and checks that what
// the client decodes is exactly what was written.
func FuzzCompress(f *testing.F) {
	f.Add([]byte("hello world"), []byte{3, 0, 5}, "gzip", "text/plain")
	f.Add(jsonBody(3000), []byte{200, 255, 0, 17}, "zstd", "")
	f.Add([]byte{}, []byte{0}, "zstd;q=0.5, gzip", "application/json")
	m := Compress(CompressConfig{MinSize: 64})
	f.Fuzz(func(t *testing.T, body, cuts []byte, accept, contentType string) {
		h := m(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			}
			rest := body
			for i, c := range cuts {
				if len(rest) == 0 {
					break
				}
				n := min(int(c), len(rest))
				if i%2 == 0 {
					_, _ = w.Write(rest[:n])
				} else {
					_, _ = io.WriteString(w, string(rest[:n]))
				}
				rest = rest[n:]
				if c%5 == 0 {
					http.NewResponseController(w).Flush()
				}
			}
			_, _ = w.Write(rest)
		}))
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", accept)
		rec := serve(h, req)
		if got := decode(t, rec.Header().Get("Content-Encoding"), rec.Body.Bytes()); !bytes.Equal(got, body) {
			t.Fatalf("decoded %d bytes, wrote %d", len(got), len(body))
		}
	})
}

// FuzzNegotiate checks that any Accept-Encoding value picks an offered coding or none, and
// that a coding the client refuses with q=0 is never picked.
func FuzzNegotiate(f *testing.F) {
	f.Add("gzip, zstd;q=0.5")
	f.Add("*;q=0, gzip;q=0.001")
	f.Add("zstd;q=0, *")
	f.Add(";;,,=q=1.000,x-gzip")
	m := newCompressor(CompressConfig{})
	gz := newCompressor(CompressConfig{Encodings: []string{"gzip"}})
	f.Fuzz(func(t *testing.T, accept string) {
		got := m.negotiate([]string{accept})
		if got != noCoding && got != zstdCoding && got != gzipCoding {
			t.Fatalf("negotiate(%q) = %v", accept, got)
		}
		if g := gz.negotiate([]string{accept}); g == zstdCoding {
			t.Fatalf("gzip-only negotiate(%q) picked zstd", accept)
		}
		if got == zstdCoding && !strings.Contains(strings.ToLower(accept), "zstd") && !strings.Contains(accept, "*") {
			t.Fatalf("negotiate(%q) picked zstd, which is not named", accept)
		}
		if strings.EqualFold(strings.TrimSpace(accept), "zstd;q=0") && got != noCoding {
			t.Fatalf("negotiate(%q) = %v", accept, got)
		}
	})
}
