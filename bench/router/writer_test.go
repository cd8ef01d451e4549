package router

import (
	"net/http"
	"testing"
)

// TestDiscardWriter is not parallel: AllocsPerRun refuses parallel tests.
func TestDiscardWriter(t *testing.T) {
	w := NewDiscardWriter()
	w.Header().Set("X-A", "1")
	if _, err := w.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	if n, err := w.WriteString("de"); n != 2 || err != nil {
		t.Fatalf("WriteString = %d, %v", n, err)
	}
	w.WriteHeader(http.StatusNotFound)
	if w.Status() != http.StatusNotFound || w.Written() != 5 || w.Header().Get("X-A") != "1" {
		t.Errorf("status %d, written %d, header %v", w.Status(), w.Written(), w.Header())
	}
	w.Reset()
	if w.Status() != 0 || w.Written() != 0 || len(w.Header()) != 0 {
		t.Errorf("after Reset: status %d, written %d, header %v", w.Status(), w.Written(), w.Header())
	}
	if allocs := testing.AllocsPerRun(100, func() {
		_, _ = w.WriteString("x")
		w.Header()
		w.WriteHeader(http.StatusOK)
	}); allocs != 0 {
		t.Errorf("%v allocs per write, want 0", allocs)
	}
}
