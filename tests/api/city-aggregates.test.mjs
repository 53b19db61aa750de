// The subtree figures kept by the writes (org_stats, issue 20): after a mixed sequence
// of writes — check-ins and the awards they bring, manual deductions, a reversal, an
// internal transfer, a member leaving the roster, and awards on both sides of a new
// year (a second server at DJ_NOW = 1 January) — the table holds exactly what a
// recomputation from the base tables gives, and the dashboard and the rankings (every
// org, period and page) read from it answer exactly what they answer once the figures
// are recomputed from the base tables and a fresh server (no read cache) serves them.
// Runs on SQLite and PostgreSQL.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON, ORG_STATS_SQL } from '../lib/fixtures.mjs';
import { shanghaiToday, shanghaiDate } from '../lib/clock.mjs';

const MIN = 60e3;
const iso8 = (ms) => new Date(ms + 8 * 3600e3).toISOString().replace(/\.\d{3}Z$/, '+08:00');

// org_stats as the writes left it, and as the base tables say it should be
const KEPT = 'SELECT org_id, period, key, n FROM org_stats WHERE n <> 0 ORDER BY org_id, period, key;';
const RECOMPUTED = `SELECT org_id, period, key, n FROM (
 SELECT a.id AS org_id, '' AS period, 'people:' || p.active || ':' || p.party_status AS key, COUNT(*) AS n
 FROM people p JOIN orgs o ON o.id = p.org_id JOIN orgs a ON o.path LIKE a.path || '%'
 GROUP BY a.id, p.active, p.party_status
 UNION ALL SELECT 0, '', 'people:' || p.active || ':' || p.party_status, COUNT(*)
 FROM people p WHERE p.org_id IS NULL GROUP BY p.active, p.party_status
 UNION ALL SELECT a.id, t.period, 'earned:' || p.active, SUM(t.total)
 FROM points_totals t JOIN people p ON p.id = t.person_id JOIN orgs o ON o.id = p.org_id
 JOIN orgs a ON o.path LIKE a.path || '%' WHERE p.party_status IN ('full', 'probationary')
 GROUP BY a.id, t.period, p.active) x WHERE n <> 0 ORDER BY org_id, period, key;`;

const PERIODS = [];

// sign-in throttling is kept in the database on PostgreSQL, across the test's servers
async function as(srv, login) {
  for (let i = 0; ; i++) {
    const c = srv.client();
    try { await c.login(login); return c; } catch (e) {
      if (i > 10 || !/429/.test(e.message)) throw e;
      await new Promise((r) => setTimeout(r, 1100));
    }
  }
}

function ok(r, status = 200) { assert.equal(r.status, status, r.text); return r.body; }

/** Everything the dashboard and the rankings answer, for the comparison. */
async function answers(srv, year) {
  const com = await as(srv, 'committee');
  const dash = ok(await com.get('/api/v1/dashboard'));
  delete dash.generated_at;
  const out = { dashboard: dash, rankings: {} };
  for (const org of [ORG.committee, ORG.branchA, ORG.branchB, ORG.groupA]) {
    for (const period of PERIODS) {
      for (const [limit, offset] of [[2, 0], [2, 2], [3, 1], [100, 0]]) {
        const key = `${org} ${period} ${limit} ${offset}`;
        out.rankings[key] = ok(await com.get(`/api/v1/points/rankings?org=${org}&period=${period}&limit=${limit}&cursor=${offset}`));
      }
      // a page is the same members, ranks and scores as the whole list's slice
      const all = out.rankings[`${org} ${period} 100 0`].items;
      for (const [limit, offset] of [[2, 0], [2, 2], [3, 1]]) {
        assert.deepEqual(out.rankings[`${org} ${period} ${limit} ${offset}`].items, all.slice(offset, offset + limit),
          `org ${org} ${period} page ${limit}@${offset}`);
      }
    }
  }
  return out;
}

/** The figures recomputed from the base tables and served by a fresh server: its answers. */
async function recomputed(srv, env, year) {
  const kept = sql(srv.db, KEPT);
  assert.equal(kept, sql(srv.db, RECOMPUTED), 'org_stats as the writes kept it = recomputed from the base tables');
  sql(srv.db, ORG_STATS_SQL);
  assert.equal(sql(srv.db, KEPT), kept);
  const fresh = await startServer({ db: srv.db, keyFile: srv.keyFile, env });
  try {
    return await answers(fresh, year);
  } finally {
    await fresh.stop();
  }
}

test('the subtree figures kept by the writes answer what the base tables answer, across a new year', async () => {
  const { year, month, quarter } = shanghaiToday();
  PERIODS.push(String(year - 1), String(year), `${year}-Q${quarter}`, `${year}-${String(month).padStart(2, '0')}`, `${year + 1}`, `${year + 1}-01`, `${year + 1}-Q1`);
  const srv = await startServer();
  seedAgency(srv.db);
  try {
    const com = await as(srv, 'committee');
    const secA = await as(srv, 'sec-a');
    // the figures the fixture's SQL left are the recomputation's
    assert.ok(sql(srv.db, KEPT).includes(`${ORG.committee}||people:1:full|7`), sql(srv.db, KEPT));

    // a branch assembly with three check-ins, held and closed: attendance awards
    const t = Date.now();
    const a = ok(await secA.post('/api/v1/activities', {
      org_id: ORG.branchA, kind: 'branch_assembly', title: '支部党员大会', starts_at: iso8(t - 5 * MIN),
      ends_at: iso8(t + 55 * MIN), place: '三楼会议室',
    }), 201);
    ok(await secA.post(`/api/v1/activities/${a.id}/notice`));
    for (const pid of [PERSON.secA, PERSON.memberA, 3]) ok(await secA.post(`/api/v1/activities/${a.id}/checkin`, { person_id: pid }), 201);
    ok(await secA.post(`/api/v1/activities/${a.id}/hold`));
    ok(await secA.patch(`/api/v1/activities/${a.id}`, { minutes: '应到5人，实到3人。', resolutions: '通过' }));
    ok(await secA.post(`/api/v1/activities/${a.id}/close`));
    ok(await com.post('/api/v1/points/sync', {}));
    const awarded = Number(sql(srv.db, `SELECT COUNT(*) FROM points_ledger WHERE source_type = 'attendance' AND source_id = ${a.id};`));
    assert.equal(awarded, 3);
    // manual deductions, one taking a member below zero for the month
    const today = shanghaiDate();
    for (const [pid, rule, k] of [[6, 'absence_unexcused', 1], [8, 'discipline_violation', 2], [9, 'absence_unexcused', 3]]) {
      ok(await com.post('/api/v1/points/entries', { person_id: pid, rule_code: rule, reason: '扣分', occurred_on: today, client_key: `aggregate-${k}` }), 201);
    }
    // a reversal of one attendance award
    const entry = Number(sql(srv.db, `SELECT id FROM points_ledger WHERE person_id = 3 AND source_type = 'attendance';`));
    ok(await com.post(`/api/v1/points/entries/${entry}/reverse`, { reason: '签到误记' }), 201);
    // an internal transfer: 李红梅 and her points move from 第一党支部 to 第二党支部
    ok(await com.post('/api/v1/transfers/internal', {
      person_id: PERSON.memberA, to_org_id: ORG.branchB, on_date: today, reason: '岗位调整', client_key: "aggregate-move",
    }), 201);
    // a member leaves the roster; an activist joins it
    ok(await com.patch('/api/v1/people/9', { active: false }));
    ok(await com.post('/api/v1/people', { name: '新同志', gender: 'male', org_id: ORG.branchB, party_status: 'activist' }), 201);

    const before = await answers(srv, year);
    // the changes show: 李红梅 is counted in 第二党支部 with her points
    // (the assembly began five minutes ago: last year's, just after midnight on 1 January)
    const held = new Date(t - 5 * MIN + 8 * 3600e3).getUTCFullYear();
    const b = before.rankings[`${ORG.branchB} ${held} 100 0`];
    assert.ok(b.items.some((x) => x.person_id === PERSON.memberA && x.earned > 0), JSON.stringify(b.items));
    assert.deepEqual(before, await recomputed(srv, {}, year));

    // a new year: a second server on 1 January, awards on both sides of the boundary
    const newYear = `${year + 1}-01-01T00:00:05+08:00`;
    const next = await startServer({ db: srv.db, keyFile: srv.keyFile, env: { DJ_NOW: newYear } });
    try {
      const c2 = await as(next, 'committee');
      ok(await c2.post('/api/v1/points/entries', { person_id: 7, rule_code: 'absence_unexcused', reason: '扣分', occurred_on: `${year}-12-31`, client_key: 'aggregate-old-year' }), 201);
      ok(await c2.post('/api/v1/points/entries', { person_id: 1, rule_code: 'discipline_violation', reason: '扣分', occurred_on: `${year + 1}-01-01`, client_key: 'aggregate-new-year' }), 201);
      const last = Number(sql(next.db, `SELECT id FROM points_ledger WHERE person_id = 6 AND source_type = 'manual';`));
      ok(await c2.post(`/api/v1/points/entries/${last}/reverse`, { reason: '更正' }), 201);
      const after = await answers(next, year);
      assert.ok(sql(next.db, KEPT).includes(`|${year + 1}|earned:1|`), 'the new year has its rows');
      assert.deepEqual(after, await recomputed(next, { DJ_NOW: newYear }, year));
    } finally {
      await next.stop();
    }
  } finally {
    await srv.stop();
  }
});
