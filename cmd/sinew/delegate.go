package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
)

// delegateHelp is the help of an app-level command that sinew runs through the app.
func delegateHelp(name string) string {
	return fmt.Sprintf(`Usage: sinew %s [arguments]

Runs "go run . %s [arguments]" in the current directory, which must hold a Sinew app (a
go.mod requiring github.com/sinewdev/sinew): the app's binary implements the command, so
"sinew %s" and "./app %s" do the same thing. "sinew %s --help" shows the app's own help
for it. The exit code is the app's.
`, name, name, name, name, name)
}

// delegate returns a command that runs the app's own command name through go run.
func delegate(name string) func(ctx context.Context, e *env, args []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		root, err := findApp(e.dir)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, "go", append([]string{"run", ".", name}, args...)...)
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
