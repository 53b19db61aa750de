#!/usr/bin/env bash
# Roster benchmark: import a generated 100,000-member CSV through the API (dry
# run, then the real import; wall time from curl, the server's peak memory from
# /usr/bin/time -v), then roster search on those 100,000 members (p99).
#   bench/people/run.sh [N]        (build first: ninja -C build)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
BIN=${DJ_BIN:-build/dangjian}
PW='Dangjian#2026'
dir=$(mktemp -d /tmp/dj-bench-people-XXXXXX)
pid=
# /usr/bin/time does not pass signals on: stop the server itself (time's child)
stop() { [ -n "$pid" ] && kill -TERM $(pgrep -P "$pid") 2>/dev/null; wait 2>/dev/null || true; }
trap 'stop; [ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"' EXIT
node bench/people/gen.mjs "$dir/roster.csv" "$dir/branches.sql" "$N"
ls -l "$dir/roster.csv" | awk '{printf "file: %.1f MB\n", $5 / 1048576}'
"$BIN" init --db "$dir/b.db" --admin-password "$PW" >/dev/null
sqlite3 "$dir/b.db" < "$dir/branches.sql"
port=$((20000 + RANDOM % 20000))
/usr/bin/time -v -o "$dir/time.txt" "$BIN" serve --db "$dir/b.db" --listen "127.0.0.1:$port" --quiet >"$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
jar="$dir/jar"
csrf=$(curl -s -c "$jar" -H 'content-type: application/json' -d "{\"login\":\"admin\",\"password\":\"$PW\"}" \
  "http://127.0.0.1:$port/api/v1/session" | sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/')
for dry in 1 0; do
  curl -s -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: text/csv' --data-binary "@$dir/roster.csv" \
    -o "$dir/out.json" -w "import dry_run=$dry: HTTP %{http_code}, %{time_total} s\n" \
    "http://127.0.0.1:$port/api/v1/people/import?dry_run=$dry"
  head -c 200 "$dir/out.json"; echo
done
echo "people in the database: $(sqlite3 "$dir/b.db" 'SELECT COUNT(*) FROM people')"
PW=$PW node bench/people/search.mjs "http://127.0.0.1:$port" 1000 1
PW=$PW node bench/people/search.mjs "http://127.0.0.1:$port" 2000 4
stop; pid=
grep -E 'Maximum resident|Elapsed|User time|System time' "$dir/time.txt" | sed 's/^\s*/server: /'
# the import alone, from the command line (same code path), into a fresh database
"$BIN" init --db "$dir/c.db" --admin-password "$PW" >/dev/null
sqlite3 "$dir/c.db" < "$dir/branches.sql"
/usr/bin/time -v -o "$dir/time-cli.txt" "$BIN" import --db "$dir/c.db" --file "$dir/roster.csv" --commit | tail -1
grep -E 'Maximum resident|Elapsed' "$dir/time-cli.txt" | sed 's/^\s*/dangjian import --commit: /'
