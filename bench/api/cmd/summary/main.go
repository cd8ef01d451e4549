// Command summary reads `go test -bench` lines of bench/api on stdin and prints, per
// implementation, the median ns/op, cpu-ns/op, B/op and allocs/op, and the ratios to the
// hand-written web.Ctx handler.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	vals := map[string]map[string][]float64{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkUpdate_") {
			continue
		}
		name := strings.TrimPrefix(f[0], "BenchmarkUpdate_")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		if vals[name] == nil {
			vals[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				vals[name][f[i+1]] = append(vals[name][f[i+1]], v)
			}
		}
	}
	metrics := []string{"ns/op", "cpu-ns/op", "B/op", "allocs/op"}
	med := func(name, m string) float64 {
		xs := append([]float64(nil), vals[name][m]...)
		if len(xs) == 0 {
			return 0
		}
		sort.Float64s(xs)
		return xs[len(xs)/2]
	}
	fmt.Printf("%-12s %5s %12s %12s %10s %10s %8s %8s\n", "impl", "runs", "ns/op", "cpu-ns/op", "B/op", "allocs/op", "x time", "x cpu")
	for _, name := range []string{"HandWritten", "Typed", "Huma"} {
		if vals[name] == nil {
			continue
		}
		fmt.Printf("%-12s %5d", name, len(vals[name]["ns/op"]))
		for _, m := range metrics {
			fmt.Printf(" %12.0f", med(name, m))
		}
		fmt.Printf(" %8.2f %8.2f\n", med(name, "ns/op")/med("HandWritten", "ns/op"), med(name, "cpu-ns/op")/med("HandWritten", "cpu-ns/op"))
	}
}
