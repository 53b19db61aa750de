// The phone's and the PC's other reads, kept by the read cache (src/core/readcache.h):
// 组织生活 (life/me), 党费 (dues/me), 我的任务 (items?mine=1), 学习 (study/materials),
// 清单 (lists), the org screen's transfer warnings, each kept for its caller alone (their
// grants in the key), and one organisation (orgs/:id), kept once for every reader allowed on
// it. Each is kept until a write to a table it was read from, so a write shows at once on the
// screen that reads it; and a kept answer never reaches a caller who may not read it.
// Test builds say in an X-DJ-Read-Cache header whether a request used a kept answer.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, createActivity, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';

let srv, com, secA, memberA, memberB, header;
test.before(async () => {
  srv = await startServer({ env: { DJ_RCACHE_TTL_MS: '60000' } });
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  [com, secA, memberA, memberB] = await Promise.all(['committee', 'sec-a', 'member-a', 'member-b'].map(as));
  const r = await com.get('/api/v1/orgs/1');
  header = Boolean(r.headers.get('x-dj-read-cache')) && !process.env.DJ_CLUSTER;
});
test.after(async () => { await srv.stop(); });

function cache(r) {
  const m = /^hits=(\d+) misses=(\d+)$/.exec(r.headers.get('x-dj-read-cache') || 'hits=0 misses=0');
  assert.ok(m);
  return { hits: Number(m[1]), misses: Number(m[2]) };
}
// read twice: the same answer, the second kept
async function twice(c, p) {
  const a = await c.get(p), b = await c.get(p);
  assert.equal(a.status, 200, `${p}: ${a.text}`);
  assert.equal(b.text, a.text, p);
  if (header) {
    const k = cache(b);
    assert.ok(k.hits >= 1 && k.misses === 0, `${p}: ${JSON.stringify(k)}`);
  }
  return a;
}
async function made(c, p) {
  const r = await c.get(p);
  assert.equal(r.status, 200, `${p}: ${r.text}`);
  if (header) assert.ok(cache(r).misses >= 1, `${p}: ${JSON.stringify(cache(r))}`);
  return r;
}

test('组织生活: the member\'s year is kept for them, a meeting and a leave show at once', async () => {
  const year = shanghaiDate(0, Date.now() - 5 * 60000).slice(0, 4); // the year the meeting below begins in
  const p = `/api/v1/life/me?year=${year}`;
  const a1 = await twice(memberA, p), b1 = await twice(memberB, p);
  assert.notEqual(a1.text, b1.text);
  const act = await createActivity(com, { title: '缓存测试：组织生活', expected_person_ids: [PERSON.memberA] }, { notice: true });
  const a2 = await made(memberA, p);
  const mine = a2.body.activities.find((x) => x.id === act.id);
  assert.ok(mine, a2.text);
  assert.equal(mine.status, 'upcoming');
  assert.equal(a2.body.activities.length, a1.body.activities.length + 1);
  assert.ok(!(await memberB.get(p)).body.activities.some((x) => x.id === act.id));
  const r = await memberA.post(`/api/v1/activities/${act.id}/leave`, { reason: '出差' });
  assert.ok(r.status === 201 || r.status === 200, r.text);
  const a3 = await made(memberA, p);
  assert.equal(a3.body.activities.find((x) => x.id === act.id).leave_status, 'pending', a3.text);
});

test('党费: the member\'s dues are kept for them, a new base shows at once', async () => {
  const a1 = await twice(memberA, '/api/v1/dues/me'), b1 = await twice(memberB, '/api/v1/dues/me');
  assert.equal(a1.body.person_id ?? PERSON.memberA, PERSON.memberA);
  assert.notEqual(a1.text, b1.text);
  const month = shanghaiDate().slice(0, 7);
  const r = await secA.post('/api/v1/dues/bases', { person_id: PERSON.memberA, category: 'employed', base_fen: 654300, effective_month: month });
  assert.equal(r.status, 201, r.text);
  const a2 = await made(memberA, '/api/v1/dues/me');
  assert.equal(a2.body.base.base_fen, 654300, a2.text);
  assert.equal((await memberB.get('/api/v1/dues/me')).text, b1.text);
});

test('清单 and 我的任务: kept for each caller with their grants, a new list or item shows at once', async () => {
  const mineP = '/api/v1/items?mine=1&sort=due&limit=200';
  const i1 = await twice(memberA, mineP);
  const l1 = await twice(com, '/api/v1/lists'), s1 = await twice(secA, '/api/v1/lists');
  let r = await com.post('/api/v1/lists', { kind: 'custom', title: '缓存测试清单', categories: ['学习'] });
  assert.equal(r.status, 201, r.text);
  const list = r.body.id;
  const l2 = await made(com, '/api/v1/lists');
  assert.equal(l2.body.total, l1.body.total + 1, l2.text);
  assert.equal(l2.body.items.find((x) => x.id === list).can_write, true);
  // the secretary's own answer: what they may write is theirs, never the committee's
  const s2 = await secA.get('/api/v1/lists');
  for (const l of s2.body.items) if (l.id === list) assert.equal(l.can_write, false, s2.text);
  assert.ok(s2.body.total >= s1.body.total);
  r = await com.post(`/api/v1/lists/${list}/items`, { title: '缓存测试事项', category: '学习', org_id: ORG.branchA, owners: [PERSON.memberA] });
  assert.equal(r.status, 201, r.text);
  const i2 = await made(memberA, mineP);
  assert.equal(i2.body.total, i1.body.total + 1, i2.text);
  assert.ok(i2.body.items.some((x) => x.title === '缓存测试事项'));
  // another filter is another answer
  const other = await memberA.get('/api/v1/items?mine=1&sort=seq&limit=1');
  assert.equal(other.status, 200, other.text);
  assert.ok(other.body.items.length <= 1);
  assert.ok(!(await memberB.get(mineP)).body.items.some((x) => x.title === '缓存测试事项'));
});

test('学习: the materials page is kept for the member, a material published shows at once', async () => {
  const m1 = await twice(memberA, '/api/v1/study/materials');
  const cols = (await com.get('/api/v1/study/columns')).body.items;
  let r = await com.post('/api/v1/study/materials', { org_id: ORG.committee, column_id: cols[0].id, kind: 'article', title: '缓存测试材料', body: '<p>内容</p>' });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  // a draft: not on the member's page, and the page as it was
  assert.equal((await memberA.get('/api/v1/study/materials')).body.total, m1.body.total);
  assert.equal((await com.post(`/api/v1/study/materials/${id}/publish`, {})).status, 200);
  const m2 = await made(memberA, '/api/v1/study/materials');
  assert.equal(m2.body.total, m1.body.total + 1, m2.text);
  assert.ok(m2.body.items.some((x) => x.id === id));
});

test('an organisation is kept once for every reader allowed on it, and never shown to another', async () => {
  const p = `/api/v1/orgs/${ORG.branchA}`;
  const c1 = await made(com, p);
  // the secretary of branch A reads the committee's kept answer: the same for both
  const s1 = await secA.get(p);
  assert.equal(s1.status, 200, s1.text);
  assert.equal(s1.text, c1.text);
  if (header) assert.ok(cache(s1).hits >= 1, JSON.stringify(cache(s1)));
  // branch B's is kept for the committee, and still refused to branch A's secretary and to a member
  await twice(com, `/api/v1/orgs/${ORG.branchB}`);
  assert.equal((await secA.get(`/api/v1/orgs/${ORG.branchB}`)).status, 403);
  assert.equal((await memberA.get(`/api/v1/orgs/${ORG.branchB}`)).status, 403);
  const r = await com.patch(p, { brand_slogan: '缓存测试口号' });
  assert.equal(r.status, 200, r.text);
  const s2 = await made(secA, p);
  assert.equal(s2.body.brand_slogan, '缓存测试口号', s2.text);
});

test('the transfer warnings are kept for each caller in their own scope', async () => {
  const p = `/api/v1/transfers/warnings?org=${ORG.committee}`;
  const c1 = await twice(com, p);
  for (const k of ['expired', 'receipt_overdue', 'flow_members', 'flow_contact_due', 'lost_contact']) assert.equal(typeof c1.body[k], 'number', c1.text);
  // the committee's kept answer never answers a secretary who may not read the committee
  const s = await secA.get(p);
  assert.ok(s.status === 403 || s.status === 404, s.text);
  const own = await twice(secA, `/api/v1/transfers/warnings?org=${ORG.branchA}`);
  assert.ok(own.body.flow_members <= c1.body.flow_members);
});

test('我的 and the study tab: the member\'s own record, tasks, notices and quizzes kept for them; the columns for everyone', async () => {
  const self = `/api/v1/people/${PERSON.memberA}`;
  const p1 = await twice(memberA, self);
  assert.equal(p1.body.id, PERSON.memberA);
  // her own record never opens another's: member B's is refused, whatever is kept
  assert.equal((await memberA.get(`/api/v1/people/${PERSON.memberB}`)).status, 403);
  const r = await secA.patch(self, { phone: '13912345678' });
  assert.equal(r.status, 200, r.text);
  const p2 = await made(memberA, self);
  assert.equal(p2.body.phone, '13912345678', p2.text);
  assert.equal((await memberB.get(`/api/v1/people/${PERSON.memberB}`)).body.id, PERSON.memberB);

  for (const p of ['/api/v1/study/assignments/mine', '/api/v1/study/notices/mine', '/api/v1/study/quizzes']) {
    const a = await twice(memberA, p);
    assert.ok(Array.isArray(a.body.items), a.text);
  }
  const c1 = await twice(memberA, '/api/v1/study/columns');
  // kept once for every reader: the committee is given the member's kept answer
  const c2 = await com.get('/api/v1/study/columns');
  assert.equal(c2.text, c1.text);
  if (header) assert.ok(cache(c2).hits >= 1, JSON.stringify(cache(c2)));

  // a notice of branch A shows on the member's list at once, not on branch B's
  const n = await secA.post('/api/v1/study/notices', { org_id: ORG.branchA, title: '缓存测试通知', body: '请按时学习' });
  assert.equal(n.status, 201, n.text);
  const notices = await made(memberA, '/api/v1/study/notices/mine');
  assert.ok(notices.body.items.some((x) => x.title === '缓存测试通知'), notices.text);
  assert.ok(!(await memberB.get('/api/v1/study/notices/mine')).body.items.some((x) => x.title === '缓存测试通知'));
});
