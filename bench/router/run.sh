#!/usr/bin/env bash
# Runs the router benchmarks, summarises them with benchstat and writes the
# "## Router" section of docs/benchmarks.md (other sections are kept).
#
#   bench/router/run.sh                  # the full suite, 6 rounds (about 15 minutes)
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

# The test binary is built once and runs the whole suite COUNT times, one run
# of each benchmark per round, rather than go test -count, which repeats each
# benchmark back to back: on a shared machine, load that comes and goes then
# spreads over all routers instead of landing on a few of them.
go test -c -o "$results/router.test" .
run=(results/router.test -test.run '^$' -test.bench "$bench" -test.benchmem -test.benchtime "$benchtime" -test.timeout 0)
command="cd bench/router && go test -c -o results/router.test . && for i in \$(seq $count); do $(quote "${run[@]}"); done"
echo "+ $command" >&2
load_start=$(cut -d' ' -f1 /proc/loadavg)
: >"$results/raw.txt"
for ((i = 1; i <= count; i++)); do
	echo "round $i of $count" >&2
	"${run[@]}" | tee -a "$results/raw.txt"
done

load_end=$(cut -d' ' -f1 /proc/loadavg)

# BenchmarkGitHubAll_Sinew-2 → BenchmarkGitHubAll/router=Sinew-2, so that
# benchstat can put the routers in columns (-col /router).
sed -E 's/^Benchmark([A-Za-z0-9]+)_([A-Za-z0-9]+)(-[0-9]+)?([[:space:]])/Benchmark\1\/router=\2\3\4/' \
	"$results/raw.txt" >"$results/pivot.txt"
go tool benchstat -col /router "$results/pivot.txt" >"$results/benchstat.txt"
go tool benchstat -col /router -format csv "$results/pivot.txt" >"$results/benchstat.csv" 2>/dev/null

# Where Sinew's router spends its time on the GitHub set.
profile=()
if grep -q '^BenchmarkGitHubAll_Sinew' "$results/raw.txt"; then
	results/router.test -test.run '^$' -test.bench '^BenchmarkGitHubAll_Sinew$' \
		-test.benchtime "${PROFILETIME:-3s}" -test.cpuprofile "$results/sinew-githuball.pprof" >/dev/null
	go tool pprof -top -nodecount 25 "$results/router.test" "$results/sinew-githuball.pprof" \
		2>/dev/null | sed -n '/^Showing\|^ *flat/,$p' >"$results/sinew-githuball.top.txt"
	profile=(-profile "$results/sinew-githuball.top.txt")
fi

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
bsv=$(go list -m -f '{{.Path}} {{.Version}}' golang.org/x/perf)
go run ./cmd/benchdoc \
	-csv "$results/benchstat.csv" -text "$results/benchstat.txt" "${profile[@]}" \
	-doc "$doc" \
	-date "$(date -u +%F)" -cpu "${cpu:-unknown}" -nproc "$(nproc)" -go "$(go version)" \
	-benchstat "benchstat from $bsv (go tool benchstat -col /router)" \
	-command "$command" -count "$count" \
	-load "1-minute load average $load_start at the start, $load_end at the end"
rm -f "$results/router.test"
echo "wrote the Router section of $doc" >&2
