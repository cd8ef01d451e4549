#!/usr/bin/env bash
# Runs the router benchmarks, summarises them with benchstat and writes the
# "## Router" section of docs/benchmarks.md (other sections are kept).
#
#   bench/router/run.sh                  # the full suite, 6 runs each (about 15 minutes)
#   COUNT=3 BENCHTIME=0.2s bench/router/run.sh   # a quicker, noisier pass
#   BENCH='GitHub' bench/router/run.sh   # a subset (a regexp for go test -bench)
#   PROFILETIME=5s                       # how long to profile BenchmarkGitHubAll_Sinew (default 3s)
#   DOC=/tmp/b.md                        # write another document than docs/benchmarks.md
#
# Outputs in bench/router/results/: raw.txt (go test output), benchstat.txt
# and benchstat.csv (routers as columns), sinew-githuball.top.txt (CPU
# profile top of BenchmarkGitHubAll_Sinew). Run it on an idle machine: other
# work on the two cores shows up as noise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"

count=${COUNT:-6}
benchtime=${BENCHTIME:-1s}
bench=${BENCH:-.}
results=$here/results
doc=${DOC:-$root/docs/benchmarks.md}
mkdir -p "$results" "$(dirname "$doc")"

# The module replaces github.com/sinewdev/sinew with the working tree, whose
# requirements change as the framework grows: bring go.sum up to date first.
go mod tidy

# quote prints its arguments as a shell would need them typed.
quote() {
	local out=() a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./=:,+-]+$ ]]; then
			out+=("$a")
		else
			out+=("'${a//\'/\'\\\'\'}'")
		fi
	done
	echo "${out[*]}"
}

cmd=(go test -run '^$' -bench "$bench" -benchmem -count "$count" -benchtime "$benchtime" -timeout 0 .)
echo "+ (cd bench/router && $(quote "${cmd[@]}"))" >&2
"${cmd[@]}" | tee "$results/raw.txt"

# BenchmarkGitHubAll_Sinew-2 → BenchmarkGitHubAll/router=Sinew-2, so that
# benchstat can put the routers in columns (-col /router).
sed -E 's/^Benchmark([A-Za-z0-9]+)_([A-Za-z0-9]+)(-[0-9]+)?([[:space:]])/Benchmark\1\/router=\2\3\4/' \
	"$results/raw.txt" >"$results/pivot.txt"
go tool benchstat -col /router "$results/pivot.txt" >"$results/benchstat.txt"
go tool benchstat -col /router -format csv "$results/pivot.txt" >"$results/benchstat.csv" 2>/dev/null

# Where Sinew's router spends its time on the GitHub set.
profile=()
if grep -q '^BenchmarkGitHubAll_Sinew' "$results/raw.txt"; then
	go test -run '^$' -bench '^BenchmarkGitHubAll_Sinew$' -benchtime "${PROFILETIME:-3s}" \
		-cpuprofile "$results/sinew-githuball.pprof" -o "$results/router.test" . >/dev/null
	go tool pprof -top -nodecount 25 "$results/router.test" "$results/sinew-githuball.pprof" \
		2>/dev/null | sed -n '/^Showing\|^ *flat/,$p' >"$results/sinew-githuball.top.txt"
	rm -f "$results/router.test"
	profile=(-profile "$results/sinew-githuball.top.txt")
fi

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
bsv=$(go list -m -f '{{.Path}} {{.Version}}' golang.org/x/perf)
go run ./cmd/benchdoc \
	-csv "$results/benchstat.csv" -text "$results/benchstat.txt" "${profile[@]}" \
	-doc "$doc" \
	-date "$(date -u +%F)" -cpu "${cpu:-unknown}" -nproc "$(nproc)" -go "$(go version)" \
	-benchstat "benchstat from $bsv (go tool benchstat -col /router)" \
	-command "cd bench/router && $(quote "${cmd[@]}")" -count "$count"
echo "wrote the Router section of $doc" >&2
