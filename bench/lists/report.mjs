// Benchmark: the quarterly report of one list of 10,000 items, as the page
// (JSON), XLSX and PDF.  Starts a real server on a fresh database (the test
// fixture agency), writes the items with SQL (dates spread over the year, a
// third with two timeline entries, every status represented), then times each
// format N times, sequentially, on loopback.
//
//   node bench/lists/report.mjs [items=10000] [runs=5]
//   DJ_BIN=build/dangjian (default) — use a release build, not build-asan.
import { startServer } from '../../tests/lib/server.mjs';
import { seedAgency, sql } from '../../tests/lib/fixtures.mjs';

const N = Number(process.argv[2] || 10000);
const RUNS = Number(process.argv[3] || 5);

const srv = await startServer();
try {
  seedAgency(srv.db);
  const c = srv.client();
  await c.login('committee');
  const l = await c.post('/api/v1/lists', { kind: 'concerns', title: '基准测试清单', year: 2026 });
  const id = l.body.id;
  const t0 = Date.now();
  sql(srv.db, `
BEGIN;
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${N})
INSERT INTO list_items (list_id, seq, title, category, description, org_id, start_on, due_on, state, progress,
                        submitted_on, verified_at, cancelled_at, cancel_reason, created_at, updated_at)
SELECT ${id}, k, '第' || k || '项：群众反映的问题需要协调多个部门解决并向群众反馈结果',
       '类别' || (k % 13 + 1), '具体内容说明' || k, 2 + k % 2,
       date('2026-01-01', '+' || (k % 60) || ' days'),
       date('2026-01-01', '+' || (60 + k * 7 % 300) || ' days'),
       CASE WHEN k % 10 < 5 THEN 'done' WHEN k % 10 = 9 THEN 'cancelled' WHEN k % 10 < 8 THEN 'in_progress' ELSE 'not_started' END,
       CASE WHEN k % 10 < 5 THEN 100 WHEN k % 10 < 8 THEN 10 * (k % 9) ELSE 0 END,
       CASE WHEN k % 10 < 5 THEN date('2026-01-01', '+' || (58 + k * 7 % 300) || ' days') END,
       CASE WHEN k % 10 < 5 THEN date('2026-01-01', '+' || (61 + k * 7 % 300) || ' days') || 'T02:00:00Z' END,
       CASE WHEN k % 10 = 9 THEN '2026-03-01T02:00:00Z' END,
       CASE WHEN k % 10 = 9 THEN '合并' END,
       '2026-01-02T02:00:00Z', '2026-01-02T02:00:00Z'
FROM n;
INSERT INTO list_item_people (item_id, person_id, role)
  SELECT id, CASE WHEN org_id = 2 THEN 1 + id % 6 ELSE 7 + id % 4 END, 'lead' FROM list_items WHERE list_id = ${id};
INSERT INTO list_item_updates (item_id, kind, on_date, at, author, body, progress)
  SELECT id, 'progress', date(start_on, '+20 days'), '2026-03-01T02:00:00Z', '联络员', '已召开专题会议部署推进', 30
  FROM list_items WHERE list_id = ${id} AND id % 3 = 0;
INSERT INTO list_item_updates (item_id, kind, on_date, at, author, body, progress)
  SELECT id, 'progress', date(start_on, '+40 days'), '2026-04-01T02:00:00Z', '联络员', '涉及多个部门，协调时间较长', 50
  FROM list_items WHERE list_id = ${id} AND id % 3 = 0;
COMMIT;`);
  console.log(`${N} items written in ${Date.now() - t0} ms`);
  for (const format of ['json', 'xlsx', 'pdf']) {
    const times = [];
    let size = 0;
    for (let i = 0; i < RUNS; i++) {
      const s = process.hrtime.bigint();
      const r = await c.get(`/api/v1/lists/${id}/report?quarter=2026-Q3&format=${format}`);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
      if (r.status !== 200) throw new Error(`${format}: ${r.status} ${r.text.slice(0, 200)}`);
      size = r.raw.length;
      if (format === 'json' && i === 0) {
        const b = r.body;
        console.log(`  report: total ${b.totals.total}, finished ${b.finished.length}, overdue ${b.overdue.length}, planned ${b.planned.length}`);
      }
    }
    times.sort((a, b) => a - b);
    console.log(`${format.padEnd(5)} ${RUNS} runs: median ${times[Math.floor(RUNS / 2)].toFixed(0)} ms, `
      + `min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms, ${(size / 1024).toFixed(0)} KiB`);
  }
} finally {
  await srv.stop();
}
