#!/usr/bin/env bash
# Check-in benchmark: N distinct members sign in to one activity as fast as
# the machine allows (wrk, rotating sessions), each check-in durable when
# answered (synchronous=FULL, group commit). Then checks that every member is
# recorded exactly once.
#   bench/life/run.sh [N=5000] [CONNECTIONS=64] [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}; CONNS=${2:-64}; THREADS=${3:-2}; PORT=${PORT:-18080}
OUT=bench/life/out
mkdir -p "$OUT"
# the disk's fsync latency right now: commits cannot be faster than this
python3 - "$OUT" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], 'fsync.probe')
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
ts = []
for _ in range(100):
    os.write(fd, b'x' * 4096)
    t = time.perf_counter(); os.fsync(fd); ts.append((time.perf_counter() - t) * 1000)
os.close(fd); os.unlink(path)
ts.sort()
print(f"disk fsync now: p50 {ts[50]:.2f} ms, p99 {ts[98]:.2f} ms")
PY
id=$(node bench/life/setup.mjs "$N" "$PORT")
pid=$(cat $OUT/server.pid)
trap 'kill "$pid" 2>/dev/null || true' EXIT
cookie=$(cat $OUT/admin.txt)
token=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/api/v1/activities/$id/qr" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
echo "activity $id, token $token, $N members, $CONNS connections, $THREADS wrk threads"
wrk -t"$THREADS" -c"$CONNS" -d15s --latency -s bench/life/checkin.lua "http://127.0.0.1:$PORT" -- "$id" "$token" "$THREADS" \
  | grep -v '^\s*[0-9.]*%' || true
echo "attendance rows: $(sqlite3 $OUT/bench.db "SELECT COUNT(*) || ' rows, ' || COUNT(DISTINCT person_id) || ' distinct people' FROM attendance WHERE activity_id = $id")"
echo "attendance events: $(sqlite3 $OUT/bench.db "SELECT COUNT(*) FROM life_events WHERE activity_id = $id AND kind = 'attendance'")"
kill -TERM "$pid"; sleep 0.5
grep -h "batch" $OUT/server.log || true
