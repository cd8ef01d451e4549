package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// delegateHelp is the help of an app-level command that sinew runs through the app.
func delegateHelp(name string) string {
	return fmt.Sprintf(`Usage: sinew %s [arguments]

Builds the Sinew app of the current directory (or the nearest one above, found by its
go.mod requiring github.com/sinewdev/sinew) and runs "app %s [arguments]" in its folder:
the app's binary implements the command, so "sinew %s" and "./app %s" do the same thing
("go run . %s" too, except that go run turns every failure into exit code 1). The exit code
is the app's.
`, name, name, name, name, name)
}

// delegate returns a command that runs the app's own command name through go run.
func delegate(name string) func(ctx context.Context, e *env, args []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		root, err := findApp(e.dir)
		if err != nil {
			return err
		}
		dir, err := os.MkdirTemp("", "sinew-run-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "app")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		build.Dir = root
		build.Stdout, build.Stderr = e.stderr, e.stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the app in %s: %w", root, err)
		}
		cmd := exec.CommandContext(ctx, bin, append([]string{name}, args...)...)
		cmd.Dir = root
		cmd.Stdin, cmd.Stdout, cmd.Stderr = e.stdin, e.stdout, e.stderr
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) && ee.ExitCode() > 0 {
				return &exitError{code: ee.ExitCode()}
			}
			return err
		}
		return nil
	}
}
