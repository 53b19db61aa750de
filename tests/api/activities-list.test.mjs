// The activity list (GET /api/v1/activities) builds its statement from the filters given
// (src/life/life_store.c: only the conditions asked for, the page chosen before its rows
// are joined and counted).  Every filter, the order, the pages and the count answer what
// the whole list, filtered here by the same rules, says.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, ORG } from '../lib/fixtures.mjs';
import { iso8 } from '../lib/clock.mjs';

const DAY = 86400 * 1000;
const shanghaiDay = (isoUtc) => new Date(Date.parse(isoUtc) + 8 * 3600 * 1000).toISOString().slice(0, 10);

let srv, com, mem, all;
const PLAN = [
  { org: ORG.branchA, kind: 'branch_assembly', title: '一月支部党员大会', days: -40, notice: true },
  { org: ORG.branchA, kind: 'theme_day', title: '主题党日：红色教育', days: -20, notice: true },
  { org: ORG.groupA, kind: 'group_meeting', title: '党小组会（一）', days: -10, notice: true },
  { org: ORG.branchB, kind: 'theme_day', title: '主题党日：志愿服务', days: -10, notice: true },
  { org: ORG.branchB, kind: 'party_lecture', title: '专题党课', days: 5, notice: true },
  { org: ORG.branchA, kind: 'party_lecture', title: '党课：党章学习', days: 12, notice: false },
  { org: ORG.branchA, kind: 'theme_day', title: '主题党日：同一时刻', days: 12, notice: true },
];

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  com = srv.client();
  await com.login('committee');
  mem = srv.client();
  await mem.login('member-a');
  const base = Date.now();
  for (const p of PLAN) {
    const at = base + p.days * DAY;
    const r = await com.post('/api/v1/activities', {
      org_id: p.org, kind: p.kind, title: p.title, starts_at: iso8(at), ends_at: iso8(at + 3600 * 1000), place: '会议室',
    });
    assert.equal(r.status, 201, r.text);
    if (p.notice) assert.equal((await com.post(`/api/v1/activities/${r.body.id}/notice`)).status, 200);
  }
  const r = await com.get('/api/v1/activities?limit=500');
  assert.equal(r.status, 200, r.text);
  all = r.body.items;
  assert.equal(all.length, PLAN.length);
  assert.equal(r.body.total, PLAN.length);
});
test.after(async () => { await srv.stop(); });

const ids = (items) => items.map((a) => a.id);
async function list(client, q) {
  const r = await client.get(`/api/v1/activities?limit=500&${q}`);
  assert.equal(r.status, 200, `${q}: ${r.text}`);
  assert.equal(r.body.total, r.body.items.length, `${q}: the count`);
  return r.body.items;
}

test('the whole list: newest first, ties by id; ascending reverses the start, not the ties', () => {
  for (let i = 1; i < all.length; i++) {
    const [a, b] = [all[i - 1], all[i]];
    assert.ok(a.starts_at > b.starts_at || (a.starts_at === b.starts_at && a.id < b.id), `${a.id} before ${b.id}`);
  }
  const one = all[0];
  for (const k of ['org_name', 'kind_name', 'expected_count', 'present_count', 'leave_count', 'attachment_count']) {
    assert.ok(k in one, `${k} in a row`);
  }
  assert.equal(all.find((a) => a.org_id === ORG.branchA && a.kind === 'branch_assembly').expected_count, 5);
});

test('order=asc', async () => {
  const asc = await list(com, 'order=asc');
  const want = [...all].sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : a.id - b.id));
  assert.deepEqual(ids(asc), ids(want));
});

test('each filter answers what the whole list filtered by its rule says', async () => {
  const cases = [
    ['kind=theme_day', (a) => a.kind === 'theme_day'],
    ['state=planned', (a) => a.state === 'planned'],
    ['state=noticed&kind=party_lecture', (a) => a.state === 'noticed' && a.kind === 'party_lecture'],
    [`q=${encodeURIComponent('主题党日')}`, (a) => a.title.includes('主题党日')],
    [`org=${ORG.branchA}`, (a) => [ORG.branchA, ORG.groupA].includes(a.org_id)],
    [`org=${ORG.groupA}`, (a) => a.org_id === ORG.groupA],
    [`org=${ORG.branchB}&kind=theme_day`, (a) => a.org_id === ORG.branchB && a.kind === 'theme_day'],
  ];
  const days = [...new Set(all.map((a) => shanghaiDay(a.starts_at)))].sort();
  const [d0, d1, d2] = [days[0], days[1], days[days.length - 1]];
  cases.push([`from=${d1}`, (a) => shanghaiDay(a.starts_at) >= d1]);
  cases.push([`to=${d1}`, (a) => shanghaiDay(a.starts_at) <= d1]);
  cases.push([`from=${d0}&to=${d0}`, (a) => shanghaiDay(a.starts_at) === d0]);
  cases.push([`from=${d1}&to=${d2}&kind=theme_day`, (a) => shanghaiDay(a.starts_at) >= d1 && a.kind === 'theme_day']);
  const t = all[2].starts_at; // an instant: from is inclusive, to exclusive
  cases.push([`from=${encodeURIComponent(t)}`, (a) => a.starts_at >= t]);
  cases.push([`to=${encodeURIComponent(t)}`, (a) => a.starts_at < t]);
  for (const [q, keep] of cases) {
    const got = await list(com, q);
    assert.deepEqual(ids(got), ids(all.filter(keep)), q);
    assert.ok(got.length > 0 || q.startsWith('to='), `${q} finds something`);
  }
});

test('pages by the cursor give the whole list once, each with the count', async () => {
  const seen = [];
  let r = await com.get('/api/v1/activities?limit=2');
  for (let n = 0; ; n++) {
    assert.ok(n < 10);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, all.length);
    seen.push(...ids(r.body.items));
    if (!r.body.next) break;
    r = await com.get(`/api/v1/activities?limit=2&cursor=${encodeURIComponent(r.body.next)}`);
  }
  assert.deepEqual(seen, ids(all));
  const kinds = await list(com, 'kind=theme_day');
  r = await com.get('/api/v1/activities?limit=1&kind=theme_day');
  const second = await com.get(`/api/v1/activities?limit=1&kind=theme_day&cursor=${encodeURIComponent(r.body.next)}`);
  assert.deepEqual([...ids(r.body.items), ...ids(second.body.items)], ids(kinds).slice(0, 2));
  assert.equal(second.body.total, kinds.length);
});

test("a member's list: the noticed ones of the scope and where expected; mine=1 only the latter", async () => {
  const everything = await list(mem, '');
  assert.ok(everything.every((a) => a.state !== 'planned'), 'a planned one is the organisers\' draft');
  const mine = await list(mem, 'mine=1');
  assert.ok(mine.length > 0);
  assert.ok(mine.every((a) => [ORG.branchA, ORG.groupA].includes(a.org_id)), 'member-a is expected in branch A');
  assert.ok(ids(mine).every((id) => ids(everything).includes(id)));
  const mineThemes = await list(mem, 'mine=1&kind=theme_day');
  assert.deepEqual(ids(mineThemes), ids(mine.filter((a) => a.kind === 'theme_day')));
});

test('bad filters: a 400 naming the field, and nothing listed', async () => {
  for (const [q, field] of [['from=2026-13-45', 'from'], ['to=yesterday', 'to'], ['kind=dance', 'kind'], ['org=999999', 'org']]) {
    const r = await com.get(`/api/v1/activities?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error?.field, field, `${q}: ${r.text}`);
  }
});
