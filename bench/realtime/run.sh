#!/usr/bin/env bash
# The realtime load benchmark: N concurrent WebSocket clients (default 10,000) on loopback
# against Sinew's hub and against Node.js with the ws package, in one run; writes
# results/*.json and the "Realtime" section of docs/benchmarks.md.
#   bench/realtime/run.sh            # N=10000 ROUNDS=20
#   N=2000 ROUNDS=5 bench/realtime/run.sh
set -euo pipefail
cd "$(dirname "$0")"
N=${N:-10000}
ROUNDS=${ROUNDS:-20}

# Each side needs one descriptor per connection, plus a few.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((N + 100)) ]; then
  echo "ulimit -n is $(ulimit -n): too low for $N connections" >&2
  exit 1
fi

bin=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$bin"
}
trap cleanup EXIT

go build -o "$bin/" ./server ./loadgen ./report
(cd node && npm ci --no-audit --no-fund --silent)
mkdir -p results

# run NAME COMMAND...: start the server, wait for its address, measure it, stop it.
run() {
  local name=$1
  shift
  "$@" >"$bin/$name.out" 2>"$bin/$name.err" &
  server_pid=$!
  local addr=""
  for _ in $(seq 100); do
    addr=$(sed -n 's/^listening //p' "$bin/$name.out")
    [ -n "$addr" ] && break
    sleep 0.1
  done
  [ -n "$addr" ] || { cat "$bin/$name.err" >&2; exit 1; }
  echo "== $name on $addr: $N clients, $ROUNDS broadcasts" >&2
  nice -n 5 "$bin/loadgen" -url "http://$addr" -pid "$server_pid" -name "$name" -n "$N" -rounds "$ROUNDS" \
    >"results/$name.json"
  cat "results/$name.json" >&2
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  sleep 2
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
run sinew "$bin/server"
run node node node/server.js
load_end=$(cut -d' ' -f1 /proc/loadavg)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
ws_version=$(node -p 'require("./node/node_modules/ws/package.json").version')
machine="$(nproc) CPUs ($cpu), $(go version | cut -d' ' -f3), Node.js $(node --version), ws $ws_version; 1-minute load average $load_start at the start, $load_end at the end (a shared machine: both servers share it with the load generator and with other work)"
"$bin/report" -doc ../../docs/benchmarks.md -machine "$machine" \
  -command "N=$N ROUNDS=$ROUNDS bench/realtime/run.sh ($(date -u +%Y-%m-%d))"
echo "wrote the Realtime section of docs/benchmarks.md" >&2
