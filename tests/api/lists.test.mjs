// Work lists over HTTP: lists, items, the timeline, 销号 and cancelling, who may
// see and do what, inspections, the CSV import, and the quarterly report as JSON,
// XLSX (unzipped, cells checked) and PDF (pdftotext, Chinese title and counts).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, dj } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';

// Shanghai calendar days, relative to today
const DAY = 86400000;
const shDate = (offsetDays = 0) => new Date(Date.now() + 8 * 3600000 + offsetDays * DAY).toISOString().slice(0, 10);
function quarterOf(d) {
  const [y, m] = d.split('-').map(Number);
  return { y, q: Math.floor((m - 1) / 3) + 1 };
}
function nextQuarterFirst(d) {
  const { y, q } = quarterOf(d);
  return q === 4 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`;
}

/** One value from the test database (the fixture's PRAGMA prints a line first). */
const one = (text) => sql(srv.db, text).trim().split('\n').at(-1);

let srv, committee, discipline, leader, secA, secB, memberA, memberB;

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  const mk = async (login) => { const c = srv.client(); await c.login(login); return c; };
  committee = await mk('committee');
  discipline = await mk('discipline');
  leader = await mk('leader');
  secA = await mk('sec-a');
  secB = await mk('sec-b');
  memberA = await mk('member-a');
  memberB = await mk('member-b');
});

test.after(async () => { await srv.stop(); });

async function newList(body = {}) {
  const r = await committee.post('/api/v1/lists', { kind: 'model_organ', title: '测试模范机关清单', year: 2026, ...body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function newItem(listId, body = {}) {
  const r = await committee.post(`/api/v1/lists/${listId}/items`, {
    title: '开展专题学习', category: '学习型', org_id: ORG.branchA, owners: [PERSON.memberA], ...body,
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('lists: create, read, bad input, who may create which kind', async () => {
  const l = await newList();
  assert.deepEqual(l.categories, ['政治型', '学习型', '效能型', '担当型', '纪律型']);
  assert.equal(l.org_id, ORG.committee);
  // bad input, each a 4xx naming the field, nothing written
  const before = one('SELECT COUNT(*) FROM lists;');
  const bad = [
    [{ kind: 'model_organ' }, 'title'],
    [{ kind: 'nonsense', title: 'x' }, 'kind'],
    [{ kind: 'responsibility', title: '责任' }, 'subkind'],
    [{ kind: 'custom', subkind: 'principal', title: 'x' }, 'subkind'],
    [{ kind: 'custom', title: '   ' }, 'title'],
    [{ kind: 'custom', title: 'x', color: 'red' }, 'color'],
    [{ kind: 'custom', title: 'x', categories: ['', 'a'] }, 'categories'],
    [{ kind: 'custom', title: 'x', year: 'twenty' }, 'year'],
  ];
  for (const [body, field] of bad) {
    const r = await committee.post('/api/v1/lists', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${r.text}`);
    assert.equal(r.body.error.field, field, r.text);
    assert.match(r.body.error.message, /[\u4e00-\u9fff]/);
  }
  const dup = await committee.req('POST', '/api/v1/lists', '{"kind":"custom","title":"a","title":"b"}',
    { headers: { 'content-type': 'application/json' } });
  assert.equal(dup.status, 400);
  assert.equal(one('SELECT COUNT(*) FROM lists;'), before);
  // discipline owns the 监督责任清单, not the committee's others
  const sup = await discipline.post('/api/v1/lists', { kind: 'responsibility', subkind: 'supervision', title: '监督责任清单' });
  assert.equal(sup.status, 201, sup.text);
  assert.equal(sup.body.write_perm, 'list.supervise');
  const prin = await discipline.post('/api/v1/lists', { kind: 'responsibility', subkind: 'principal', title: '主体责任清单' });
  assert.equal(prin.status, 403);
  assert.equal((await secA.post('/api/v1/lists', { kind: 'custom', title: '支部自建' })).status, 403);
  assert.equal((await leader.post('/api/v1/lists', { kind: 'custom', title: '领导' })).status, 403);
  // the committee writes all lists, including discipline's
  const it = await committee.post(`/api/v1/lists/${sup.body.id}/items`, { title: '开展廉政谈话', category: '第一季度' });
  assert.equal(it.status, 201, it.text);
  const it2 = await discipline.post(`/api/v1/lists/${sup.body.id}/items`, { title: '警示教育', category: '第二季度' });
  assert.equal(it2.status, 201, it2.text);
  // discipline does the 销号 of its own list's items, not of the committee's
  await discipline.post(`/api/v1/items/${it2.body.id}/updates`, { body: '已召开警示教育大会', progress: 100 });
  const dv = await discipline.post(`/api/v1/items/${it2.body.id}/verify`, {});
  assert.equal(dv.status, 200, dv.text);
  assert.equal(dv.body.status, 'done');
  // but discipline cannot add to the committee's model list
  assert.equal((await discipline.post(`/api/v1/lists/${l.id}/items`, { title: 'x', category: '学习型' })).status, 403);
  // read one; patch
  const mi = await committee.post(`/api/v1/lists/${l.id}/items`, { title: '理论学习', category: '学习型' });
  await committee.post(`/api/v1/items/${mi.body.id}/updates`, { body: '完成', progress: 100 });
  assert.equal((await discipline.post(`/api/v1/items/${mi.body.id}/verify`, {})).status, 403);
  assert.equal((await leader.post(`/api/v1/items/${mi.body.id}/verify`, {})).status, 403);
  const g = await leader.get(`/api/v1/lists/${l.id}`);
  assert.equal(g.status, 200);
  assert.equal(g.body.can_write, false);
  const p = await committee.patch(`/api/v1/lists/${l.id}`, { title: '改名后的清单' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.title, '改名后的清单');
  assert.equal((await leader.patch(`/api/v1/lists/${l.id}`, { title: '领导改名' })).status, 403);
  assert.equal((await committee.get('/api/v1/lists/99999')).status, 404);
  assert.equal((await committee.get('/api/v1/lists?kind=bogus')).status, 400);
  const all = await leader.get('/api/v1/lists?kind=responsibility');
  assert.equal(all.status, 200);
  assert.ok(all.body.items.every((x) => x.kind === 'responsibility'));
  // audit
  assert.ok(Number(one("SELECT COUNT(*) FROM audit WHERE entity = 'list' AND action = 'create';")) >= 2);
});

test('items: create with checks, read, filters and scope', async () => {
  const l = await newList({ title: '范围测试清单' });
  const bad = [
    [{ title: 'x', category: '奇怪型' }, 'category'],
    [{ category: '学习型' }, 'title'],
    [{ title: 'x', category: '学习型', owners: [999] }, 'owners'],
    [{ title: 'x', category: '学习型', owners: ['张三'] }, 'owners'],
    [{ title: 'x', category: '学习型', org_id: 999 }, 'org_id'],
    [{ title: 'x', category: '学习型', due_on: '2026-02-30' }, 'due_on'],
    [{ title: 'x', category: '学习型', start_on: '2026-05-01', due_on: '2026-04-01' }, 'due_on'],
    [{ title: 'x', category: '学习型', action_type: 'whatever' }, 'action_type'],
    [{ title: 'x', category: '学习型', progress: 101 }, 'progress'],
    [{ title: 'x'.repeat(201), category: '学习型' }, 'title'],
  ];
  for (const [body, field] of bad) {
    const r = await committee.post(`/api/v1/lists/${l.id}/items`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${r.status} ${r.text}`);
    assert.equal(r.body.error.field, field, r.text);
  }
  assert.equal(one(`SELECT COUNT(*) FROM list_items WHERE list_id = ${l.id};`), '0');

  const a = await newItem(l.id, { title: '第一支部事项', due_on: shDate(3), co_owners: [PERSON.secA], co_orgs: [ORG.union] });
  assert.equal(a.seq, 1);
  assert.equal(a.status, 'not_started');
  assert.equal(a.days_left, 3);
  assert.deepEqual(a.owners.map((o) => o.person_id), [PERSON.memberA]);
  assert.deepEqual(a.co_owners.map((o) => o.person_id), [PERSON.secA]);
  const b = await newItem(l.id, { title: '第二支部事项', category: '政治型', org_id: ORG.branchB, owners: [PERSON.memberB], due_on: shDate(-1) });
  assert.equal(b.seq, 2);
  assert.equal(b.status, 'overdue'); // derived, never stored
  assert.equal(one(`SELECT state FROM list_items WHERE id = ${b.id};`), 'not_started');
  const c = await newItem(l.id, { title: '机关党委事项', category: '纪律型', org_id: ORG.committee, owners: [], due_on: shDate(30) });

  // the committee and the leader see all three
  for (const who of [committee, leader]) {
    const r = await who.get(`/api/v1/lists/${l.id}/items`);
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 3);
  }
  // a secretary sees the branch's items (and those of its co-responsible orgs), nothing else
  const sa = await secA.get(`/api/v1/lists/${l.id}/items`);
  assert.deepEqual(sa.body.items.map((x) => x.id), [a.id]);
  assert.equal((await secA.get(`/api/v1/items/${b.id}`)).status, 403);
  assert.equal((await secA.get(`/api/v1/items/${a.id}`)).status, 200);
  // a member sees the items they are responsible for
  const ma = await memberA.get('/api/v1/items');
  assert.deepEqual(ma.body.items.map((x) => x.id), [a.id]);
  assert.equal((await memberA.get(`/api/v1/items/${c.id}`)).status, 403);
  assert.equal((await memberB.get(`/api/v1/lists/${l.id}/items`)).body.total, 1);

  // filters
  const f1 = await committee.get(`/api/v1/lists/${l.id}/items?status=overdue`);
  assert.deepEqual(f1.body.items.map((x) => x.id), [b.id]);
  const f2 = await committee.get(`/api/v1/lists/${l.id}/items?category=${encodeURIComponent('纪律型')}`);
  assert.deepEqual(f2.body.items.map((x) => x.id), [c.id]);
  const f3 = await committee.get(`/api/v1/items?person_id=${PERSON.memberB}&list_id=${l.id}`);
  assert.deepEqual(f3.body.items.map((x) => x.id), [b.id]);
  const f4 = await committee.get(`/api/v1/lists/${l.id}/items?due_from=${shDate(0)}&due_to=${shDate(10)}`);
  assert.deepEqual(f4.body.items.map((x) => x.id), [a.id]);
  const f5 = await committee.get(`/api/v1/lists/${l.id}/items?org_id=${ORG.branchB}`);
  assert.deepEqual(f5.body.items.map((x) => x.id), [b.id]);
  const f6 = await committee.get(`/api/v1/lists/${l.id}/items?q=${encodeURIComponent('机关党委')}&sort=due`);
  assert.deepEqual(f6.body.items.map((x) => x.id), [c.id]);
  const page = await committee.get(`/api/v1/lists/${l.id}/items?limit=2`);
  assert.equal(page.body.items.length, 2);
  assert.ok(page.body.next);
  const page2 = await committee.get(`/api/v1/lists/${l.id}/items?limit=2&cursor=${page.body.next}`);
  assert.equal(page2.body.items.length, 1);
  for (const q of ['status=late', 'due_from=yesterday', 'sort=random', 'due_within=abc', 'mine=2', 'limit=0']) {
    const r = await committee.get(`/api/v1/lists/${l.id}/items?${q}`);
    assert.equal(r.status, 400, `${q} → ${r.status}`);
  }

  // to-dos: mine, due within 7 days (overdue ones included)
  const todo = await memberA.get('/api/v1/items?mine=1&due_within=7');
  assert.deepEqual(todo.body.items.map((x) => x.id), [a.id]);
  // "due soon" follows the setting lists.due_soon_days (default 7)
  assert.equal(todo.body.items[0].due_soon, true);
  const admin = srv.client();
  await admin.login('admin');
  assert.equal((await admin.patch('/api/v1/settings', { 'lists.due_soon_days': 2 })).status, 200);
  assert.equal((await memberA.get(`/api/v1/items/${a.id}`)).body.due_soon, false);
  assert.equal((await admin.patch('/api/v1/settings', { 'lists.due_soon_days': 7 })).status, 200);
  const todoB = await memberB.get('/api/v1/items?mine=1&due_within=7');
  assert.deepEqual(todoB.body.items.map((x) => x.id), [b.id]);
  assert.equal(todoB.body.items[0].days_left, -1);
  const todoSecB = await secB.get('/api/v1/items?mine=1&due_within=7');
  assert.deepEqual(todoSecB.body.items.map((x) => x.id), [b.id]);
  assert.equal((await committee.get('/api/v1/items?mine=1&due_within=7')).body.items.length, 0);
  assert.equal((await committee.get('/api/v1/items?mine=1&due_within=60')).body.items.map((x) => x.id).includes(c.id), true);
});

test('timeline, 销号, rejecting, cancelling, and the status rules', async () => {
  const l = await newList({ title: '状态测试清单' });
  const it = await newItem(l.id, { due_on: shDate(5) });
  // who may post progress
  assert.equal((await secB.post(`/api/v1/items/${it.id}/updates`, { body: '越权' })).status, 403);
  assert.equal((await leader.post(`/api/v1/items/${it.id}/updates`, { body: '领导' })).status, 403);
  assert.equal((await memberB.post(`/api/v1/items/${it.id}/updates`, { body: '别人的' })).status, 403);
  // bad input
  for (const [body, field] of [[{}, 'body'], [{ body: '  ' }, 'body'], [{ body: 'x', progress: 120 }, 'progress'],
    [{ body: 'x', on_date: shDate(2) }, 'on_date'], [{ body: 'x', evidence: [{ url: 'javascript:alert(1)', name: 'a' }] }, 'evidence'],
    [{ body: 'x', evidence: 'file' }, 'evidence'], [{ body: 'x', client_key: 'short' }, 'client_key']]) {
    const r = await memberA.post(`/api/v1/items/${it.id}/updates`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${r.text}`);
    assert.equal(r.body.error.field, field);
  }
  // the responsible member posts; the branch secretary posts
  const u1 = await memberA.post(`/api/v1/items/${it.id}/updates`, {
    body: '已制定方案', progress: 30, on_date: shDate(-1), evidence: [{ name: '方案.pdf', url: '/files/1' }], client_key: 'phone-0001',
  });
  assert.equal(u1.status, 201, u1.text);
  assert.equal(u1.body.item.status, 'in_progress');
  assert.equal(u1.body.item.progress, 30);
  // a replay with the same key is not a second entry
  const again = await memberA.post(`/api/v1/items/${it.id}/updates`, { body: '已制定方案', progress: 30, client_key: 'phone-0001' });
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true);
  assert.equal(again.body.id, u1.body.id);
  const u2 = await secA.post(`/api/v1/items/${it.id}/updates`, { body: '支部已完成全部工作，申请销号', progress: 100 });
  assert.equal(u2.status, 201);
  assert.equal(u2.body.item.awaiting_verification, true);
  assert.notEqual(u2.body.item.status, 'done'); // done only after 销号
  // status rules through PATCH
  const d1 = await committee.patch(`/api/v1/items/${it.id}`, { state: 'done' });
  assert.equal(d1.status, 422);
  assert.match(d1.body.error.message, /销号/);
  const d2 = await committee.patch(`/api/v1/items/${it.id}`, { state: 'overdue' });
  assert.equal(d2.status, 400);
  const d3 = await committee.patch(`/api/v1/items/${it.id}`, { state: 'cancelled' });
  assert.equal(d3.status, 400);
  assert.equal(d3.body.error.field, 'cancel_reason');
  assert.equal((await secA.patch(`/api/v1/items/${it.id}`, { title: '支部改标题' })).status, 403);
  // 销号: not by a secretary; rejecting needs a note
  assert.equal((await secA.post(`/api/v1/items/${it.id}/verify`, {})).status, 403);
  const rj = await committee.post(`/api/v1/items/${it.id}/verify`, { approved: false });
  assert.equal(rj.status, 400);
  assert.equal(rj.body.error.field, 'note');
  const rj2 = await committee.post(`/api/v1/items/${it.id}/verify`, { approved: false, note: '佐证材料不全，请补充会议记录' });
  assert.equal(rj2.status, 200, rj2.text);
  assert.equal(rj2.body.awaiting_verification, false);
  assert.equal((await committee.post(`/api/v1/items/${it.id}/verify`, {})).status, 422); // nothing reported now
  await memberA.post(`/api/v1/items/${it.id}/updates`, { body: '已补充会议记录', progress: 100 });
  const ok = await committee.post(`/api/v1/items/${it.id}/verify`, { note: '材料齐全，同意销号' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.status, 'done');
  assert.equal(ok.body.verified_by_name, '机关党委办公室');
  assert.deepEqual(ok.body.timeline.map((t) => t.kind), ['verify', 'progress', 'reject', 'progress', 'progress']);
  assert.equal(ok.body.timeline.at(-1).evidence[0].name, '方案.pdf');
  // closed: no more updates, no edits, no second 销号
  assert.equal((await memberA.post(`/api/v1/items/${it.id}/updates`, { body: '再报' })).status, 409);
  assert.equal((await committee.patch(`/api/v1/items/${it.id}`, { title: '改' })).status, 409);
  assert.equal((await committee.post(`/api/v1/items/${it.id}/verify`, {})).status, 409);

  // cancelling needs a reason
  const x = await newItem(l.id, { title: '将取消的事项' });
  assert.equal((await committee.post(`/api/v1/items/${x.id}/cancel`, { reason: ' ' })).status, 400);
  assert.equal((await secA.post(`/api/v1/items/${x.id}/cancel`, { reason: '支部不想做' })).status, 403);
  const cx = await committee.post(`/api/v1/items/${x.id}/cancel`, { reason: '因职能调整不再实施' });
  assert.equal(cx.status, 200);
  assert.equal(cx.body.status, 'cancelled');
  assert.equal(cx.body.cancel_reason, '因职能调整不再实施');
  assert.equal((await committee.post(`/api/v1/items/${x.id}/cancel`, { reason: '再取消' })).status, 409);
  const y = await newItem(l.id, { title: '通过编辑取消' });
  const cy = await committee.patch(`/api/v1/items/${y.id}`, { state: 'cancelled', cancel_reason: '与其他事项合并' });
  assert.equal(cy.status, 200, cy.text);
  assert.equal(cy.body.status, 'cancelled');
  // editing fields
  const z = await newItem(l.id, { title: '待编辑' });
  const ez = await committee.patch(`/api/v1/items/${z.id}`, { title: '已编辑', due_on: shDate(-3), owners: [PERSON.secA], state: 'in_progress' });
  assert.equal(ez.status, 200, ez.text);
  assert.equal(ez.body.title, '已编辑');
  assert.equal(ez.body.status, 'overdue');
  assert.deepEqual(ez.body.owners.map((o) => o.person_id), [PERSON.secA]);
  assert.equal((await committee.patch(`/api/v1/items/${z.id}`, { start_on: shDate(1) })).status, 400); // after due
  assert.equal((await committee.patch('/api/v1/items/99999', { title: 'x' })).status, 404);
  // every change audited
  const n = Number(one(`SELECT COUNT(*) FROM audit WHERE entity = 'list_item' AND entity_id = ${it.id};`));
  assert.ok(n >= 6, `audit rows ${n}`);
});

test('inspections: findings become rectification items of the branch, in one transaction', async () => {
  const on = shDate(-10);
  const body = {
    org_id: ORG.branchB, on_date: on, title: '点穴式专项检查（第二支部）', inspectors: ['陈志明', '黄丽华'],
    summary: '检查三会一课和党费管理',
    findings: [
      { title: '三会一课记录不全', due_on: shDate(20), owners: [PERSON.secB], source_detail: '组织生活不规范' },
      { title: '党费台账未更新', due_on: shDate(-2), description: '补齐台账' },
    ],
  };
  // checks first, nothing written on a bad finding
  const before = one('SELECT COUNT(*) FROM list_items;');
  for (const [patch, field] of [[{ findings: [] }, 'findings'], [{ inspectors: [] }, 'inspectors'],
    [{ on_date: shDate(3) }, 'on_date'], [{ org_id: 999 }, 'org_id'],
    [{ findings: [body.findings[0], { title: '时限早于检查', due_on: shDate(-20) }] }, 'findings'],
    [{ findings: [body.findings[0], { title: '责任人不存在', due_on: shDate(5), owners: [999] }] }, 'findings']]) {
    const r = await committee.post('/api/v1/inspections', { ...body, ...patch });
    assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(patch).slice(0, 60)} → ${r.status} ${r.text}`);
    assert.equal(r.body.error.field, field);
  }
  assert.equal(one('SELECT COUNT(*) FROM list_items;'), before);
  assert.equal((await secB.post('/api/v1/inspections', body)).status, 403);
  assert.equal((await discipline.post('/api/v1/inspections', body)).status, 403);

  const r = await committee.post('/api/v1/inspections', body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.items.length, 2);
  const item = (await committee.get(`/api/v1/items/${r.body.items[0]}`)).body;
  assert.equal(item.org_id, ORG.branchB);
  assert.equal(item.source, 'inspection');
  assert.equal(item.inspection_id, r.body.id);
  assert.equal(item.list_kind, 'rectification');
  // a second inspection goes to the same rectification list
  const r2 = await committee.post('/api/v1/inspections', { ...body, org_id: ORG.branchA, title: '第一支部检查', findings: [body.findings[1]] });
  assert.equal(r2.status, 201);
  assert.equal(r2.body.list_id, r.body.list_id);
  // the branch's secretary owns and works its items
  const sb = await secB.get(`/api/v1/items?inspection_id=${r.body.id}`);
  assert.equal(sb.body.total, 2);
  assert.equal((await secB.post(`/api/v1/items/${r.body.items[0]}/updates`, { body: '已补齐记录', progress: 60 })).status, 201);
  // list and one
  const list = await leader.get('/api/v1/inspections');
  assert.equal(list.status, 200);
  const mine = list.body.items.find((x) => x.id === r.body.id);
  assert.equal(mine.findings, 2);
  assert.equal(mine.overdue, 1);
  assert.deepEqual(mine.inspectors, ['陈志明', '黄丽华']);
  const single = await leader.get(`/api/v1/inspections/${r.body.id}`);
  assert.equal(single.body.items.length, 2);
  // secretary B sees only their branch's inspections
  const lb = await secB.get('/api/v1/inspections');
  assert.ok(lb.body.items.every((x) => x.org_id === ORG.branchB));
  assert.equal((await secB.get(`/api/v1/inspections/${r2.body.id}`)).status, 403);
  assert.equal((await memberA.get('/api/v1/inspections')).status, 403);
  assert.equal((await committee.get('/api/v1/inspections/99999')).status, 404);
});

test('CSV import: dry run with line and column errors, all-or-nothing commit, GBK and BOM', async () => {
  const l = await newList({ kind: 'concerns', title: '三心事导入测试' });
  const good = '事项名称,类别,具体内容,责任单位,责任人,完成时限,进度\n'
    + '"学习""两会""精神",政务服务,"第一段\n第二段，含逗号,还有",第一党支部,李红梅,2026/12/31,20%\n'
    + '老旧小区加装电梯,住房保障,,第二党支部,周丽、吴刚,2026年12月1日,\n';
  const bad = good + '坏行,住房保障,,不存在的支部,查无此人,2026-13-01,200\n';
  const dry = await committee.post(`/api/v1/lists/${l.id}/import?dry_run=1`, bad, { headers: { 'content-type': 'text/csv' } });
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.rows, 3);
  const cols = dry.body.errors.map((e) => `${e.line}:${e.column}`);
  assert.deepEqual(cols, ['5:责任单位', '5:责任人', '5:完成时限', '5:进度']); // the quoted newline makes the bad row line 5
  // commit with errors: 422, nothing written
  const fail = await committee.post(`/api/v1/lists/${l.id}/import?dry_run=0`, bad, { headers: { 'content-type': 'text/csv' } });
  assert.equal(fail.status, 422);
  assert.equal(fail.body.imported, 0);
  assert.equal(one(`SELECT COUNT(*) FROM list_items WHERE list_id = ${l.id};`), '0');
  // clean: imported
  const okr = await committee.post(`/api/v1/lists/${l.id}/import?dry_run=0`, good, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
  assert.equal(okr.status, 200, okr.text);
  assert.equal(okr.body.imported, 2);
  const items = (await committee.get(`/api/v1/lists/${l.id}/items`)).body.items;
  assert.equal(items[0].title, '学习"两会"精神');
  assert.equal(items[0].description, '第一段\n第二段，含逗号,还有');
  assert.equal(items[0].due_on, '2026-12-31');
  assert.equal(items[0].progress, 20);
  assert.deepEqual(items[1].owners.map((o) => o.name), ['周丽', '吴刚']);
  assert.ok((await committee.get(`/api/v1/lists/${l.id}`)).body.categories.includes('住房保障'));
  // GBK, as Excel on a Chinese Windows saves it
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: '事项名称,类别,责任人\n医院停车难,看病就医,周丽\n' });
  const g = await committee.post(`/api/v1/lists/${l.id}/import?dry_run=0`, gbk, { headers: { 'content-type': 'text/csv' } });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.body.imported, 1);
  // trailing empty cells are what Excel writes; text beyond the header is an error
  const wide = await committee.post(`/api/v1/lists/${l.id}/import?dry_run=1`, '事项名称,类别\n甲,其他,,\n乙,其他,多余\n', { headers: { 'content-type': 'text/csv' } });
  assert.deepEqual(wide.body.errors.map((e) => e.line), [3]);
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('事项名称,类别\n带BOM的事项,其他\n')]);
  const b = await committee.post(`/api/v1/lists/${l.id}/import?dry_run=1`, bom, { headers: { 'content-type': 'text/csv' } });
  assert.deepEqual(b.body.errors, []);
  // headers, encodings and permissions
  const h = await committee.post(`/api/v1/lists/${l.id}/import`, '名称不对,类别\nx,y\n', { headers: { 'content-type': 'text/csv' } });
  assert.equal(h.body.errors[0].line, 1);
  assert.match(h.body.errors.at(-1).message, /事项名称/);
  const q = await committee.post(`/api/v1/lists/${l.id}/import`, '事项名称\n"未闭合\n', { headers: { 'content-type': 'text/csv' } });
  assert.equal(q.body.errors[0].line, 2);
  const e = await committee.post(`/api/v1/lists/${l.id}/import`, '', { headers: { 'content-type': 'text/csv' } });
  assert.equal(e.body.errors.length, 1);
  assert.equal((await committee.post(`/api/v1/lists/${l.id}/import`, Buffer.from([0x81, 0x20, 0xff]), { headers: { 'content-type': 'text/csv' } })).status, 400);
  assert.equal((await committee.post(`/api/v1/lists/${l.id}/import`, { a: 1 })).status, 415);
  assert.equal((await secA.post(`/api/v1/lists/${l.id}/import`, good, { headers: { 'content-type': 'text/csv' } })).status, 403);
  assert.equal((await committee.post(`/api/v1/lists/${l.id}/import?dry_run=2`, good, { headers: { 'content-type': 'text/csv' } })).status, 400);
  assert.ok(Number(one(`SELECT COUNT(*) FROM audit WHERE entity = 'list' AND action = 'import' AND entity_id = ${l.id};`)) === 2);
});

/* unzip -p a member of an XLSX; returns its text */
function unzipText(file, member) {
  return execFileSync('unzip', ['-p', file, member], { encoding: 'utf8' });
}

/* the cells of a worksheet as {A1: value}, shared strings resolved */
function sheetCells(file, n) {
  const shared = [...unzipText(file, 'xl/sharedStrings.xml').matchAll(/<si>(.*?)<\/si>/gs)]
    .map((m) => [...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join(''));
  const cells = {};
  for (const m of unzipText(file, `xl/worksheets/sheet${n}.xml`).matchAll(/<c r="([A-Z]+\d+)"([^>]*)>(?:<v>(.*?)<\/v>)?<\/c>/g)) {
    cells[m[1]] = / t="s"/.test(m[2]) ? shared[Number(m[3])] : Number(m[3]);
  }
  return cells;
}

test('quarterly report: page, XLSX cells, PDF text; the all-lists report', async () => {
  const today = shDate(0);
  const { y, q } = quarterOf(today);
  const quarter = `${y}-Q${q}`;
  const l = await newList({ title: '季度报告测试清单' });
  const start = `${y}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
  const mk = (body) => newItem(l.id, { start_on: start, ...body });
  const overdue = await mk({ title: '逾期的事项', category: '政治型', due_on: shDate(-1) < start ? start : shDate(-1) });
  await memberA.post(`/api/v1/items/${overdue.id}/updates`, { body: '协调多个部门，进度滞后', progress: 40 });
  const done = await mk({ title: '已销号的事项', category: '学习型', due_on: shDate(10) });
  await memberA.post(`/api/v1/items/${done.id}/updates`, { body: '完成', progress: 100 });
  assert.equal((await committee.post(`/api/v1/items/${done.id}/verify`, {})).status, 200);
  const planned = await mk({ title: '下季度到期的事项', category: '学习型', due_on: nextQuarterFirst(today) });
  const cancelled = await mk({ title: '已取消的事项', category: '效能型' });
  await committee.post(`/api/v1/items/${cancelled.id}/cancel`, { reason: '合并到其他事项' });
  await mk({ title: '未开始的事项', category: '效能型' });
  const overdueCounted = shDate(-1) >= start ? 1 : 0; // on a quarter's first day nothing can be overdue yet

  const r = await leader.get(`/api/v1/lists/${l.id}/report?quarter=${quarter}`);
  assert.equal(r.status, 200, r.text);
  const rep = r.body;
  assert.equal(rep.quarter, quarter);
  assert.equal(rep.totals.total, 5);
  assert.equal(rep.totals.counts.done, 1);
  assert.equal(rep.totals.counts.cancelled, 1);
  assert.equal(rep.totals.counts.overdue, overdueCounted);
  assert.deepEqual(rep.categories.map((c) => c.category), ['政治型', '学习型', '效能型']);
  assert.equal(rep.categories[1].total, 2);
  assert.deepEqual(rep.finished.map((x) => x.id), [done.id]);
  assert.deepEqual(rep.planned.map((x) => x.id), [planned.id]);
  if (overdueCounted) {
    assert.equal(rep.overdue[0].id, overdue.id);
    assert.equal(rep.overdue[0].latest_note, '协调多个部门，进度滞后');
  }
  assert.match(rep.title, /季度报告测试清单/);
  // the command line gives the same figures (it sees every list)
  const cli = JSON.parse(dj(['report', '--db', srv.db, '--list', String(l.id), '--quarter', quarter, '--format', 'json', '--out', '-']));
  assert.deepEqual(cli.totals, rep.totals);
  assert.deepEqual(cli.finished.map((x) => x.id), [done.id]);

  // XLSX: the summary sheet's cells
  const xr = await leader.get(`/api/v1/lists/${l.id}/report?quarter=${quarter}&format=xlsx`);
  assert.equal(xr.status, 200);
  assert.match(xr.headers.get('content-type'), /spreadsheetml/);
  assert.match(xr.headers.get('content-disposition'), /attachment; filename="list-\d+-\d{4}-Q\d\.xlsx"/);
  const xf = path.join(srv.dir, 'r.xlsx');
  writeFileSync(xf, xr.raw);
  const s1 = sheetCells(xf, 1);
  assert.match(s1.A1, /《季度报告测试清单》/);
  const rows = Object.keys(s1).filter((k) => k.startsWith('A') && s1[k] === '学习型');
  assert.equal(rows.length, 1);
  const rn = rows[0].slice(1);
  assert.equal(s1[`B${rn}`], 2); // 学习型: two items
  assert.equal(s1[`E${rn}`], 1); // of which one done (columns: 类别, 合计, 未开始, 进行中, 已完成, ...)
  const totalRow = Object.keys(s1).find((k) => k.startsWith('A') && s1[k] === '合计' && k !== 'A5').slice(1);
  assert.equal(s1[`B${totalRow}`], 5);
  assert.equal(s1[`G${totalRow}`], 1); // 已取消
  const s2 = sheetCells(xf, 2); // 本季度完成
  assert.equal(s2.C2, '已销号的事项');
  // PDF: the Chinese title and the counts, through poppler's pdftotext
  const pr = await leader.get(`/api/v1/lists/${l.id}/report?quarter=${quarter}&format=pdf`);
  assert.equal(pr.status, 200);
  assert.equal(pr.headers.get('content-type'), 'application/pdf');
  assert.equal(pr.raw.subarray(0, 5).toString(), '%PDF-');
  const pf = path.join(srv.dir, 'r.pdf');
  writeFileSync(pf, pr.raw);
  const text = execFileSync('pdftotext', ['-layout', pf, '-'], { encoding: 'utf8' });
  assert.match(text, /《季度报告测试清单》/);
  assert.match(text, /推进情况报告/);
  assert.match(text, /共 5 项：已完成 1 项/);
  assert.match(text, /已取消 1 项/);
  assert.match(text, /第\s*1\s*页/);
  assert.match(text, /已销号的事项/);
  const info = execFileSync('pdfinfo', [pf], { encoding: 'utf8' });
  assert.match(info, /Page size:\s+595\.\d+ x 841\.\d+/); // A4

  // bad input
  assert.equal((await leader.get(`/api/v1/lists/${l.id}/report?quarter=2026-Q5`)).status, 400);
  assert.equal((await leader.get(`/api/v1/lists/${l.id}/report?quarter=${quarter}&format=doc`)).status, 400);
  assert.equal((await leader.get('/api/v1/lists/99999/report')).status, 404);
  // a secretary's report covers only what the secretary may see
  const sr = await secB.get(`/api/v1/lists/${l.id}/report?quarter=${quarter}`);
  assert.equal(sr.status, 403); // nothing of branch B in this list

  // all lists together, for the leaders' meeting
  const all = await leader.get(`/api/v1/lists/report?quarter=${quarter}`);
  assert.equal(all.status, 200);
  assert.equal(all.body.all_lists, true);
  assert.ok(all.body.categories.some((c) => c.category === '季度报告测试清单' && c.total === 5));
  const allPdf = await leader.get(`/api/v1/lists/report?quarter=${quarter}&format=pdf`);
  assert.equal(allPdf.status, 200);
  writeFileSync(pf, allPdf.raw);
  assert.match(execFileSync('pdftotext', [pf, '-'], { encoding: 'utf8' }), /各项工作清单推进情况汇总报告/);
  assert.equal((await memberA.get(`/api/v1/lists/report?quarter=${quarter}`)).status, 403);

  // a client that leaves while its PDF renders leaves nothing behind (srv.stop() checks for leaks)
  for (const ms of [0, 2, 10]) {
    const ac = new AbortController();
    const p = fetch(`${srv.url}/api/v1/lists/report?quarter=${quarter}&format=pdf`, {
      headers: { cookie: leader.cookie }, signal: ac.signal,
    }).catch(() => null);
    setTimeout(() => ac.abort(), ms);
    await p;
  }
  assert.equal((await leader.get(`/api/v1/lists/${l.id}/report?quarter=${quarter}`)).status, 200);
});
