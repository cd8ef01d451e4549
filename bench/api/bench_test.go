package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const validBody = `{"name":"Ada Lovelace","email":"ada@example.com","age":36,"score":99.5,"verified":true}`

var impls = []struct {
	name string
	new  func() http.Handler
}{
	{"Typed", Typed},
	{"HandWritten", HandWritten},
	{"Huma", Huma},
}

func serve(h http.Handler, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestSameAnswers checks that every implementation does the whole job: the same object for a
// valid request, and a 4xx for each invalid one.
func TestSameAnswers(t *testing.T) {
	want := User{ID: 42, Name: "Ada Lovelace", Email: "ada@example.com", Age: 36, Score: 99.5, Verified: true}
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			h := impl.new()
			w := serve(h, "/users/42", validBody)
			var got User
			if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &got) != nil || got != want {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			for _, bad := range []struct{ target, body string }{
				{"/users/abc", validBody},
				{"/users/1", `{"name":"","email":"ada@example.com","age":1}`},
				{"/users/1", `{"name":"x","email":"not-an-email","age":1}`},
				{"/users/1", `{"name":"x","email":"ada@example.com","age":200}`},
				{"/users/1", `{"name":"x","email":"ada@example.com","age":1,"score":-1}`},
				{"/users/1", `{"name":"` + strings.Repeat("x", 101) + `","email":"ada@example.com"}`},
				{"/users/1", `{"name":"x","email":"ada@example.com","age":"old"}`},
				{"/users/1", `{"name":"x",`},
			} {
				w := serve(h, bad.target, bad.body)
				if w.Code < 400 || w.Code > 499 {
					t.Errorf("%s %s: %d %s", bad.target, bad.body, w.Code, w.Body)
				}
			}
		})
	}
}

// body is a request body that can be rewound, so one request serves every iteration.
type body struct{ bytes.Reader }

func (*body) Close() error { return nil }

// discard is a ResponseWriter that keeps nothing.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

func bench(b *testing.B, h http.Handler) {
	payload := []byte(validBody)
	rd := &body{}
	req := httptest.NewRequest(http.MethodPost, "/users/42", nil)
	req.Header.Set("Content-Type", "application/json")
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	cpu, ok := cpuTime()
	for b.Loop() {
		rd.Reset(payload)
		req.Body = rd
		req.ContentLength = int64(len(payload))
		clear(w.h)
		w.code = 0
		h.ServeHTTP(w, req)
	}
	b.StopTimer()
	reportCPU(b, cpu, ok)
	if w.code != 0 && w.code != 200 {
		b.Fatalf("status %d", w.code)
	}
}

func BenchmarkUpdate_HandWritten(b *testing.B) { bench(b, HandWritten()) }
func BenchmarkUpdate_Typed(b *testing.B)       { bench(b, Typed()) }
func BenchmarkUpdate_Huma(b *testing.B)        { bench(b, Huma()) }
