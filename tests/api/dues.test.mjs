// Party dues over HTTP (issue 16): bases set by the branch and declared by members,
// payments (a quarter at once, someone else paying, 补交 within the limit, a month
// never paid twice), a member's reported transfer confirmed by the branch with the
// on-time point, 少交/免交 approved by the committee, remittance up the tree, the
// payroll import (dry run lists the unmatched row and the short payment, the commit
// records the rest, the same file twice records nothing), the sheet as JSON, XLSX and
// PDF, arrears at 3 and 6 months with the server's clock moved by DJ_NOW, and scope:
// a secretary sees and records only their own branch.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { seedAgency, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate, shanghaiToday } from '../lib/clock.mjs';

const pad = (n) => String(n).padStart(2, '0');
/** 'YYYY-MM' of the Shanghai month `k` months from this one. */
function monthAt(k, from = shanghaiToday()) {
  const i = from.year * 12 + from.month - 1 + k;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}
const CUR = monthAt(0);

let srv, committee, secA, secB, memberA, memberB, leader;

async function setBase(client, person, body) {
  const r = await client.post('/api/v1/dues/bases', { person_id: person, effective_month: monthAt(-2), ...body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  const mk = async (login) => { const c = srv.client(); await c.login(login); return c; };
  committee = await mk('committee');
  secA = await mk('sec-a');
  secB = await mk('sec-b');
  memberA = await mk('member-a');
  memberB = await mk('member-b');
  leader = await mk('leader');
  // branch A: 张建国 6800.00 (1.5%), 李红梅 3456.50 (1%), 王志强 4800.00 (1%), 陈晓燕 a student
  // (probationary, due from her 支部大会 month), 赵敏 12000.00 (2%); branch B: 孙立军, 周丽, 吴刚 retired
  await setBase(secA, PERSON.secA, { category: 'employed', base_fen: 680000 });
  await setBase(secA, PERSON.memberA, { category: 'employed', base_fen: 345650 });
  await setBase(secA, 3, { category: 'employed', base_fen: 480000 });
  await setBase(secA, 4, { category: 'student', effective_month: shanghaiDate(-120).slice(0, 7) });
  await setBase(secA, 6, { category: 'employed', base_fen: 1200000 });
  await setBase(secB, PERSON.secB, { category: 'employed', base_fen: 500000 });
  await setBase(secB, PERSON.memberB, { category: 'employed', base_fen: 300000 });
  await setBase(secB, 9, { category: 'retired', base_fen: 500001 });
  const r = await secA.put('/api/v1/dues/people/3/profile', { staff_no: 'A003', id_number: '44070319900315123x' });
  assert.equal(r.status, 204, r.text);
});

test.after(async () => { await srv.stop(); });

test('dues: the rate table, a member\'s dues and the bases history', async () => {
  const rates = (await memberA.get('/api/v1/dues/rates')).body.items;
  const employed = rates.filter((x) => x.category === 'employed').map((x) => [x.upper_fen, x.rate_bp]);
  assert.deepEqual(employed, [[300000, 50], [500000, 100], [1000000, 150], [null, 200]]);
  const me = (await memberA.get('/api/v1/dues/me')).body;
  assert.equal(me.base.base_fen, 345650);
  assert.equal(me.base.rate, '1%');
  assert.equal(me.base.monthly_fen, 3457); // 3456.50 at 1% rounds half up to 34.57
  assert.equal(me.this_month.month, CUR);
  assert.equal(me.this_month.state, 'unpaid');
  assert.deepEqual(me.months.map((m) => m.month), [CUR, monthAt(-1), monthAt(-2)]);
  assert.equal(me.bases.length, 1);
  assert.equal(me.bases[0].source, 'branch');
  // the probationary member owes from the month of her 支部大会 resolution (joined_on), at 0.20
  const p4 = (await secA.get('/api/v1/dues/people/4')).body;
  assert.equal(p4.base.monthly_fen, 20);
  assert.equal(p4.months.at(-1).month, shanghaiDate(-120).slice(0, 7));
  assert.equal(p4.profile.staff_no, null);
  const p3 = (await secA.get('/api/v1/dues/people/3')).body;
  assert.deepEqual(p3.profile, { staff_no: 'A003', id_number: '440703********123X' });
  // a member declares a new base: pending until the branch approves; history is kept
  let r = await memberA.post('/api/v1/dues/me/declarations', { category: 'employed', base_fen: 520000, effective_month: CUR, note: '工资调整' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'pending');
  const decl = r.body.id;
  r = await memberA.post('/api/v1/dues/me/declarations', { category: 'employed', base_fen: 530000, effective_month: CUR });
  assert.equal(r.status, 409);
  assert.equal((await memberA.get('/api/v1/dues/me')).body.base.base_fen, 345650);
  r = await secB.post(`/api/v1/dues/declarations/${decl}/decide`, { approve: true });
  assert.equal(r.status, 403, 'another branch cannot decide it');
  r = await secA.post(`/api/v1/dues/declarations/${decl}/decide`, { approve: false });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'note');
  assert.equal((await secA.get('/api/v1/dues/declarations?status=pending')).body.items.length, 1);
  r = await secA.post(`/api/v1/dues/declarations/${decl}/decide`, { approve: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'approved');
  assert.equal(r.body.decided_by_name, '张建国');
  r = await secA.post(`/api/v1/dues/declarations/${decl}/decide`, { approve: true });
  assert.equal(r.status, 409);
  const after = (await memberA.get('/api/v1/dues/me')).body;
  assert.equal(after.base.base_fen, 520000);
  assert.equal(after.base.rate, '1.5%');
  assert.equal(after.this_month.due_fen, 7800);
  assert.equal(after.months.find((m) => m.month === monthAt(-1)).due_fen, 3457, 'earlier months keep the old base');
  assert.equal(after.bases.length, 2);
  // bad input: named fields, nothing written
  for (const [body, field] of [
    [{ person_id: 2, category: 'employed', effective_month: CUR }, 'base_fen'],
    [{ person_id: 2, category: 'worker', base_fen: 1, effective_month: CUR }, 'category'],
    [{ person_id: 2, category: 'employed', base_fen: 1, effective_month: '2026-13' }, 'effective_month'],
    [{ person_id: 2, category: 'farmer', fixed_fen: 150, effective_month: CUR }, 'fixed_fen'],
    [{ person_id: 2, category: 'employed', base_fen: 1, effective_month: CUR, extra: 1 }, 'extra'],
  ]) {
    r = await secA.post('/api/v1/dues/bases', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.field, field);
  }
  assert.equal((await memberA.get('/api/v1/dues/me')).body.bases.length, 2);
});

test('dues: scope — a secretary sees and records only their own branch', async () => {
  let r = await secA.get(`/api/v1/dues/people/${PERSON.memberB}`);
  assert.equal(r.status, 403);
  r = await secA.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [CUR], amount_fen: 1500, method: 'cash' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.field, 'person_id');
  r = await secA.post('/api/v1/dues/bases', { person_id: PERSON.memberB, category: 'employed', base_fen: 1, effective_month: CUR });
  assert.equal(r.status, 403);
  r = await secA.put(`/api/v1/dues/people/${PERSON.memberB}/profile`, { staff_no: 'X' });
  assert.equal(r.status, 403);
  for (const p of ['sheet', 'arrears', 'payments', 'summary', 'reductions', 'remittances', 'declarations']) {
    r = await secA.get(`/api/v1/dues/${p}?org=${ORG.branchB}`);
    assert.equal(r.status, 403, p);
  }
  r = await secA.get(`/api/v1/dues/payments?org=${ORG.branchA}&person=${PERSON.memberB}`);
  assert.equal(r.status, 403, 'a person id in the query is checked too');
  r = await secA.post(`/api/v1/dues/import?org=${ORG.branchB}&month=${CUR}`, '姓名,金额\n周丽,15.00\n', { headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 403);
  // the sheet of one's own branch lists its members only (the group's included)
  const sheet = (await secA.get('/api/v1/dues/sheet')).body;
  assert.equal(sheet.org.id, ORG.branchA);
  assert.deepEqual(sheet.members.map((m) => m.person_id).sort(), [1, 2, 3, 4, 6]);
  // members and leaders: their own dues, reading only
  r = await memberA.get(`/api/v1/dues/people/${PERSON.memberA}`);
  assert.equal(r.status, 403);
  r = await memberA.post('/api/v1/dues/payments', { person_id: PERSON.memberA, months: [CUR], amount_fen: 1, method: 'cash' });
  assert.equal(r.status, 403);
  assert.equal((await leader.get(`/api/v1/dues/sheet?org=${ORG.branchB}`)).status, 200);
  r = await leader.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [CUR], amount_fen: 1500, method: 'cash' });
  assert.equal(r.status, 403);
  const branches = (await secA.get('/api/v1/dues/branches')).body.items.map((b) => b.id);
  assert.deepEqual(branches, [ORG.branchA]);
  const all = (await committee.get('/api/v1/dues/branches')).body.items.map((b) => b.id);
  assert.deepEqual(all.sort(), [ORG.committee, ORG.branchA, ORG.branchB].sort());
});

test('dues: payments — a quarter at once, someone else paying, 补交 limits, never twice', async () => {
  // 周丽 pays last month, this month and the next at once, with her husband paying
  const key = `q-${Date.now()}`;
  let r = await secB.post('/api/v1/dues/payments', {
    person_id: PERSON.memberB, months: [monthAt(1), monthAt(0), monthAt(-1)], amount_fen: 4500, method: 'cash',
    payer_name: '周丽的爱人', receipt_no: 'SJ-0001', client_key: key,
  });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.months.map((m) => [m.month, m.amount_fen]), [[monthAt(-1), 1500], [CUR, 1500], [monthAt(1), 1500]]);
  assert.equal(r.body.payer_name, '周丽的爱人');
  assert.equal(r.body.recorded_by, '孙立军');
  const id = r.body.id;
  // the same request again (a retry): the same payment, nothing new
  r = await secB.post('/api/v1/dues/payments', {
    person_id: PERSON.memberB, months: [monthAt(-1), monthAt(0), monthAt(1)], amount_fen: 4500, method: 'cash', client_key: key,
  });
  assert.equal(r.status, 200);
  assert.equal(r.body.id, id);
  // a month paid in full is not paid again
  r = await secB.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [CUR], amount_fen: 1500, method: 'cash' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /已交清/);
  // 补交: at most six months back for the branch; before the first base is not due at all
  r = await secB.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [monthAt(-7)], amount_fen: 1500, method: 'cash' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'months');
  assert.match(r.body.error.message, /补交/);
  r = await committee.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [monthAt(-7)], amount_fen: 1500, method: 'cash' });
  assert.equal(r.status, 422, 'the committee may go back further, but the month was never due');
  r = await secB.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [monthAt(5)], amount_fen: 1500, method: 'cash' });
  assert.equal(r.status, 400);
  r = await secB.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [monthAt(-2)], amount_fen: 1500, method: 'cash', paid_on: shanghaiDate(2) });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'paid_on');
  r = await secB.post('/api/v1/dues/payments', { person_id: PERSON.memberB, months: [monthAt(-2)], amount_fen: 1500, method: 'wechat' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'method');
  const me = (await memberB.get('/api/v1/dues/me')).body;
  assert.equal(me.this_month.state, 'paid');
  assert.equal(me.payments.length, 1);
  assert.equal(me.payments[0].receipt_no, 'SJ-0001');
  // paid by the month's end: the points module's on-time rule, once per month — this month
  // and next month; last month was paid late
  const ledger = (await memberB.get('/api/v1/points/ledger')).body.items.filter((e) => e.rule_code === 'dues_on_time');
  assert.deepEqual(ledger.map((e) => e.source_id).sort(), [CUR, monthAt(1)].map((m) => Number(m.replace('-', ''))).sort());
});

test('dues: a member reports a transfer, the branch confirms it, the point is given once', async () => {
  let r = await memberA.post('/api/v1/dues/me/payments', { months: [monthAt(-1)], amount_fen: 3457, bank_ref: '2026A0098', note: '手机银行' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'reported');
  const id = r.body.id;
  r = await memberA.post('/api/v1/dues/me/payments', { months: [monthAt(-1)], amount_fen: 3457 });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'bank_ref');
  // not paid until confirmed
  assert.equal((await memberA.get('/api/v1/dues/me')).body.months.find((m) => m.month === monthAt(-1)).state, 'unpaid');
  const todo = (await secA.get('/api/v1/todos')).body.items.find((x) => x.kind === 'dues_reports');
  assert.ok(todo, 'the secretary has it to confirm');
  r = await secB.post(`/api/v1/dues/payments/${id}/decide`, { approve: true });
  assert.equal(r.status, 403);
  r = await secA.post(`/api/v1/dues/payments/${id}/decide`, { approve: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'confirmed');
  r = await secA.post(`/api/v1/dues/payments/${id}/decide`, { approve: true });
  assert.equal(r.status, 409);
  assert.equal((await memberA.get('/api/v1/dues/me')).body.months.find((m) => m.month === monthAt(-1)).state, 'paid');
  const reported = (await secA.get('/api/v1/dues/payments?status=reported')).body;
  assert.equal(reported.total, 0);
  // a report of a month that is paid already is refused
  r = await memberA.post('/api/v1/dues/me/payments', { months: [monthAt(-1)], amount_fen: 3457, bank_ref: '2026A0099' });
  assert.equal(r.status, 409);
});

test('dues: 少交/免交 — the branch decides, the committee approves', async () => {
  let r = await secA.post('/api/v1/dues/reductions', {
    person_id: 6, kind: 'waive', from_month: monthAt(-1), to_month: CUR, reason: '因病住院，经济困难', decided_on: shanghaiDate(-3),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'pending');
  const id = r.body.id;
  r = await secA.post('/api/v1/dues/reductions', { person_id: 6, kind: 'reduce', from_month: CUR, to_month: CUR, reason: '困难', decided_on: shanghaiDate(0) });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'amount_fen');
  r = await secA.post(`/api/v1/dues/reductions/${id}/decide`, { approve: true });
  assert.equal(r.status, 403, 'the branch does not approve its own decision');
  let view = (await secA.get('/api/v1/dues/people/6')).body;
  assert.equal(view.this_month.state, 'unpaid', 'not in force before approval');
  assert.ok((await committee.get('/api/v1/todos')).body.items.some((x) => x.kind === 'dues_reductions'));
  r = await committee.post(`/api/v1/dues/reductions/${id}/decide`, { approve: true, note: '同意' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'approved');
  view = (await secA.get('/api/v1/dues/people/6')).body;
  assert.equal(view.this_month.state, 'waived');
  assert.equal(view.months.find((m) => m.month === monthAt(-1)).state, 'waived');
  r = await secA.post('/api/v1/dues/payments', { person_id: 6, months: [CUR], amount_fen: 24000, method: 'cash' });
  assert.equal(r.status, 422);
});

/** A tiny CSV for the import. */
const csv = (rows) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const asCsv = (c, q, body) => c.post(`/api/v1/dues/import?${q}`, body, { headers: { 'content-type': 'text/csv' } });

test('dues: payroll import — dry run lists the unmatched row and the short payment, the commit records the rest, once', async () => {
  const file = csv([
    ['姓名', '工号', '代扣金额（元）'],
    ['张建国', '', '102.00'],
    ['李红梅', '', '20.00'], // due 78.00 after her declaration this month: short
    ['', 'A003', '48.00'], // matched by 工号
    ['钱多多', '', '50.00'], // nobody of that name
    ['合计', '', '220.00'],
  ]);
  const q = `org=${ORG.branchA}&month=${CUR}`;
  let r = await asCsv(secA, `${q}&dry_run=1`, file);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.dry_run, true);
  assert.deepEqual(r.body.unmatched.map((x) => [x.line, x.name]), [[5, '钱多多']]);
  assert.deepEqual(r.body.differences.map((x) => [x.name, x.kind, x.amount_fen, x.due_fen]), [['李红梅', 'short', 2000, 7800]]);
  assert.deepEqual(r.body.matched.map((x) => x.name), ['张建国', '李红梅', '王志强']);
  assert.equal(r.body.total_fen, 17000);
  assert.equal(r.body.recorded, 0);
  assert.equal((await secA.get('/api/v1/dues/payments')).body.items.filter((p) => p.method === 'payroll').length, 0, 'a dry run writes nothing');
  // the commit records the matched rows in one go
  r = await asCsv(secA, `${q}&dry_run=0`, file);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.recorded, 3);
  assert.equal(r.body.unmatched.length, 1);
  const pays = (await secA.get('/api/v1/dues/payments')).body.items.filter((p) => p.method === 'payroll');
  assert.deepEqual(pays.map((p) => p.name).sort(), ['张建国', '李红梅', '王志强'].sort());
  const sheet = (await secA.get('/api/v1/dues/sheet')).body;
  const cell = (pid) => sheet.members.find((m) => m.person_id === pid).cells.find((c) => c.month === CUR);
  assert.equal(cell(PERSON.memberA).state, 'short');
  assert.equal(cell(PERSON.secA).state, 'paid');
  assert.equal(cell(3).state, 'paid');
  // the same file again — as committed, or saved as GBK — records nothing
  r = await asCsv(secA, `${q}&dry_run=0`, file);
  assert.equal(r.status, 200);
  assert.equal(r.body.duplicate, true);
  assert.equal(r.body.recorded, 0);
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: file });
  r = await secA.post(`/api/v1/dues/import?${q}&dry_run=0`, gbk, { headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.duplicate, true);
  assert.equal(r.body.encoding, 'gb18030');
  // another file with a month already deducted: listed, not deducted again
  r = await asCsv(secA, `${q}&dry_run=0`, csv([['姓名', '金额'], ['张建国', '102.00'], ['陈晓燕', '0.20'], ['赵敏', '240.00']]));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.already_paid.map((x) => x.name), ['张建国']);
  assert.deepEqual(r.body.skipped.map((x) => [x.name, x.reason]), [['赵敏', '该月已批准免交']]);
  assert.equal(r.body.recorded, 1);
  assert.equal((await secA.get('/api/v1/dues/payments')).body.items.filter((p) => p.method === 'payroll').length, 4);
  // a bad amount: nothing recorded, the row named
  r = await asCsv(secA, `org=${ORG.branchA}&month=${monthAt(-1)}&dry_run=0`, csv([['姓名', '金额'], ['张建国', '一百'], ['王志强', '48.00']]));
  assert.equal(r.status, 422);
  assert.equal(r.body.errors[0].line, 2);
  assert.equal(r.body.recorded, 0);
  // a member of another branch in the file is not matched for this one
  r = await asCsv(secA, `${q}&dry_run=1`, csv([['姓名', '金额'], ['周丽', '15.00']]));
  assert.equal(r.body.unmatched[0].name, '周丽');
  // the query is checked
  r = await asCsv(secA, `org=${ORG.branchA}&month=2026-3`, file);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'month');
  r = await secA.post(`/api/v1/dues/import?${q}`, { a: 1 });
  assert.equal(r.status, 415);
});

test('dues: remittance from the branch to the committee and up, and the summary', async () => {
  let r = await secA.post('/api/v1/dues/remittances', {
    from_org_id: ORG.branchA, amount_fen: 17000, period_from: CUR, period_to: CUR, remitted_on: shanghaiDate(0), receipt_no: 'JK-01',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.to_org_id, ORG.committee);
  assert.equal(r.body.to_name, '机关党委');
  const id = r.body.id;
  r = await secB.post('/api/v1/dues/remittances', { from_org_id: ORG.branchA, amount_fen: 1, period_from: CUR, period_to: CUR, remitted_on: shanghaiDate(0) });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.field, 'from_org_id');
  r = await secA.post(`/api/v1/dues/remittances/${id}/receive`, {});
  assert.equal(r.status, 403);
  r = await committee.post(`/api/v1/dues/remittances/${id}/receive`, {});
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.received_at);
  r = await committee.post('/api/v1/dues/remittances', { from_org_id: ORG.committee, amount_fen: 17000, period_from: CUR, period_to: CUR, remitted_on: shanghaiDate(0) });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'to_name');
  r = await committee.post('/api/v1/dues/remittances', { from_org_id: ORG.committee, to_name: '市直机关工委', amount_fen: 17000, period_from: CUR, period_to: CUR, remitted_on: shanghaiDate(0) });
  assert.equal(r.status, 201, r.text);
  const s = (await committee.get(`/api/v1/dues/summary?year=${CUR.slice(0, 4)}`)).body;
  const a = s.branches.find((b) => b.org_id === ORG.branchA);
  assert.equal(a.remitted_fen, 17000);
  assert.ok(a.collected_fen >= 17000);
  assert.equal(s.total.remitted_up_fen, 17000);
  assert.ok(s.total.paid_fen <= s.total.due_fen);
});

test('dues: the 党费收缴明细表 as XLSX and PDF', async () => {
  let r = await secA.get(`/api/v1/dues/sheet?format=xlsx&year=${CUR.slice(0, 4)}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const x = path.join(srv.dir, 'dues.xlsx');
  writeFileSync(x, r.raw);
  const strings = execFileSync('unzip', ['-p', x, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
  assert.match(strings, /第一党支部党费收缴明细表/);
  assert.match(strings, /李红梅/);
  r = await secA.get('/api/v1/dues/sheet?format=pdf');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const p = path.join(srv.dir, 'dues.pdf');
  writeFileSync(p, r.raw);
  const text = execFileSync('pdftotext', ['-layout', p, '-'], { encoding: 'utf8' });
  assert.match(text, /党费收缴明细表/);
  assert.match(text, /张建国/);
  assert.match(text, /支部书记（签字）/);
  r = await secA.get('/api/v1/dues/sheet?format=doc');
  assert.equal(r.status, 400);
});

test('dues: arrears at 3 and 6 months, as the clock moves on (DJ_NOW)', async () => {
  // 吴刚 (branch B) has a base from two months ago and pays up to this month
  const months = [monthAt(-2), monthAt(-1), CUR];
  let r = await secB.post('/api/v1/dues/payments', { person_id: 9, months, amount_fen: 15000, method: 'cash' });
  assert.equal(r.status, 201, r.text);
  const { year, month } = shanghaiToday();
  const at = (k) => { const i = year * 12 + month - 1 + k; return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}-02T10:00:00+08:00`; };
  for (const [k, level, streak] of [[4, 'warn', 3], [7, 'flag', 6]]) {
    const later = await startServer({ db: srv.db, keyFile: srv.keyFile, env: { DJ_NOW: at(k) } });
    try {
      const sec = later.client(); await sec.login('sec-b');
      const a = (await sec.get('/api/v1/dues/arrears')).body;
      const wu = a.items.find((x) => x.person_id === 9);
      assert.equal(wu.streak, streak, `${k} months on`);
      assert.equal(wu.level, level);
      assert.equal(wu.unpaid.length, streak);
      const codes = (await sec.get(`/api/v1/orgs/${ORG.branchB}`)).body.warnings.map((w) => w.code);
      assert.ok(codes.includes(level === 'flag' ? 'dues_arrears_flag' : 'dues_arrears_warn'), codes.join());
      const todo = (await sec.get('/api/v1/todos')).body.items.find((x) => x.kind === 'dues_arrears');
      assert.ok(todo && /未交党费/.test(todo.title));
      if (level === 'flag') assert.match(todo.detail, /第九条/);
      // never a change of the member's status
      assert.equal((await sec.get('/api/v1/people/9')).body.party_status, 'full');
    } finally {
      await later.stop();
    }
  }
});

test('dues: the annual base declaration is a January to-do for members, the branch approves it', async () => {
  const { year } = shanghaiToday();
  const later = await startServer({ db: srv.db, keyFile: srv.keyFile, env: { DJ_NOW: `${year + 1}-01-10T10:00:00+08:00` } });
  try {
    const mem = later.client(); await mem.login('member-b');
    const sec = later.client(); await sec.login('sec-b');
    let todo = (await mem.get('/api/v1/todos')).body.items.find((x) => x.kind === 'dues_declaration');
    assert.ok(todo, 'the member is asked to confirm the base in January');
    assert.equal(todo.title, `确认${year + 1}年党费基数`);
    const me = (await mem.get('/api/v1/dues/me')).body;
    assert.deepEqual(me.declaration, { year: year + 1, open: true, done: false });
    // no change of salary: the same base, confirmed
    let r = await mem.post('/api/v1/dues/me/declarations', { category: 'employed', base_fen: me.base.base_fen, effective_month: `${year + 1}-01`, annual: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.declaration_year, year + 1);
    todo = (await mem.get('/api/v1/todos')).body.items.find((x) => x.kind === 'dues_declaration');
    assert.equal(todo, undefined);
    assert.ok((await sec.get('/api/v1/todos')).body.items.some((x) => x.kind === 'dues_declarations'));
    const pending = (await sec.get(`/api/v1/dues/declarations?year=${year + 1}&status=pending`)).body.items;
    assert.deepEqual(pending.map((d) => d.name), ['周丽']);
    r = await sec.post(`/api/v1/dues/declarations/${pending[0].id}/decide`, { approve: true });
    assert.equal(r.status, 200, r.text);
    assert.equal((await mem.get('/api/v1/dues/me')).body.declaration.done, true);
    // outside January nobody is asked
    const feb = await startServer({ db: srv.db, keyFile: srv.keyFile, env: { DJ_NOW: `${year + 1}-02-10T10:00:00+08:00` } });
    try {
      const m2 = feb.client(); await m2.login('member-a');
      assert.equal((await m2.get('/api/v1/todos')).body.items.find((x) => x.kind === 'dues_declaration'), undefined);
    } finally {
      await feb.stop();
    }
  } finally {
    await later.stop();
  }
});

test('dues: the dashboard shows the year\'s collection rate', async () => {
  const d = (await committee.get('/api/v1/dashboard')).body.dues;
  assert.equal(d.available, true);
  assert.ok(d.due_fen > 0 && d.paid_fen > 0 && d.paid_fen <= d.due_fen);
  assert.equal(d.rate, Math.round((d.paid_fen * 1000) / d.due_fen / 10));
});

test('dues: the audit trail has every write', async () => {
  const auditor = srv.client(); await auditor.login('auditor'); // 三员分立: only the 审计管理员 reads it
  const r = await auditor.get('/api/v1/audit?entity=dues_payment&limit=200');
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((a) => a.action === 'confirm'));
  assert.ok(r.body.items.some((a) => a.action === 'record'));
  const imp = await auditor.get('/api/v1/audit?entity=dues_import');
  assert.ok(imp.body.items.length >= 2);
});
