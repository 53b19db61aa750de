// The leaders' dashboard and the brand wall: who may see them, what they hold, and
// that a section whose module has no data says so instead of showing numbers.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';

let srv;
const as = {};
test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  sql(srv.db, `UPDATE orgs SET brand_name = '红色引擎', brand_slogan = '党建引领 业务提升', brand_description = '以党建带业务'
    WHERE id = ${ORG.branchA};
    UPDATE orgs SET term_end = '2026-01-31' WHERE id = ${ORG.branchB};`);
  for (const l of ['committee', 'leader', 'sec-a', 'member-a', 'discipline']) {
    as[l] = srv.client();
    await as[l].login(l);
  }
});
test.after(async () => { await srv.stop(); });

test('the committee and leaders see the dashboard; secretaries and members do not', async () => {
  for (const l of ['committee', 'leader', 'discipline']) assert.equal((await as[l].get('/api/v1/dashboard')).status, 200, l);
  for (const l of ['sec-a', 'member-a']) assert.equal((await as[l].get('/api/v1/dashboard')).status, 403, l);
  assert.equal((await srv.client().get('/api/v1/dashboard')).status, 401);
});

test('the dashboard counts members and organisations from the roster', async () => {
  const d = (await as.leader.get('/api/v1/dashboard')).body;
  // fixtures: people 1–10 — 7 full, 1 probationary, 1 activist, 1 applicant
  assert.equal(d.members.total, 10);
  assert.equal(d.members.party_members, 8);
  const full = d.members.by_status.find((s) => s.status === 'full');
  assert.equal(full.count, 7);
  assert.equal(full.name, '正式党员');
  assert.equal(d.orgs.branches, 2);
  assert.equal(d.orgs.by_kind.find((k) => k.kind === 'group').count, 1);
  assert.equal(typeof d.refresh_seconds, 'number');
  // the year in Shanghai: just after midnight on 1 January, UTC is still in the old one
  assert.equal(d.year, Number(new Date(Date.parse(d.generated_at) + 8 * 3600e3).toISOString().slice(0, 4)));
  // every section is either there or says why not
  for (const part of ['activities', 'compliance', 'points', 'lists']) {
    if (d[part].available === false) assert.match(d[part].reason, /^数据不可用/, part);
    else assert.equal(d[part].available, true, part);
  }
  if (d.compliance.available) {
    assert.equal(d.compliance.branches.length, 2);
    assert.equal(d.compliance.branches[0].cells.length, 12);
  }
  // the ended term of branch B is a warning
  const w = d.warnings.items.find((x) => x.kind === 'term_ended');
  assert.ok(w, JSON.stringify(d.warnings));
  assert.equal(w.org_id, ORG.branchB);
  assert.equal(d.warnings.count, d.warnings.items.length);
  assert.deepEqual(d.assessment.items, []);
});

test('the brand wall is open to every member; a brand page shows only published results', async () => {
  let r = await as['member-a'].get('/api/v1/brands');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((b) => b.org_id), [ORG.branchA, ORG.branchB]); // brands first
  assert.equal(r.body.items[0].brand_name, '红色引擎');
  assert.equal(r.body.items[0].members, 5); // 1, 2, 6 and 3, 4 (probationary) in the group; 5 is an activist
  assert.equal((await srv.client().get('/api/v1/brands')).status, 401);
  r = await as['member-a'].get(`/api/v1/brands/${ORG.branchA}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.brand_slogan, '党建引领 业务提升');
  assert.deepEqual(r.body.results, []);
  assert.equal((await as['member-a'].get(`/api/v1/brands/${ORG.groupA}`)).status, 404);
  assert.equal((await as['member-a'].get('/api/v1/brands/999')).status, 404);

  // an open round is not on the brand page; once published it is
  const p = (await as.committee.post('/api/v1/assessment/periods', { scheme_id: 1, kind: 'year', year: 2025,
    selection_mode: 'top_n', selection_value: 1 })).body;
  assert.equal((await as.committee.post(`/api/v1/assessment/periods/${p.id}/compute`)).status, 200);
  r = await as['member-a'].get(`/api/v1/brands/${ORG.branchA}`);
  assert.deepEqual(r.body.results, []);
  const pub = await as.committee.post(`/api/v1/assessment/periods/${p.id}/publish`);
  assert.equal(pub.status, 200);
  r = await as['member-a'].get(`/api/v1/brands/${ORG.branchA}`);
  assert.equal(r.body.results.length, 1);
  assert.equal(r.body.results[0].branches, 2);
  // the 公示 list is there for every member
  r = await as['member-a'].get('/api/v1/assessment/publicity');
  assert.equal(r.status, 200);
  assert.equal(r.body.items[0].id, p.id);
  assert.equal(r.body.items[0].state, 'publicity');
  assert.ok(pub.body.selected >= 1); // top 1, ties at first place included
  assert.equal(r.body.items[0].items.length, pub.body.selected);
  // and the dashboard shows the latest ranking
  const d = (await as.leader.get('/api/v1/dashboard')).body;
  assert.equal(d.assessment.period.id, p.id);
  assert.equal(d.assessment.items.length, 2);
});

test('the points distribution widens its bars to the year\'s highest score', async () => {
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  // totals as the ledger keeps them: member 2 has 130 this year, member 3 has 12, the rest none
  sql(srv.db, `INSERT INTO points_totals (person_id, period, total, branch_id, entries) VALUES (2, '${year}', 130, ${ORG.branchA}, 1),
    (3, '${year}', 12, ${ORG.branchA}, 1);`);
  const d = (await as.leader.get('/api/v1/dashboard')).body;
  const dist = d.points.distribution;
  assert.equal(dist.length, 8);
  assert.equal(dist.reduce((n, b) => n + b.count, 0), d.points.members);
  assert.deepEqual(dist.map((b) => b.range), ['0–19', '20–39', '40–59', '60–79', '80–99', '100–119', '120–139', '140 分以上']);
  assert.equal(dist[0].count, d.points.members - 1, 'everyone but the 130 in the first bar');
  assert.equal(dist[6].count, 1);
});

test('a city\'s thousands of branches: the heatmap keeps the 50 owing most, the warnings list the first 200, the counts are of all', async () => {
  const city = await startServer();
  try {
    seedAgency(city.db);
    // 210 more branches whose term ended (each a 换届 warning, whatever the date), one of them 2 years
    // old and the rest set up this very day: no month of theirs can be owing except the old one's
    const today = shanghaiDate(0);
    const rows = [];
    for (let i = 0; i < 210; i++) {
      const id = 5000 + i;
      rows.push(`(${id}, 1, 'branch', '第${i + 10}党支部', '/1/${id}/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',`
        + ` '${i === 7 ? shanghaiDate(-730) : today}', '${shanghaiDate(-1000)}', '${shanghaiDate(-10)}')`);
    }
    sql(city.db, `INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at, set_up_on, term_start, term_end) VALUES ${rows.join(',\n')};`);
    const c = city.client();
    await c.login('committee');
    const r = await c.get('/api/v1/dashboard');
    assert.equal(r.status, 200, r.text);
    const d = r.body;
    assert.equal(d.compliance.branches_total, 212);
    assert.equal(d.compliance.branches.length, 50);
    const counts = d.compliance.counts;
    assert.equal(counts.done + counts.partial + counts.missing + counts.not_due + counts.not_applicable, 212 * 12,
      'the counts are of every branch');
    const ids = d.compliance.branches.map((b) => b.org_id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'kept in their order');
    const owing = (b) => b.cells.filter((x) => x.status === 'missing' || x.status === 'partial').length;
    const old = d.compliance.branches.find((b) => b.org_id === 5007);
    if (counts.missing + counts.partial > 0) assert.ok(old && owing(old) > 0, 'the branch owing months is kept');
    assert.ok(d.warnings.count >= 210, String(d.warnings.count));
    assert.equal(d.warnings.items.length, 200);
  } finally {
    await city.stop();
  }
});
