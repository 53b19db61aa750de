// Branch assessment: scheme → period → scores → ranking → 公示 → final, with scope
// (secretaries read their own branch, only the committee scores, leaders read only),
// frozen scheme versions, the assessor-own-branch rule and bad input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';

let srv;
const as = {};
test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  // a committee member who is also a member of branch A (person 3, in group 4 under branch 2)
  sql(srv.db, `INSERT INTO users (login, name, password_hash, person_id, created_at)
     SELECT 'committee-a', '王志强', password_hash, 3, '2026-01-01T00:00:00Z' FROM users WHERE login = 'committee';
   INSERT INTO users (login, name, password_hash, created_at)
     SELECT 'committee-b', '考评组成员', password_hash, '2026-01-01T00:00:00Z' FROM users WHERE login = 'committee';
   INSERT INTO grants (user_id, role, org_id) SELECT id, 'committee', 1 FROM users WHERE login IN ('committee-a', 'committee-b');`);
  for (const l of ['committee', 'committee-a', 'committee-b', 'leader', 'sec-a', 'sec-b', 'member-a', 'discipline']) {
    as[l] = srv.client();
    await as[l].login(l);
  }
});
test.after(async () => { await srv.stop(); });

const INDICATORS = [
  { code: 'compliance', name: '三会一课落实率', kind: 'computed', provider: 'compliance', max_score: 40, target: 1 },
  { code: 'rect', name: '整改销号率', kind: 'computed', provider: 'rectification', max_score: 20 },
  { code: 'brand', name: '品牌建设', kind: 'scored', max_score: 40, guidance: '品牌成效' },
];

let scheme, period;

test('the two templates ship with the product', async () => {
  const r = await as.committee.get('/api/v1/assessment/schemes');
  assert.equal(r.status, 200);
  const codes = r.body.items.map((s) => s.code);
  assert.ok(codes.includes('advanced') && codes.includes('four_strong'));
  const four = r.body.items.find((s) => s.code === 'four_strong');
  const dims = new Set(four.indicator_list.map((i) => i.dimension));
  assert.deepEqual([...dims].sort(), ['作用发挥强', '党员队伍强', '政治功能强', '支部班子强'].sort());
  assert.equal(four.total_max, 100);
  // every computed indicator carries its formula
  for (const i of four.indicator_list.filter((x) => x.kind === 'computed')) assert.match(i.formula, /=|÷/);
  assert.ok(r.body.providers.length >= 7);
});

test('bad scheme input is refused with the field named, and nothing is written', async () => {
  const before = sql(srv.db, 'SELECT COUNT(*) FROM assess_schemes;').trim();
  let r = await as.committee.post('/api/v1/assessment/schemes', { name: '坏方案', indicators: [] });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'indicators');
  r = await as.committee.post('/api/v1/assessment/schemes', {
    name: '坏方案', indicators: [{ code: 'x', name: '未知', kind: 'computed', provider: 'nope', max_score: 10 }] });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /未知的计算方法/);
  r = await as.committee.post('/api/v1/assessment/schemes', {
    name: '坏方案', indicators: [{ code: 'x', name: '负分', kind: 'scored', max_score: -1 }] });
  assert.equal(r.status, 400);
  r = await as.committee.post('/api/v1/assessment/schemes', { name: '坏方案', indicators: INDICATORS, extra: 1 });
  assert.equal(r.status, 400);
  assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM assess_schemes;').trim(), before);
});

test('only the committee creates schemes; leaders and secretaries cannot', async () => {
  for (const l of ['leader', 'sec-a']) {
    const r = await as[l].post('/api/v1/assessment/schemes', { name: '方案', indicators: INDICATORS });
    assert.equal(r.status, 403, l);
  }
  const r = await as.committee.post('/api/v1/assessment/schemes', { name: '测试方案', description: '测试', indicators: INDICATORS });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  scheme = r.body;
  assert.equal(scheme.version.version, 1);
  assert.equal(scheme.version.total_max, 100);
  assert.equal(scheme.version.indicators[1].target, 1); // the provider's default
});

test('a period freezes the scheme version; a later edit does not change it', async () => {
  let r = await as.committee.post('/api/v1/assessment/periods', { scheme_id: scheme.id, kind: 'year', year: 2025,
    selection_mode: 'top_n', selection_value: 1 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  period = r.body;
  assert.equal(period.version, 1);
  assert.equal(period.starts_on, '2025-01-01');
  assert.equal(period.ends_on, '2025-12-31');
  assert.equal(period.state, 'open');
  r = await as.committee.post('/api/v1/assessment/periods', { scheme_id: scheme.id, kind: 'year', year: 2025 });
  assert.equal(r.status, 409);
  r = await as.committee.post('/api/v1/assessment/periods', { scheme_id: scheme.id, kind: 'half', year: 2025 });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'half');

  const edited = INDICATORS.map((i) => ({ ...i }));
  edited[2].max_score = 10;
  r = await as.committee.post(`/api/v1/assessment/schemes/${scheme.id}/versions`, { name: '测试方案（修订）', indicators: edited });
  assert.equal(r.status, 201);
  assert.equal(r.body.current_version, 2);
  assert.equal(r.body.version.total_max, 70);
  r = await as.committee.get(`/api/v1/assessment/periods/${period.id}`);
  assert.equal(r.body.version, 1);
  assert.equal(r.body.total_max, 100);
  assert.equal(r.body.indicators.find((i) => i.code === 'brand').max_score, 40);
  r = await as.committee.get(`/api/v1/assessment/schemes/${scheme.id}?version=1`);
  assert.equal(r.body.version.total_max, 100);
});

test('only committee members score, never their own branch, within the maximum and with a comment', async () => {
  const brand = period.indicators.find((i) => i.code === 'brand');
  const comp = period.indicators.find((i) => i.code === 'compliance');
  const url = `/api/v1/assessment/periods/${period.id}/scores`;
  let r = await as['sec-a'].post(url, { org_id: ORG.branchB, indicator_id: brand.id, score: 30, comment: '很好的品牌' });
  assert.equal(r.status, 403);
  r = await as.leader.post(url, { org_id: ORG.branchB, indicator_id: brand.id, score: 30, comment: '很好的品牌' });
  assert.equal(r.status, 403);
  r = await as['committee-a'].post(url, { org_id: ORG.branchA, indicator_id: brand.id, score: 30, comment: '自评' });
  assert.equal(r.status, 403);
  assert.match(r.body.error.message, /本人所在的支部/);
  r = await as.committee.post(url, { org_id: ORG.branchA, indicator_id: brand.id, score: 41, comment: '超出满分' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'score');
  r = await as.committee.post(url, { org_id: ORG.branchA, indicator_id: comp.id, score: 10, comment: '自动指标' });
  assert.equal(r.status, 400);
  r = await as.committee.post(url, { org_id: ORG.branchA, indicator_id: brand.id, score: 10, comment: '  ' });
  assert.equal(r.status, 400);
  r = await as.committee.post(url, { org_id: ORG.groupA, indicator_id: brand.id, score: 10, comment: '党小组不参评' });
  assert.equal(r.status, 400);
  assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM assess_scores;').trim(), '0');

  // two assessors score branch A, one scores B; committee-a's own-branch rule leaves B open to it
  assert.equal((await as.committee.post(url, { org_id: ORG.branchA, indicator_id: brand.id, score: 28, comment: '品牌鲜明' })).status, 204);
  assert.equal((await as.committee.post(url, { org_id: ORG.branchA, indicator_id: brand.id, score: 30, comment: '品牌鲜明，成效好' })).status, 204);
  assert.equal((await as['committee-b'].post(url, { org_id: ORG.branchA, indicator_id: brand.id, score: 32, comment: '载体扎实' })).status, 204);
  assert.equal((await as['committee-a'].post(url, { org_id: ORG.branchB, indicator_id: brand.id, score: 20, comment: '尚需提炼' })).status, 204);
  assert.equal((await as.committee.post(url, { org_id: ORG.branchB, indicator_id: brand.id, score: 24, comment: '有特色' })).status, 204);
  const form = await as['committee-a'].get(url);
  assert.equal(form.status, 200);
  const a = form.body.branches.find((b) => b.org_id === ORG.branchA);
  const b = form.body.branches.find((x) => x.org_id === ORG.branchB);
  assert.equal(a.may_score, false);
  assert.equal(b.may_score, true);
  assert.equal(b.scores[0].score, 20);
  // a replay replaces, it does not add
  assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM assess_scores;').trim(), '4');
  assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'assess_score';").trim(), '5');
});

test('computing ranks the branches; secretaries read their own, leaders all, members none', async () => {
  let r = await as.leader.post(`/api/v1/assessment/periods/${period.id}/compute`);
  assert.equal(r.status, 403);
  r = await as.committee.post(`/api/v1/assessment/periods/${period.id}/compute`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.branches, 2);
  assert.ok(r.body.computed_at);

  r = await as.leader.get(`/api/v1/assessment/periods/${period.id}/results`);
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 2);
  const [first, second] = r.body.items;
  assert.equal(first.org_id, ORG.branchA);
  assert.equal(first.rank, 1);
  assert.equal(second.rank, 2);
  assert.equal(first.selected, true);
  assert.equal(second.selected, false);
  const brandA = first.indicators.find((i) => i.code === 'brand');
  assert.equal(brandA.value, 31); // (30 + 32) / 2
  assert.equal(brandA.score, 31);
  const brandB = second.indicators.find((i) => i.code === 'brand');
  assert.equal(brandB.value, 22); // (20 + 24) / 2
  // a computed figure is a number or null with a reason, never made up
  for (const it of first.indicators) {
    if (it.value === null) assert.match(it.reason, /^(数据不可用|不适用)/);
    else assert.equal(typeof it.value, 'number');
  }
  // total = applicable scores scaled to the scheme's 100 points
  const appl = first.indicators.filter((i) => i.score !== null);
  const maxOf = (code) => period.indicators.find((i) => i.code === code).max_score;
  const raw = appl.reduce((s, i) => s + i.score, 0);
  const amax = appl.reduce((s, i) => s + maxOf(i.code), 0);
  assert.ok(Math.abs(first.total - Math.round(raw / amax * 10000) / 100) < 0.011);

  r = await as['sec-b'].get(`/api/v1/assessment/periods/${period.id}/results`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((i) => i.org_id), [ORG.branchB]);
  assert.equal(r.body.items[0].rank, 2);
  r = await as['sec-b'].get(`/api/v1/assessment/periods/${period.id}/results/${ORG.branchA}`);
  assert.equal(r.status, 403);
  r = await as['sec-b'].get(`/api/v1/assessment/periods/${period.id}/results/${ORG.branchB}`);
  assert.equal(r.status, 200);
  const ev = r.body.result.indicators.find((i) => i.code === 'brand').evidence;
  assert.equal(ev.count, 2);
  assert.deepEqual(ev.records.map((x) => x.score).sort(), [20, 24]);
  assert.ok(ev.records.every((x) => x.type === 'score' && x.comment));
  r = await as['member-a'].get(`/api/v1/assessment/periods/${period.id}/results`);
  assert.equal(r.status, 403);
  r = await as['sec-a'].get(`/api/v1/assessment/history/${ORG.branchA}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.items[0].rank, 1);
});

test('selection by threshold, then 公示 of at least 5 working days, then final', async () => {
  const base = `/api/v1/assessment/periods/${period.id}`;
  let r = await as.committee.post(`${base}/selection`, { selection_mode: 'threshold', selection_value: 0.01 });
  assert.equal(r.status, 200);
  assert.equal(r.body.selected, 2);
  r = await as.committee.post(`${base}/selection`, { selection_mode: 'top_n', selection_value: 1.5 });
  assert.equal(r.status, 400);
  r = await as.committee.post(`${base}/selection`, { selection_mode: 'top_n', selection_value: 1 });
  assert.equal(r.body.selected, 1);
  r = await as['member-a'].get(`${base}/publicity`);
  assert.equal(r.status, 404);
  r = await as.committee.post(`${base}/finalise`);
  assert.equal(r.status, 409);
  r = await as.committee.post(`${base}/publish`);
  assert.equal(r.status, 200);
  assert.equal(r.body.state, 'publicity');
  assert.ok(r.body.publicity_days >= 5);
  // the last day is at least 7 calendar days later (5 working days after today)
  const days = (Date.parse(r.body.publicity_ends_on) - Date.parse(r.body.published_at.slice(0, 10))) / 86400000;
  assert.ok(days >= 7 - 1 && days <= 9, String(days));
  // frozen: no more scores, no recomputation, no change of the selection
  const brand = period.indicators.find((i) => i.code === 'brand');
  r = await as.committee.post(`${base}/scores`, { org_id: ORG.branchB, indicator_id: brand.id, score: 40, comment: '补评' });
  assert.equal(r.status, 409);
  r = await as.committee.post(`${base}/compute`);
  assert.equal(r.status, 409);
  r = await as.committee.post(`${base}/selection`, { selection_mode: 'top_n', selection_value: 2 });
  assert.equal(r.status, 409);
  r = await as['member-a'].get(`${base}/publicity`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((i) => i.org_id), [ORG.branchA]);
  // during the 公示 it cannot be made final
  r = await as.committee.post(`${base}/finalise`);
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /公示期至/);
  // the 公示 has run its course
  sql(srv.db, `UPDATE assess_periods SET publicity_ends_on = '2026-01-09' WHERE id = ${period.id};`);
  r = await as.leader.post(`${base}/finalise`);
  assert.equal(r.status, 403);
  r = await as.committee.post(`${base}/finalise`);
  assert.equal(r.status, 200);
  assert.equal(r.body.state, 'final');
  r = await as.committee.post(`${base}/finalise`);
  assert.equal(r.status, 409);
  const audit = sql(srv.db, `SELECT action FROM audit WHERE entity = 'assess_period' AND entity_id = ${period.id} ORDER BY id;`);
  assert.deepEqual(audit.trim().split('\n'), ['create', 'compute', 'selection', 'selection', 'publish', 'finalise']);
});

test('the latest closed period keeps its figures when the scheme changes again', async () => {
  const before = await as.committee.get(`/api/v1/assessment/periods/${period.id}/results`);
  const r = await as.committee.post(`/api/v1/assessment/schemes/${scheme.id}/versions`, {
    name: '测试方案（再修订）', indicators: [{ code: 'only', name: '唯一指标', kind: 'scored', max_score: 5 }] });
  assert.equal(r.status, 201);
  const after = await as.committee.get(`/api/v1/assessment/periods/${period.id}/results`);
  assert.deepEqual(after.body.items, before.body.items);
  assert.equal(after.body.period.indicators.length, 3);
});
