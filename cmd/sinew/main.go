package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes: 0 for success, 1 for a failure, 2 for a usage error.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, dir: "."})
	stop()
	os.Exit(code)
}

// env is what a command works with: its standard streams and working directory. Tests make
// their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dir            string
	// noPostGen skips what generators run after writing files (go mod tidy, makemigrations),
	// for the golden tests.
	noPostGen bool
}

// usageError is bad input on the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// helpRequested is returned by a command that printed its help: exit code 0.
var errHelp = errors.New("help requested")

// exitError carries the exit code of a delegated command.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// command is one sinew subcommand.
type command struct {
	name, args, summary string
	help                string
	run                 func(ctx context.Context, e *env, args []string) error
}

func commands() []*command {
	return []*command{
		{name: "new", args: "NAME [--module PATH] [--db sqlite|postgres|mysql] [--api-only] [--sinew-path DIR] [--force]",
			summary: "create a new application in the directory NAME", help: newHelp, run: runNew},
		{name: "generate", args: "model|resource|scaffold|migration NAME [field:type ...] [--force]",
			summary: "generate a model, a JSON API, HTML pages or a migration in the app", help: generateHelp, run: runGenerate},
		{name: "dev", args: "[--addr HOST:PORT]",
			summary: "serve the app, rebuilding and restarting it when a file changes", help: devHelp, run: runDev},
		{name: "migrate", args: "[status | rollback [N] | sql NAME]",
			summary: "apply the app's migrations (the app's own command)", help: delegateHelp("migrate"), run: delegate("migrate")},
		{name: "makemigrations", args: "[--name NAME] [--empty] [--check] [--dry-run] [--rename old=new]...",
			summary: "write the migration that brings the schema to the models (go run . makemigrations)", help: delegateHelp("makemigrations"), run: delegate("makemigrations")},
		{name: "createsuperuser", args: "",
			summary: "create a user with every permission (go run . createsuperuser)", help: delegateHelp("createsuperuser"), run: delegate("createsuperuser")},
		{name: "routes", args: "",
			summary: "list the app's routes (go run . routes)", help: delegateHelp("routes"), run: delegate("routes")},
		{name: "version", args: "", summary: "print the version of sinew", help: "Usage: sinew version\n\nPrints the version of the sinew command.\n",
			run: func(_ context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return usagef("version takes no arguments")
				}
				fmt.Fprintln(e.stdout, "sinew", version())
				return nil
			}},
	}
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] {
					fmt.Fprint(e.stdout, c.help)
					return exitOK
				}
			}
			fmt.Fprintf(e.stderr, "sinew: unknown command %q (run sinew help)\n", clip(args[1]))
			return exitUsage
		}
		usage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		rest := args[1:]
		if c.name != "migrate" && c.name != "makemigrations" && c.name != "createsuperuser" && c.name != "routes" {
			for _, a := range rest {
				if a == "-h" || a == "--help" || a == "-help" {
					fmt.Fprint(e.stdout, c.help)
					return exitOK
				}
			}
		}
		err := c.run(ctx, e, rest)
		return report(e, c.name, err)
	}
	fmt.Fprintf(e.stderr, "sinew: unknown command %q (run sinew help)\n", clip(args[0]))
	return exitUsage
}

// report prints err on one line and returns the exit code it means.
func report(e *env, name string, err error) int {
	var ue *usageError
	var ee *exitError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "sinew %s: %s\n", name, oneLine(ue.msg))
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "sinew %s: %s\n", name, oneLine(err.Error()))
		return exitFail
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Sinew: a batteries-included Go web framework.

Usage: sinew COMMAND [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "sinew help COMMAND" or "sinew COMMAND --help" for a command's arguments.
Exit codes: 0 success, 1 failure, 2 usage error.
`)
}

// oneLine keeps the first line of a message.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// clip shortens user input for messages.
func clip(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
