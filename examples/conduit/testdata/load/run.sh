#!/usr/bin/env bash
# Load run of the conduit example on PostgreSQL: builds the app, serves it in prod mode on a
# fresh database, seeds 5 users and 100 articles through the API, then runs wrk (64
# connections, 30 s by default) on a mix of list-articles and get-article requests.
#   examples/conduit/testdata/load/run.sh [duration [wrk timeout]]
# KEEP_LOG=path keeps the server's log. Needs wrk (Debian package), curl, psql and PostgreSQL at $PGURL (default: the test server).
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${1:-30s}
TIMEOUT=${2:-2s} # wrk's default: slower answers count as timeouts
PGURL=${PGURL:-postgres://root@127.0.0.1:5432/test?sslmode=disable}
DB=conduit_load_$$
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
WORK=$(mktemp -d)
psql "$PGURL" -qc "CREATE DATABASE $DB"
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP_LOG:-}" ] && cp "$WORK/app.log" "$KEEP_LOG"; psql "$PGURL" -qc "DROP DATABASE IF EXISTS $DB"; rm -rf "$WORK" slugs.txt; }
trap cleanup EXIT
go build -o "$WORK/conduit" ../..
export SINEW_ENV=prod SINEW_SECRET_KEY=load-test-secret-key-0123456789abcdef SINEW_ADDR=127.0.0.1:$PORT \
  SINEW_DATA_DIR=$WORK DATABASE_URL="${PGURL%%/test*}/$DB?sslmode=disable" SINEW_LOG_LEVEL=warn
"$WORK/conduit" migrate >/dev/null
"$WORK/conduit" >"$WORK/app.log" 2>&1 & PID=$!
API=http://127.0.0.1:$PORT/api
for _ in $(seq 50); do curl -sf "$API/tags" >/dev/null && break; sleep 0.2; done
json() { curl -sf -H 'Content-Type: application/json' "$@"; }
: >slugs.txt
for u in 1 2 3 4 5; do
  tok=$(json -d "{\"user\":{\"username\":\"writer$u\",\"email\":\"writer$u@example.com\",\"password\":\"Correct-Horse-42\"}}" \
    "$API/users" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  toks[$u]=$tok
  for a in $(seq 20); do
    json -H "Authorization: Token $tok" -d "{\"article\":{\"title\":\"Article $a by writer $u\",\"description\":\"About $a\",\"body\":\"$(printf 'Lorem ipsum %.0s' $(seq 40))\",\"tagList\":[\"go\",\"tag$a\",\"writer$u\"]}}" \
      "$API/articles" | sed 's/.*"slug":"\([^"]*\)".*/\1/' >>slugs.txt
  done
done
for s in $(head -30 slugs.txt); do
  for u in 2 3; do json -X POST -H "Authorization: Token ${toks[$u]}" "$API/articles/$s/favorite" >/dev/null; done
done
echo "seeded $(wc -l <slugs.txt) articles; wrk -t2 -c64 -d$DURATION --timeout $TIMEOUT"
wrk -t2 -c64 -d"$DURATION" --timeout "$TIMEOUT" --latency -s mix.lua "http://127.0.0.1:$PORT"
# Requests still running when wrk stops are cut off by the client: their context is
# cancelled and the server logs them, but no client ever sees those answers.
grep '"status":5' "$WORK/app.log" | grep -v 'context canceled' | head -5 || true
echo "5xx answers logged by the server: $(grep '"status":5' "$WORK/app.log" | grep -vc 'context canceled' || true)" \
  "(plus $(grep -c 'context canceled' "$WORK/app.log" || true) requests cancelled by wrk's disconnect at the end)"
