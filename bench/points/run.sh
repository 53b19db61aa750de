#!/usr/bin/env bash
# Points benchmark (issue 5): MEMBERS members (100 per branch) with ENTRIES ledger entries
# each, chained and totalled as the server does; then
#   1. `dangjian verify` over the whole ledger,
#   2. awards per second through points_award (1 and 4 threads, one durable commit per
#      award; and 100 awards per transaction, as the consumer batches them),
#   3. p50/p99 of GET /api/v1/points/me (my score and ranks) and of the agency's top-50
#      honour roll at 64 keep-alive connections, each signed in as a different member:
#      as fast as the server answers, and at a fixed 2,000 requests/s.
# usage: bench/points/run.sh [MEMBERS] [ENTRIES_PER_MEMBER] [DIR]   (default 1000000 10 /tmp/dj-points-bench)
set -eu
cd "$(dirname "$0")/../.."
MEMBERS=${1:-1000000}
PER=${2:-10}
DIR=${3:-/tmp/dj-points-bench}
ninja -C build >/dev/null
bench/points/build.sh
mkdir -p "$DIR"
DB=$DIR/bench.db
if [ ! -f "$DB" ]; then
  build/dangjian init --db "$DB" --admin-password 'Bench#2026pts' >/dev/null
  echo "== generating $MEMBERS members x $PER entries"
  time build/bench-points-gen "$DB" "$MEMBERS" "$PER" 20000 "$DIR/tokens.txt"
fi
echo "== dangjian verify"
time build/dangjian verify --db "$DB"
echo "== awards"
build/bench-points-awards "$DB" 1 10 "$MEMBERS" 1
build/bench-points-awards "$DB" 4 10 "$MEMBERS" 1
build/bench-points-awards "$DB" 1 10 "$MEMBERS" 100
echo "== HTTP at 64 connections"
PORT=18391
build/dangjian serve --db "$DB" --listen 127.0.0.1:$PORT --quiet &
SRV=$!
trap 'kill $SRV 2>/dev/null || true' EXIT
sleep 2
for path in /api/v1/points/me '/api/v1/points/honour-roll?limit=50'; do
  build/bench-points-load 127.0.0.1:$PORT "$path" 64 5 0 "$DIR/tokens.txt" >/dev/null # warm up
  build/bench-points-load 127.0.0.1:$PORT "$path" 64 15 0 "$DIR/tokens.txt"
  build/bench-points-load 127.0.0.1:$PORT "$path" 64 15 2000 "$DIR/tokens.txt"
done
