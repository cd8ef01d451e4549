package observe_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/observe"
)

// FuzzLogLevelBody sends arbitrary bodies to PUT /ops/loglevel: the answer is 200 (and the
// level is the one asked for) or 400 (and the level is unchanged), never a panic or a 5xx.
func FuzzLogLevelBody(f *testing.F) {
	for _, seed := range []struct{ ctype, body string }{
		{"application/json", `{"level":"debug"}`},
		{"application/json", `{"level":"warn+3"}`},
		{"application/json", `{"level":`},
		{"application/json", `[]`},
		{"application/x-www-form-urlencoded", "level=error"},
		{"application/x-www-form-urlencoded", "level=%zz"},
		{"multipart/form-data; boundary=x", "--x\r\n"},
		{"text/plain", "debug"},
		{"", ""},
	} {
		f.Add(seed.ctype, seed.body)
	}
	f.Fuzz(func(t *testing.T, ctype, body string) {
		h := observe.NewLogHandler(slog.DiscardHandler, slog.LevelInfo)
		o, err := observe.New(observe.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ops := o.OpsHandler(observe.OpsConfig{Guard: observe.Guard{Token: testToken}, Level: h.Level(), Logger: quietLogger()})
		req := httptest.NewRequest("PUT", "/ops/loglevel", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		ops.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
		case http.StatusBadRequest:
			if h.Level().Level() != slog.LevelInfo {
				t.Fatalf("a refused change changed the level to %v", h.Level().Level())
			}
		default:
			t.Fatalf("status %d for %q %q: %s", rec.Code, ctype, body, rec.Body)
		}
	})
}
