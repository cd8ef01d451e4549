package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchdoc:", err)
		os.Exit(1)
	}
}

// run parses the flags, builds the section and writes the document.
func run(args []string) error {
	fl := flag.NewFlagSet("benchdoc", flag.ContinueOnError)
	var (
		csvPath   = fl.String("csv", "", "benchstat -col /router -format csv output (required)")
		textPath  = fl.String("text", "", "benchstat -col /router text output (required)")
		profPath  = fl.String("profile", "", "go tool pprof -top output for the base router (optional)")
		docPath   = fl.String("doc", "", "the Markdown document to update (required)")
		base      = fl.String("base", "Sinew", "the router compared with the peers")
		reference = fl.String("reference", "Gin,Echo,HttpRouter", "comma-separated peers whose fastest the base is compared with")
		env       Env
	)
	fl.StringVar(&env.Date, "date", "", "day of the run")
	fl.StringVar(&env.CPU, "cpu", "", "CPU model")
	fl.StringVar(&env.NProc, "nproc", "", "number of CPUs")
	fl.StringVar(&env.GoVersion, "go", "", "go version output")
	fl.StringVar(&env.Benchstat, "benchstat", "", "benchstat module and version")
	fl.StringVar(&env.Command, "command", "", "the exact benchmark command")
	fl.IntVar(&env.Count, "count", 0, "runs per benchmark")
	fl.StringVar(&env.Load, "load", "", "load averages seen during the run")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *csvPath == "" || *textPath == "" || *docPath == "" {
		return errors.New("-csv, -text and -doc are required")
	}

	csvData, err := os.ReadFile(*csvPath)
	if err != nil {
		return err
	}
	stats, err := ParseCSV(bytes.NewReader(csvData))
	if err != nil {
		return fmt.Errorf("%s: %w", *csvPath, err)
	}
	text, err := os.ReadFile(*textPath)
	if err != nil {
		return err
	}
	var profile []byte
	if *profPath != "" {
		if profile, err = os.ReadFile(*profPath); err != nil {
			return err
		}
	}
	rep := &Report{
		Stats:     stats,
		Env:       env,
		Peers:     peerList(*base),
		Base:      *base,
		Reference: strings.Split(*reference, ","),
		Benchstat: string(text),
		Profile:   string(profile),
	}

	doc, err := os.ReadFile(*docPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	out := Splice(string(doc), Render(rep))
	tmp := *docPath + ".tmp"
	if err := os.WriteFile(tmp, []byte(out), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *docPath); err != nil {
		return fmt.Errorf("replace %s: %w", *docPath, err)
	}
	return nil
}
