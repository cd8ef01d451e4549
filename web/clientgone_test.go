package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// TestClientGoneIsNotAServerError: a handler failing with the cancellation of a request
// whose client went away is logged at debug level, not as a failed request, and nothing is
// written.
func TestClientGoneIsNotAServerError(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r := web.NewRouter(web.Config{Logger: logger, ErrorHandler: web.ErrorPages(false, logger)})
	r.GET("/slow", func(c *web.Ctx) error {
		<-c.Done()
		return fmt.Errorf("query: %w", c.Err())
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/slow", nil).WithContext(ctx))
	if logs.Len() != 0 {
		t.Errorf("logged at info or above: %s", logs.String())
	}
	if w.Body.Len() != 0 {
		t.Errorf("wrote an answer nobody reads: %q", w.Body.String())
	}
}
