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
// shape ormdoc expects.
var ErrFormat = errors.New("ormdoc: unexpected benchstat CSV")

// Cell is benchstat's summary of one metric for one row and library: the
// median, its confidence interval as benchstat wrote it ("3%", "∞"), and, for
// every library but the first (the base, Raw), benchstat's comparison with the
// base: "~" when the difference is not significant, else a percentage.
type Cell struct {
	Value float64
	CI    string
	Delta string
}

// Row is one operation on one engine.
type Row struct {
	Op, Engine string
}

// Name returns the row as benchstat names it, without the -GOMAXPROCS suffix.
func (r Row) Name() string { return r.Op + "/db=" + r.Engine }

// Stats holds the summaries of one benchstat run by metric, row and library.
// Metrics are benchstat's units with seconds turned into nanoseconds:
// "ns/op", "cpu-ns/op", "B/op", "allocs/op".
type Stats struct {
	Libs    []string // in benchstat's column order; the first is the base
	Rows    []Row    // in benchstat's row order
	Metrics []string // in benchstat's table order
	cells   map[string]Cell
}

// Get returns the summary of metric for row and library.
func (s *Stats) Get(metric string, r Row, lib string) (Cell, bool) {
	c, ok := s.cells[metric+"\x00"+r.Name()+"\x00"+lib]
	return c, ok
}

func (s *Stats) set(metric string, r Row, lib string, c Cell) {
	if s.cells == nil {
		s.cells = map[string]Cell{}
	}
	s.cells[metric+"\x00"+r.Name()+"\x00"+lib] = c
}

// maxInput bounds the CSV ormdoc reads; benchstat's output for this suite is a
// few kilobytes.
const maxInput = 8 << 20

// ParseCSV reads benchstat's CSV output made with "-col /lib". Each table
// starts with a row naming the libraries (one column group each) and a row
// naming the columns of each group (unit, CI, and for all but the base "vs
// base" and P); its rows are operations on engines. Lines before the first
// table (goos, cpu, ...), geomean rows and empty lines are skipped.
func ParseCSV(r io.Reader) (*Stats, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrFormat, maxInput)
	}
	cr := csv.NewReader(strings.NewReader(string(data)))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}

	s := &Stats{}
	seenLib, seenRow, seenMetric := map[string]bool{}, map[string]bool{}, map[string]bool{}
	type group struct {
		lib             string
		value, ci, diff int // column indexes; -1 when absent
	}
	var (
		groups []group
		metric string
		scale  float64
	)
	for i := 0; i < len(recs); i++ {
		rec := recs[i]
		if len(rec) > 1 && rec[0] == "" && i+1 < len(recs) && len(recs[i+1]) > 1 && recs[i+1][0] == "" {
			cols := recs[i+1]
			i++
			groups, metric = nil, ""
			for j := 1; j < len(rec); j++ {
				lib := strings.TrimSpace(rec[j])
				if lib == "" {
					continue
				}
				if j >= len(cols) {
					return nil, fmt.Errorf("%w: library %q has no unit", ErrFormat, lib)
				}
				m, sc, err := metricOf(cols[j])
				if err != nil {
					return nil, err
				}
				if metric != "" && m != metric {
					return nil, fmt.Errorf("%w: one table holds %s and %s", ErrFormat, metric, m)
				}
				metric, scale = m, sc
				g := group{lib: lib, value: j, ci: -1, diff: -1}
				for k := j + 1; k < len(cols) && k < len(rec) && strings.TrimSpace(rec[k]) == ""; k++ {
					switch strings.TrimSpace(cols[k]) {
					case "CI":
						g.ci = k
					case "vs base":
						g.diff = k
					}
				}
				groups = append(groups, g)
				if !seenLib[lib] {
					seenLib[lib] = true
					s.Libs = append(s.Libs, lib)
				}
			}
			if len(groups) == 0 {
				return nil, fmt.Errorf("%w: a table header names no library", ErrFormat)
			}
			if seenMetric[metric] {
				return nil, fmt.Errorf("%w: two tables of %s", ErrFormat, metric)
			}
			seenMetric[metric] = true
			s.Metrics = append(s.Metrics, metric)
			continue
		}
		if groups == nil || len(rec) < 2 || rec[0] == "" || rec[0] == "geomean" {
			continue
		}
		row, err := parseRow(rec[0])
		if err != nil {
			return nil, err
		}
		if !seenRow[row.Name()] {
			seenRow[row.Name()] = true
			s.Rows = append(s.Rows, row)
		}
		for _, g := range groups {
			if g.value >= len(rec) || strings.TrimSpace(rec[g.value]) == "" {
				continue // no data for this library (Pgx on SQLite)
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[g.value]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("%w: %s %s %s: bad value %q", ErrFormat, metric, row.Name(), g.lib, rec[g.value])
			}
			c := Cell{Value: v * scale}
			if g.ci >= 0 && g.ci < len(rec) {
				c.CI = strings.TrimSpace(rec[g.ci])
			}
			if g.diff >= 0 && g.diff < len(rec) {
				c.Delta = strings.TrimSpace(rec[g.diff])
			}
			s.set(metric, row, g.lib, c)
		}
	}
	if len(s.Metrics) == 0 {
		return nil, fmt.Errorf("%w: no table", ErrFormat)
	}
	return s, nil
}

// parseRow splits "GetByPK/db=SQLite-2" into the operation and the engine.
func parseRow(name string) (Row, error) {
	name = trimProcs(strings.TrimSpace(name))
	op, engine, ok := strings.Cut(name, "/db=")
	if !ok || op == "" || engine == "" || strings.ContainsAny(engine, "/=") {
		return Row{}, fmt.Errorf("%w: row %q is not Operation/db=Engine", ErrFormat, name)
	}
	return Row{Op: op, Engine: engine}, nil
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

// metricOf maps a benchstat unit to the metric ormdoc shows and the factor
// that converts values to it.
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
