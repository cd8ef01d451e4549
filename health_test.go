package sinew_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/sinewdev/sinew"
)

func TestReadyz(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	app.Models(Note{})
	var broken atomic.Bool
	app.HealthCheck("cache", func(context.Context) error {
		if broken.Load() {
			return errors.New("cache down")
		}
		return nil
	})
	base := serve(t, app)
	read := func() (int, map[string]any) {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	code, body := read()
	checks, _ := body["checks"].(map[string]any)
	if code != 200 || checks["database"] == nil || checks["serving"] == nil || checks["cache"] == nil {
		t.Fatalf("readyz = %d %v", code, body)
	}
	broken.Store(true)
	if code, body = read(); code != 503 {
		t.Fatalf("with a failing check: %d %v", code, body)
	}
	if c := body["checks"].(map[string]any)["cache"].(map[string]any); c["status"] != "failing" || c["error"] != nil {
		t.Fatalf("failing check outside dev must not show details: %v", c)
	}
}
