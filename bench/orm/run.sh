#!/usr/bin/env bash
# Runs the ORM benchmarks (Sinew, hand-written SQL, GORM, bun and pgx on SQLite
# and PostgreSQL), summarises them with benchstat and writes the "## ORM"
# section of docs/benchmarks.md (other sections are kept).
#
#   bench/orm/run.sh                          # the full suite, 30 rounds of 100 ms blocks (about 10 minutes)
#   COUNT=8 BLOCK=50ms bench/orm/run.sh       # a quicker, noisier pass
#   OPS=GetByPK,Fetch20 ENGINES=postgres bench/orm/run.sh   # a subset
#   PROFILETIME=10s                           # how long to profile Sinew's worst benchmark (default 5s)
#   DOC=/path/b.md                            # write another document than docs/benchmarks.md
#   SINEW_TEST_POSTGRES_URL=postgres://...    # the PostgreSQL server (default: root@127.0.0.1:5432/test)
#
# Outputs in bench/orm/results/: raw.txt (one line per sample, in go test's format), benchstat.txt and
# benchstat.csv (libraries as columns), and the top of the CPU and allocation
# profiles of the Sinew benchmarks furthest from the hand-written code. Run it
# on an idle machine: other work on the CPUs shows up as noise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"

count=${COUNT:-30}
block=${BLOCK:-100ms}
ops=${OPS:-GetByPK,Fetch20,InsertOne,InsertBulk1000,UpdateOne}
engines=${ENGINES:-sqlite,postgres}
results=$here/results
doc=${DOC:-$root/docs/benchmarks.md}
export SINEW_TEST_POSTGRES_URL=${SINEW_TEST_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test?sslmode=disable}
# Sinew builds without cgo; GORM's SQLite dialect imports mattn/go-sqlite3,
# which then compiles to a stub that is never used (GORM runs on modernc's pool).
export CGO_ENABLED=0
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

go test -c -o "$results/orm.test" .

# Every library must return the same rows before its speed means anything.
results/orm.test -test.run '^(TestStoresReturnTheSameRows|TestSQLGolden)$' -test.count 1 >&2

# The measurements: cmd/ormbench opens every library's store for one operation
# on one engine at once and measures them in turns, a block of operations per
# library per round, the libraries' order rotating from round to round, so that
# load that comes and goes, the garbage collector and the server's caches weigh
# on all of them alike. Running each benchmark on its own (go test -bench, in
# one process or each in a process of its own) moved the ratios between
# neighbours by up to 15% from run to run on a quiet machine. Its output has
# go test's format, one line per block.
go build -o "$results/ormbench" ./cmd/ormbench
run=(results/ormbench -rounds "$count" -block "$block" -op "$ops" -engine "$engines")
command="cd bench/orm && CGO_ENABLED=0 go run ./cmd/ormbench $(quote "${run[@]:1}")"
echo "+ $command" >&2
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
"${run[@]}" | tee "$results/raw.txt"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# BenchmarkGetByPK_Sinew_SQLite-2 → BenchmarkGetByPK/db=SQLite/lib=Sinew-2, so
# that benchstat puts the libraries in columns (-col /lib) and each operation
# on each engine in a row.
sed -E 's/^Benchmark([A-Za-z0-9]+)_([A-Za-z0-9]+)_([A-Za-z0-9]+)(-[0-9]+)?([[:space:]])/Benchmark\1\/db=\3\/lib=\2\4\5/' \
	"$results/raw.txt" >"$results/pivot.txt"
go tool benchstat -col /lib "$results/pivot.txt" >"$results/benchstat.txt"
go tool benchstat -col /lib -format csv "$results/pivot.txt" >"$results/benchstat.csv" 2>/dev/null

# Where Sinew spends its time where it is furthest from the hand-written code,
# and where it allocates most over it.
profiles=()
rm -f "$results"/*.top.txt "$results"/*.pprof
if worst=$(go run ./cmd/ormdoc -csv "$results/benchstat.csv" -worst cpu-ns/op); then
	results/orm.test -test.run '^$' -test.bench "^${worst}\$" -test.benchtime "${PROFILETIME:-5s}" \
		-test.cpuprofile "$results/cpu.pprof" >/dev/null
	go tool pprof -top -nodecount 30 "$results/orm.test" "$results/cpu.pprof" 2>/dev/null |
		sed -n '/^Showing\|^ *flat/,$p' >"$results/cpu.top.txt"
	profiles+=(-cpuprofile-bench "$worst" -cpuprofile "$results/cpu.top.txt")
fi
if worst=$(go run ./cmd/ormdoc -csv "$results/benchstat.csv" -worst allocs/op); then
	results/orm.test -test.run '^$' -test.bench "^${worst}\$" -test.benchtime "${PROFILETIME:-5s}" \
		-test.memprofile "$results/mem.pprof" -test.memprofilerate 1 >/dev/null
	go tool pprof -sample_index=alloc_objects -top -nodecount 20 "$results/orm.test" "$results/mem.pprof" 2>/dev/null |
		sed -n '/^Showing\|^ *flat/,$p' >"$results/mem.top.txt"
	profiles+=(-memprofile-bench "$worst" -memprofile "$results/mem.top.txt")
fi

versions=()
for m in gorm.io/gorm gorm.io/driver/sqlite gorm.io/driver/postgres github.com/uptrace/bun \
	github.com/uptrace/bun/dialect/sqlitedialect github.com/uptrace/bun/dialect/pgdialect \
	github.com/jackc/pgx/v5 modernc.org/sqlite; do
	versions+=(-version "$(go list -m -f '{{.Path}} {{.Version}}' "$m")")
done
commit=$(git -C "$root" rev-parse --short HEAD)
if [[ -n $(git -C "$root" status --porcelain -- orm) ]]; then
	commit="$commit (with uncommitted changes in orm/)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
bsv=$(go list -m -f '{{.Path}} {{.Version}}' golang.org/x/perf)
go run ./cmd/ormdoc \
	-csv "$results/benchstat.csv" -text "$results/benchstat.txt" "${profiles[@]}" \
	-doc "$doc" -pgurl "$SINEW_TEST_POSTGRES_URL" \
	-date "$(date -u +%F)" -cpu "${cpu:-unknown}" -nproc "$(nproc)" -go "$(go version)" \
	-benchstat "benchstat from $bsv (go tool benchstat -col /lib)" \
	-command "$command" -count "$count" -block "$block" -execmode "${SINEW_BENCH_PG_EXEC_MODE:-exec}" \
	-commit "$commit" "${versions[@]}" \
	-load "load average (1, 5, 15 minutes) $load_start at the start, $load_end at the end"
rm -f "$results/orm.test" "$results/ormbench"
echo "wrote the ORM section of $doc" >&2
