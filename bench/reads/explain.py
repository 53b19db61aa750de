#!/usr/bin/env python3
"""bench/reads/explain.py — EXPLAIN (ANALYZE, BUFFERS) of every statement in a PostgreSQL
log of one request (bench/reads/run with TRACE=1 KEEP=1 keeps it as trace-<label>.txt),
with the plan the server really runs: a statement kept per connection is prepared once,
planned for its parameters five times, and then (plan_cache_mode = auto) often planned
once for any parameters: the "generic" plan, which cannot fold `$2 = '' OR …` away.

  bench/reads/explain.py LOG PSQL-ARGS...     e.g.
  bench/reads/explain.py /tmp/dj-reads-x/trace-todos-member.txt -h /tmp/dj-pg-y -p 5432 -U dj -d reads

Prints, per statement: its text, its parameters, the execution time of its custom and
generic plans (ms, the median of five), and the slower plan in full when it takes
more than 0.2 ms."""
import os
import re
import subprocess
import sys


def statements(path):
    text = open(path, encoding='utf-8', errors='replace').read()
    # "LOG:  duration: 0.123 ms  execute dj5: SELECT …" then maybe "DETAIL:  parameters: $1 = '42', …"
    out = []
    lines = text.split('\n')
    for i, line in enumerate(lines):
        m = re.search(r'duration: ([0-9.]+) ms  (?:execute [^:]+|statement): (.*)$', line)
        if not m:
            continue
        sql = m.group(2)
        params = []
        if i + 1 < len(lines) and 'DETAIL:  parameters:' in lines[i + 1]:
            d = lines[i + 1].split('parameters: ', 1)[1]
            params = [v for _, v in re.findall(r"\$(\d+) = ((?:'(?:[^']|'')*')|NULL)", d)]
        out.append((float(m.group(1)), sql, params))
    return out


def psql(args, script):
    r = subprocess.run(['psql', '-X', '-q', '-A', '-t', *args], input=script, capture_output=True, text=True)
    return r.stdout + r.stderr


def exec_ms(plan):
    m = re.search(r'Execution Time: ([0-9.]+) ms', plan)
    return float(m.group(1)) if m else -1.0


def main():
    log, args = sys.argv[1], sys.argv[2:]
    for n, (ms, sql, params) in enumerate(statements(log), 1):
        if sql.startswith(('SELECT last_value FROM dj_write_seq', 'SELECT nextval')):
            print(f'#{n} {ms:.3f} ms  {sql}\n')
            continue
        ex = f"EXECUTE q({', '.join(params)})" if params else 'EXECUTE q'
        res = {}
        for mode in ('force_custom_plan', 'force_generic_plan'):
            # the server's own planner settings (src/core/db_pg.c); RANDOM_PAGE_COST=4 for a build before them
            script = f"SET random_page_cost = {os.environ.get('RANDOM_PAGE_COST', '1.1')};\n"
            script += f"SET plan_cache_mode = {mode};\nPREPARE q AS {sql};\n"
            script += ''.join(f"EXPLAIN (ANALYZE, BUFFERS) {ex};\n" for _ in range(5))
            out = psql(args, script)
            plans = out.split('Execution Time')
            times = sorted(float(x) for x in re.findall(r'Execution Time: ([0-9.]+) ms', out))
            res[mode] = (times[len(times) // 2] if times else -1.0, out)
        c, g = res['force_custom_plan'][0], res['force_generic_plan'][0]
        print(f'#{n} logged {ms:.3f} ms  custom {c:.3f} ms  generic {g:.3f} ms')
        print(f'  {sql}')
        if params:
            print(f'  params: {", ".join(params)}')
        worst = res['force_generic_plan'] if g >= c else res['force_custom_plan']
        if max(c, g) > 0.2:
            one = worst[1].split('Execution Time')[0]
            print('  ' + one.replace('\n', '\n  ').rstrip())
        print()


if __name__ == '__main__':
    main()
