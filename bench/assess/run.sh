#!/usr/bin/env bash
# Benchmark: compute a period's assessment results for 300 branches and 15,000 members.
#   bench/assess/run.sh [build dir]      (default: build)
# Creates bench/out/assess.db with gen.sql, then times `dangjian assess compute` (each run
# recomputes every figure of every branch in one transaction), then the same and the results,
# a branch's evidence and the dashboard over HTTP.
set -eu
cd "$(dirname "$0")/../.."
BIN=${1:-build}/dangjian
OUT=bench/out
DB=$OUT/assess.db
mkdir -p "$OUT"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" init --db "$DB" --admin-password 'Bench#2026pw' >/dev/null
t0=$(date +%s.%N)
sqlite3 -bail "$DB" < bench/assess/gen.sql >/dev/null
t1=$(date +%s.%N)
echo "data: $(sqlite3 "$DB" "SELECT (SELECT COUNT(*) FROM orgs WHERE kind = 'branch') || ' branches, ' ||
  (SELECT COUNT(*) FROM people) || ' members, ' || (SELECT COUNT(*) FROM activities) || ' activities, ' ||
  (SELECT COUNT(*) FROM activity_people) || ' expected, ' || (SELECT COUNT(*) FROM attendance) || ' check-ins, ' ||
  (SELECT COUNT(*) FROM list_items) || ' list items'") (generated in $(echo "$t1 - $t0" | bc) s)"
for run in 1 2 3; do
  /usr/bin/time -f "  run $run: %e s wall, %M KiB max RSS" "$BIN" assess compute --db "$DB" --period 900
done
echo "over HTTP (dangjian serve on the same database):"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --quiet 2>"$OUT/assess-serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for i in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
node bench/assess/http.mjs "http://127.0.0.1:$PORT" admin 'Bench#2026pw' 900 20
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT
echo "results: $(sqlite3 "$DB" "SELECT (SELECT COUNT(*) FROM assess_results WHERE period_id = 900) || ' figures; totals from ' ||
  MIN(total) || ' to ' || MAX(total) || '; ' || SUM(selected) || ' selected' FROM assess_totals WHERE period_id = 900")"
