package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/term"
)

// step runs a long go command (go mod tidy, a build of the app): on a terminal it shows a
// spinner with the elapsed time and prints the command's output when it ends; otherwise it
// prints one plain line and streams the output.
func step(ctx context.Context, e *env, label, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Stdin = e.stdin
	f, ok := e.stdout.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(e.stdout, label)
		cmd.Stdout, cmd.Stderr = e.stdout, e.stderr
		return cmd.Run()
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { done <- cmd.Wait() }()
	frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case err := <-done:
			fmt.Fprintf(f, "\r\033[K%s (%s)\n", label, time.Since(start).Round(100*time.Millisecond))
			writeIndented(e.stdout, out.String())
			return err
		case <-tick.C:
			fmt.Fprintf(f, "\r\033[K%s %s %s", frames[i%len(frames)], label, time.Since(start).Round(time.Second))
		}
	}
}

// writeIndented writes the output of a command.
func writeIndented(w io.Writer, s string) {
	s = strings.TrimRight(s, "\n")
	if s != "" {
		fmt.Fprintln(w, s)
	}
}
