package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrFormat is returned (wrapped) when the benchstat CSV does not have the
// shape benchdoc expects.
var ErrFormat = errors.New("benchdoc: unexpected benchstat CSV")

// Cell is one summary of benchstat: the median of a metric for one
// benchmark and router, and its confidence interval as benchstat wrote it
// (such as "1%" or "∞"; empty if benchstat gave none).
type Cell struct {
	Value float64
	CI    string
}

// Stats holds the summaries of one benchstat run, by metric, benchmark and
// router. Metrics are benchstat's units with seconds turned into
// nanoseconds: "ns/op", "cpu-ns/op", "B/op", "allocs/op".
type Stats struct {
	Routers    []string // in benchstat's column order
	Benchmarks []string // in benchstat's row order, without the -GOMAXPROCS suffix
	Metrics    []string // in benchstat's table order
	cells      map[string]Cell
}

// Get returns the summary of metric for the benchmark and router.
func (s *Stats) Get(metric, bench, router string) (Cell, bool) {
	c, ok := s.cells[metric+"\x00"+bench+"\x00"+router]
	return c, ok
}

func (s *Stats) set(metric, bench, router string, c Cell) {
	if s.cells == nil {
		s.cells = make(map[string]Cell)
	}
	s.cells[metric+"\x00"+bench+"\x00"+router] = c
}

// trimProcs removes the -GOMAXPROCS suffix go test adds to benchmark names.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name
	}
	for _, c := range name[i+1:] {
		if c < '0' || c > '9' {
			return name
		}
	}
	return name[:i]
}

// maxInput bounds the CSV benchdoc reads; benchstat's output for this suite
// is a few kilobytes.
const maxInput = 8 << 20

// ParseCSV reads benchstat's CSV output made with "-col /router". Each table
// starts with a row naming the routers (one column group each) and a row
// naming the unit; its rows are benchmarks. Lines before the first table
// (goos, cpu, ...) and geomean rows are skipped.
func ParseCSV(r io.Reader) (*Stats, error) {
	cr := csv.NewReader(io.LimitReader(r, maxInput+1))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var rows [][]string
	read := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFormat, err)
		}
		for _, f := range rec {
			read += len(f) + 1
		}
		if read > maxInput {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrFormat, maxInput)
		}
		rows = append(rows, rec)
	}

	s := &Stats{}
	seenRouter := map[string]bool{}
	seenBench := map[string]bool{}
	seenMetric := map[string]bool{}
	var (
		cols   map[int]string // value column → router of the current table
		metric string
		scale  float64
	)
	for i := 0; i < len(rows); i++ {
		row := rows[i]
		if len(row) > 1 && row[0] == "" && i+1 < len(rows) && len(rows[i+1]) > 1 && rows[i+1][0] == "" {
			// A table header: routers, then units.
			units := rows[i+1]
			i++
			cols = map[int]string{}
			metric = ""
			for j := 1; j < len(row); j++ {
				name := strings.TrimSpace(row[j])
				if name == "" {
					continue
				}
				if j >= len(units) {
					return nil, fmt.Errorf("%w: router %q has no unit column", ErrFormat, name)
				}
				m, sc, err := metricOf(units[j])
				if err != nil {
					return nil, err
				}
				if metric != "" && m != metric {
					return nil, fmt.Errorf("%w: table mixes units %q and %q", ErrFormat, metric, m)
				}
				metric, scale = m, sc
				cols[j] = name
				if !seenRouter[name] {
					seenRouter[name] = true
					s.Routers = append(s.Routers, name)
				}
			}
			if len(cols) == 0 {
				return nil, fmt.Errorf("%w: table header without routers", ErrFormat)
			}
			if seenMetric[metric] {
				return nil, fmt.Errorf("%w: two tables of %s", ErrFormat, metric)
			}
			seenMetric[metric] = true
			s.Metrics = append(s.Metrics, metric)
			continue
		}
		if cols == nil || len(row) < 2 || row[0] == "" || row[0] == "geomean" {
			continue // preamble, footnotes, geomean
		}
		bench := trimProcs(row[0])
		if !seenBench[bench] {
			seenBench[bench] = true
			s.Benchmarks = append(s.Benchmarks, bench)
		}
		for j, router := range cols {
			if j >= len(row) || row[j] == "" {
				continue // benchstat leaves a cell empty when there is no data
			}
			v, err := strconv.ParseFloat(row[j], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("%w: %s %s %s: bad value %q", ErrFormat, metric, bench, router, row[j])
			}
			c := Cell{Value: v * scale}
			if j+1 < len(row) {
				c.CI = strings.TrimSpace(row[j+1])
			}
			s.set(metric, bench, router, c)
		}
	}
	if len(s.Metrics) == 0 {
		return nil, fmt.Errorf("%w: no table", ErrFormat)
	}
	return s, nil
}

// metricOf maps a benchstat unit to the metric name benchdoc shows and the
// factor that converts values to it.
func metricOf(unit string) (string, float64, error) {
	switch strings.TrimSpace(unit) {
	case "sec/op":
		return "ns/op", 1e9, nil
	case "cpu-sec/op": // the harness's cpu-ns/op, which benchstat turns into seconds
		return "cpu-ns/op", 1e9, nil
	case "B/op":
		return "B/op", 1, nil
	case "allocs/op":
		return "allocs/op", 1, nil
	}
	return "", 0, fmt.Errorf("%w: unknown unit %q", ErrFormat, unit)
}
