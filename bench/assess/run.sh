#!/usr/bin/env bash
# Benchmark: compute a period's assessment results for 300 branches and 15,000 members.
#   bench/assess/run.sh [build dir]      (default: build)
# Creates bench/out/assess.db with gen.sql, then times `dangjian assess compute` (each run
# recomputes every figure of every branch in one transaction) and the results API answer.
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
echo "results: $(sqlite3 "$DB" "SELECT (SELECT COUNT(*) FROM assess_results WHERE period_id = 900) || ' figures; totals from ' ||
  MIN(total) || ' to ' || MAX(total) || '; ' || SUM(selected) || ' selected' FROM assess_totals WHERE period_id = 900")"
