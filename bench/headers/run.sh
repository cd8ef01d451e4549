#!/usr/bin/env bash
# bench/headers/run.sh: what response headers cost a net/http server, next to a Sinew App.
# Builds the command in this directory, then for ROUNDS rounds starts each variant pinned to
# core 0 and loads GET /plaintext with wrk (64 connections) pinned to core 1 for SECONDS,
# after a 1 s warm-up, and prints every measurement and the median of each variant.
#
#   bench/headers/run.sh                 3 rounds of 4 s
#   ROUNDS=6 SECONDS_PER=3 bench/headers/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROUNDS=${ROUNDS:-3}
SECONDS_PER=${SECONDS_PER:-4}
PORT=${PORT:-8080}
VARIANTS=(mux mux-headers app)
for n in "$ROUNDS" "$SECONDS_PER" "$PORT"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: $n is not a positive number" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
CGO_ENABLED=0 go build -trimpath -o "$BIN/headers" .
export PORT SINEW_ENV=prod SINEW_LOG_LEVEL=warn SINEW_DATA_DIR="$BIN/data"
export SINEW_SECRET_KEY=benchmark-secret-key-not-for-production-0123456789
declare -A all
for r in $(seq "$ROUNDS"); do
	for v in "${VARIANTS[@]}"; do
		VARIANT=$v setsid taskset -c 0 "$BIN/headers" >"$BIN/$v.log" 2>&1 &
		pid=$!
		for _ in $(seq 50); do
			curl -fs -o /dev/null "http://127.0.0.1:$PORT/plaintext" && break
			sleep 0.1
		done
		taskset -c 1 wrk -t1 -c64 -d1s "http://127.0.0.1:$PORT/plaintext" >/dev/null
		rps=$(taskset -c 1 wrk -t1 -c64 -d"${SECONDS_PER}s" "http://127.0.0.1:$PORT/plaintext" | awk '/Requests\/sec/ {printf "%.0f", $2}')
		kill -TERM -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "round $r  $v  $rps req/s"
		all[$v]+="$rps "
	done
done
echo "medians:"
for v in "${VARIANTS[@]}"; do
	median=$(tr ' ' '\n' <<<"${all[$v]}" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : a[NR/2]}')
	printf '  %-12s %s req/s\n' "$v" "$median"
done
