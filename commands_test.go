package sinew_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
)

func TestRoutesCommand(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stdout: &out, Stderr: io.Discard})
	app.GET("/posts/{id}", func(c *web.Ctx) error { return nil }).Name("post")
	app.POST("/posts", func(c *web.Ctx) error { return nil })
	if err := app.RunArgs(context.Background(), []string{"routes"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"METHOD", "PATTERN", "GET     /posts/{id}", "post", "POST    /posts", "/healthz"} {
		if !strings.Contains(got, want) {
			t.Errorf("routes output lacks %q:\n%s", want, got)
		}
	}
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args  []string
		usage bool
	}{
		{[]string{"no-such-command"}, true},
		{[]string{"routes", "extra"}, true},
		{[]string{"serve", "extra"}, true},
		{[]string{"help", "nope"}, true},
		{[]string{strings.Repeat("x", 5000)}, true},
	}
	for _, tt := range tests {
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stdout: io.Discard, Stderr: io.Discard})
		err := app.RunArgs(context.Background(), tt.args)
		var ue *sinew.UsageError
		if errors.As(err, &ue) != tt.usage {
			t.Errorf("%.20q: err = %v, want usage error %v", tt.args, err, tt.usage)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("error too long: %d bytes", len(err.Error()))
		}
	}
}

func TestHelpCommand(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stdout: &out, Stderr: io.Discard})
	app.AddCommand(&sinew.Command{Name: "seed", Summary: "load demo data", Run: func(context.Context, []string) error { return nil }})
	if err := app.RunArgs(context.Background(), []string{"--help"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"serve", "routes", "seed", "load demo data"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := app.RunArgs(context.Background(), []string{"routes", "--help"}); err != nil || !strings.Contains(out.String(), "usage:") {
		t.Errorf("routes --help: %v %q", err, out.String())
	}
}

func TestConfigErrorStopsStart(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: "bogus", Stderr: io.Discard})
	if app.Err() == nil {
		t.Fatal("bad env not reported")
	}
	if err := app.RunArgs(context.Background(), []string{"serve"}); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("serve with a bad config: %v", err)
	}
}
