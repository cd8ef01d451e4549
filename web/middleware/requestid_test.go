package middleware

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// requestIDOf reads the request ID the way a handler in either stack does.
func requestIDOf(r *http.Request) string {
	if c := web.CtxFrom(r); c != nil {
		return c.RequestID()
	}
	return RequestIDFrom(r.Context())
}

func isGeneratedID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune(crockford, c) {
			return false
		}
	}
	return true
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cfg      RequestIDConfig
		header   string // request header name
		incoming string
		want     string // "" means: a freshly generated ID
	}{
		{name: "generated", cfg: RequestIDConfig{}},
		{name: "incoming ignored by default", incoming: "abc-123"},
		{name: "trusted incoming kept", cfg: RequestIDConfig{TrustIncoming: true}, incoming: "abc-123", want: "abc-123"},
		{name: "trusted UUID kept", cfg: RequestIDConfig{TrustIncoming: true},
			incoming: "3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b", want: "3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b"},
		{name: "longest allowed kept", cfg: RequestIDConfig{TrustIncoming: true},
			incoming: strings.Repeat("a", 128), want: strings.Repeat("a", 128)},
		{name: "too long replaced", cfg: RequestIDConfig{TrustIncoming: true}, incoming: strings.Repeat("a", 129)},
		{name: "space replaced", cfg: RequestIDConfig{TrustIncoming: true}, incoming: "a b"},
		{name: "log injection replaced", cfg: RequestIDConfig{TrustIncoming: true}, incoming: "x\" level=ERROR msg=\"forged"},
		{name: "unicode replaced", cfg: RequestIDConfig{TrustIncoming: true}, incoming: "idé"},
		{name: "custom header", cfg: RequestIDConfig{Header: "x-trace", TrustIncoming: true},
			header: "X-Trace", incoming: "t-1", want: "t-1"},
		{name: "custom generator", cfg: RequestIDConfig{Generate: func() string { return "fixed" }}, want: "fixed"},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				var seen string
				h := st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					seen = requestIDOf(r)
				}), RequestID(tt.cfg))
				header := tt.header
				if header == "" {
					header = "X-Request-ID"
				}
				req := httptest.NewRequest("GET", "/", nil)
				if tt.incoming != "" {
					req.Header.Set(header, tt.incoming)
				}
				rec := serve(h, req)
				got := rec.Header().Get(header)
				if got != seen {
					t.Errorf("response header %q, handler saw %q", got, seen)
				}
				if tt.want != "" && got != tt.want {
					t.Errorf("ID = %q, want %q", got, tt.want)
				}
				if tt.want == "" && !isGeneratedID(got) {
					t.Errorf("ID = %q, want a generated one", got)
				}
			})
		}
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		id := newRequestID()
		if !isGeneratedID(id) || seen[id] {
			t.Fatalf("bad or repeated ID %q", id)
		}
		seen[id] = true
	}
}

func TestRequestIDFrom(t *testing.T) {
	t.Parallel()
	if got := RequestIDFrom(context.Background()); got != "" {
		t.Errorf("background context: %q", got)
	}
	// In a Sinew handler the *web.Ctx is the context handlers pass on.
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(RequestID(RequestIDConfig{Generate: func() string { return "id-1" }}))
	var got string
	r.GET("/", func(c *web.Ctx) error {
		got = RequestIDFrom(c)
		return nil
	})
	serve(r, httptest.NewRequest("GET", "/", nil))
	if got != "id-1" {
		t.Errorf("RequestIDFrom(c) = %q", got)
	}
}

func TestValidRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want bool
	}{
		{"a", true},
		{"Root=1-5759e988-bd862e3f;Parent=53995c3f", false},
		{"AZaz09-_.:+/=@", true},
		{"", false},
		{strings.Repeat("x", MaxRequestIDLength), true},
		{strings.Repeat("x", MaxRequestIDLength+1), false},
		{"a\nb", false},
		{"a\x00", false},
		{"<script>", false},
		{"é", false},
	}
	for _, tt := range tests {
		if got := ValidRequestID(tt.id); got != tt.want {
			t.Errorf("ValidRequestID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}
