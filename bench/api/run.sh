#!/usr/bin/env bash
# Runs the typed-handler benchmark in interleaved rounds (hand-written, typed, Huma one after
# the other, ROUNDS times) so that load from other work on the machine hits all three alike,
# and prints the median of each metric and the ratios to the hand-written handler.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-10}
mkdir -p results
: > results/raw.txt
for _ in $(seq "$ROUNDS"); do
  go test -run '^$' -bench 'Update_' -benchtime "${BENCHTIME:-300ms}" -count 1 . | grep '^Benchmark' >> results/raw.txt
done
go run ./cmd/summary < results/raw.txt | tee results/summary.txt
