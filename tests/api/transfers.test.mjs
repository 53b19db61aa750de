// 组织关系转接 (issue 17) on a server whose clock is pinned: an internal move by the
// committee office (history kept, the old branch's dues closed, the roster's PATCH
// refused), a 介绍信 out refused while dues are owed and issued with the committee's
// reason, to its 回执 (the member leaves the roster, last year's figures unchanged),
// an expired and overdue letter renewed once, a withdrawal, an incoming letter
// registered and placed with our 回执, 流动党员 with the quarter's contact and lost
// contact, the end of a membership as a recorded event, scope, audit and to-dos.
// Runs on SQLite and PostgreSQL.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const NOW = '2027-03-15T10:00:00+08:00';
let srv, com, secA, secB, memberA, memberB, leader;
const n = (q) => Number(sql(srv.db, q).trim());

function expect(r, status, field, re) {
  assert.equal(r.status, status, r.text);
  if (field !== undefined) assert.equal(r.body.error?.field, field, r.text);
  if (re) assert.match(r.body.error.message, re);
  return r.body;
}

test.before(async () => {
  srv = await startServer({ env: { DJ_NOW: NOW } });
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  [com, secA, secB, memberA, memberB, leader] = await Promise.all(
    ['committee', 'sec-a', 'sec-b', 'member-a', 'member-b', 'leader'].map(as));
});
test.after(async () => { await srv.stop(); });

let lastYearA, lastYearB;

test('last year\'s figures of each branch, before anyone moves', async () => {
  lastYearA = expect(await com.get(`/api/v1/transfers/figures?org=${ORG.branchA}&year=2026`), 200);
  lastYearB = expect(await com.get(`/api/v1/transfers/figures?org=${ORG.branchB}&year=2026`), 200);
  // branch A: 张建国, 李红梅, 王志强, 赵敏 full and 陈晓燕 probationary (in the group)
  assert.equal(lastYearA.end, 5);
  assert.equal(lastYearB.end, 3);
  expect(await memberA.get(`/api/v1/transfers/figures?org=${ORG.branchA}&year=2026`), 403);
});

test('an internal move: only the committee office, history and dues kept with the person', async () => {
  // the roster no longer moves people between branches
  expect(await com.patch(`/api/v1/people/${PERSON.memberA}`, { org_id: ORG.branchB }), 422, 'org_id', /组织关系转接/);
  assert.equal(n(`SELECT org_id FROM people WHERE id = ${PERSON.memberA};`), ORG.branchA);
  // repeating the current branch is fine
  expect(await com.patch(`/api/v1/people/${PERSON.memberA}`, { org_id: ORG.branchA, job_post: '科员' }), 200);
  const body = { person_id: PERSON.memberA, to_org_id: ORG.branchB, on_date: '2027-03-01', reason: '岗位调整' };
  expect(await secA.post('/api/v1/transfers/internal', body), 403);
  expect(await com.post('/api/v1/transfers/internal', { ...body, to_org_id: ORG.branchA }), 422, 'to_org_id', /已在/);
  expect(await com.post('/api/v1/transfers/internal', { ...body, to_org_id: ORG.union }), 400, 'to_org_id');
  expect(await com.post('/api/v1/transfers/internal', { ...body, on_date: '2027-03-16' }), 400, 'on_date');
  expect(await com.post('/api/v1/transfers/internal', { ...body, person_id: 5 }), 422, 'person_id', /不是正式党员或预备党员/);
  const t = expect(await com.post('/api/v1/transfers/internal', { ...body, client_key: 'move-1' }), 201);
  assert.equal(t.state, 'done');
  assert.equal(t.kind_label, '机关内部转接');
  assert.equal(t.from_org_name, '第一党支部');
  assert.equal(t.to_org_name, '第二党支部');
  // a repeated submit is answered, not recorded twice
  assert.equal(expect(await com.post('/api/v1/transfers/internal', { ...body, client_key: 'move-1' }), 200).id, t.id);
  assert.equal(n(`SELECT COUNT(*) FROM transfers WHERE person_id = ${PERSON.memberA};`), 1);
  assert.equal(n(`SELECT org_id FROM people WHERE id = ${PERSON.memberA};`), ORG.branchB);
  assert.equal(sql(srv.db, `SELECT last_month FROM dues_leaves WHERE person_id = ${PERSON.memberA} AND branch_id = ${ORG.branchA};`).trim(), '2027-02');
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE entity = 'transfer' AND entity_id = ${t.id} AND action = 'transfer_internal';`), 1);
  // both branches see it; the history says where the member was, and when
  assert.ok((await secA.get('/api/v1/transfers')).body.items.some((x) => x.id === t.id));
  assert.ok((await secB.get('/api/v1/transfers')).body.items.some((x) => x.id === t.id));
  const h = expect(await memberA.get(`/api/v1/people/${PERSON.memberA}/history`), 200).items.filter((x) => x.kind === 'branch');
  assert.deepEqual(h.map((x) => [x.org_id, x.on_date, x.event]), [[ORG.branchA, '2012-06-20', 'initial'], [ORG.branchB, '2027-03-01', 'transfer_internal']]);
  assert.equal(h[1].event_label, '机关内部转接');
  expect(await memberB.get(`/api/v1/people/${PERSON.memberA + 3}/history`), 403);
  // the history is append-only, also against a bug
  assert.throws(() => sql(srv.db, `UPDATE person_history SET on_date = '2020-01-01' WHERE person_id = ${PERSON.memberA};`));
});

let out;
test('a 介绍信 out: refused while dues are owed, issued with a reason, to its 回执', async () => {
  const d = { person_id: PERSON.memberB, outside_org: '中共江门市财政局机关委员会', reason: '工作调动' };
  expect(await secB.post('/api/v1/transfers/out', d), 403);
  expect(await com.post('/api/v1/transfers/out', { ...d, outside_org: '' }), 400, 'outside_org');
  out = expect(await com.post('/api/v1/transfers/out', d), 201);
  assert.equal(out.state, 'draft');
  assert.equal(out.state_label, '草稿');
  expect(await com.post('/api/v1/transfers/out', d), 409, 'person_id', /正在办理/);
  // three months unpaid before March
  expect(await com.post('/api/v1/dues/bases', { person_id: PERSON.memberB, effective_month: '2026-12', category: 'employed', base_fen: 600000 }), 201);
  expect(await com.post(`/api/v1/transfers/${out.id}/issue`, { valid_until: '2027-06-16' }), 400, 'valid_until', /最长三个月/);
  expect(await com.post(`/api/v1/transfers/${out.id}/issue`, {}), 422, 'dues_override', /尚欠3个月党费（自2026年12月起）/);
  assert.equal(n(`SELECT COUNT(*) FROM transfers WHERE letter_no IS NOT NULL;`), 0, 'nothing numbered');
  const dues = expect(await secB.get(`/api/v1/transfers/${out.id}/dues`), 200);
  assert.equal(dues.owed_months, 3);
  expect(await secB.post(`/api/v1/transfers/${out.id}/issue`, { dues_override: '随工资补扣' }), 403);
  out = expect(await com.post(`/api/v1/transfers/${out.id}/issue`, { dues_override: '已随转出当月工资补扣' }), 200);
  assert.equal(out.state, 'issued');
  assert.equal(out.letter_no, '介字〔2027〕第001号');
  assert.equal(out.issued_on, '2027-03-15');
  assert.equal(out.valid_until, '2027-06-15');
  assert.equal(out.days_left, 92);
  assert.equal(out.expired, false);
  expect(await com.post(`/api/v1/transfers/${out.id}/issue`, {}), 409, 'state');
  // the member sees their own letter, others do not
  const mine = expect(await memberB.get('/api/v1/transfers/mine'), 200).items;
  assert.deepEqual(mine.map((x) => x.letter_no), ['介字〔2027〕第001号']);
  expect(await memberB.get(`/api/v1/transfers/${out.id}`), 200);
  expect(await memberA.get(`/api/v1/transfers/${out.id}`), 404);
  const todo = expect(await memberB.get('/api/v1/todos'), 200).items.find((x) => x.kind === 'transfer_report');
  assert.match(todo.title, /财政局/);
  assert.equal(todo.link.type, 'my_transfer');
  // the 回执: the member reported within the letter's validity
  expect(await com.post(`/api/v1/transfers/${out.id}/receipt`, { reported_on: '2027-03-14' }), 422, 'reported_on', /早于介绍信开具日期/);
  out = expect(await com.post(`/api/v1/transfers/${out.id}/receipt`, { reported_on: '2027-03-15', receipt_no: '江财机党回〔2027〕3号' }), 200);
  assert.equal(out.state, 'done');
  assert.equal(out.state_label, '已回执');
  assert.equal(n(`SELECT active FROM people WHERE id = ${PERSON.memberB};`), 0);
  assert.equal(sql(srv.db, `SELECT last_month FROM dues_leaves WHERE person_id = ${PERSON.memberB};`).trim(), '2027-03');
  expect(await com.post(`/api/v1/transfers/${out.id}/withdraw`, { reason: '误操作' }), 409, 'state', /已完成/);
  // last year's figures of branch B are what they were; this year's show who came and went
  assert.deepEqual(expect(await com.get(`/api/v1/transfers/figures?org=${ORG.branchB}&year=2026`), 200), lastYearB);
  const now = expect(await com.get(`/api/v1/transfers/figures?org=${ORG.branchB}&year=2027`), 200);
  assert.deepEqual([now.start, now.arrived, now.left, now.end], [3, 1, 1, 3]);
  // still in the past: the history keeps the member, and the transfer on record
  const h = expect(await com.get(`/api/v1/people/${PERSON.memberB}/history`), 200).items;
  assert.deepEqual(h.filter((x) => x.kind === 'branch').map((x) => [x.org_id, x.event]), [[ORG.branchB, 'initial'], [null, 'transfer_out']]);
});

test('an expired letter is flagged, renewed once with a reason; another is withdrawn', async () => {
  let t = expect(await com.post('/api/v1/transfers/out', { person_id: 9, outside_org: '中共广州市某局机关委员会', reason: '退休异地安置' }), 201);
  t = expect(await com.post(`/api/v1/transfers/${t.id}/issue`, { issued_on: '2026-11-01' }), 200);
  assert.equal(t.letter_no, '介字〔2026〕第001号');
  assert.equal(t.valid_until, '2027-02-01');
  assert.equal(t.expired, true);
  assert.equal(t.receipt_overdue, true);
  assert.equal(t.state_label, '已过期');
  const flagged = expect(await com.get('/api/v1/transfers?flag=expired'), 200);
  assert.deepEqual(flagged.items.map((x) => x.id), [t.id]);
  assert.equal(expect(await com.get('/api/v1/transfers?flag=overdue'), 200).total, 1);
  expect(await com.get('/api/v1/transfers?flag=late'), 400, 'flag');
  const w = expect(await com.get(`/api/v1/transfers/warnings?org=${ORG.committee}`), 200);
  assert.equal(w.expired, 1);
  assert.ok((await com.get('/api/v1/todos')).body.items.some((x) => x.kind === 'transfer_expired' && x.link.id === t.id));
  // reporting after the letter expired needs a renewal first
  expect(await com.post(`/api/v1/transfers/${t.id}/receipt`, { reported_on: '2027-03-10' }), 422, 'reported_on', /续开/);
  expect(await com.post(`/api/v1/transfers/${t.id}/renew`, {}), 400, 'reason');
  expect(await com.post(`/api/v1/transfers/${t.id}/renew`, { reason: '本人住院', valid_until: '2027-06-16' }), 422, 'valid_until', /最长三个月/);
  t = expect(await com.post(`/api/v1/transfers/${t.id}/renew`, { reason: '本人住院，延期报到' }), 200);
  assert.equal(t.valid_until, '2027-06-15');
  assert.equal(t.renewed_from, '2027-02-01');
  assert.equal(t.renewed, true);
  assert.equal(t.expired, false);
  expect(await com.post(`/api/v1/transfers/${t.id}/renew`, { reason: '再次' }), 422, 'state', /只能续开一次/);
  // withdrawn with its reason: the member stays where they were
  let w2 = expect(await com.post('/api/v1/transfers/out', { person_id: 6, outside_org: '中共某县委组织部', reason: '调动' }), 201);
  w2 = expect(await com.post(`/api/v1/transfers/${w2.id}/issue`, {}), 200);
  expect(await com.post(`/api/v1/transfers/${w2.id}/withdraw`, {}), 400, 'reason');
  w2 = expect(await com.post(`/api/v1/transfers/${w2.id}/withdraw`, { reason: '调动取消' }), 200);
  assert.equal(w2.state, 'withdrawn');
  assert.equal(w2.withdraw_reason, '调动取消');
  assert.equal(n('SELECT active FROM people WHERE id = 6;'), 1);
  assert.equal(n('SELECT org_id FROM people WHERE id = 6;'), ORG.branchA);
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE entity = 'transfer' AND action = 'transfer_withdraw';`), 1);
});

test('an incoming letter: registered, placed, our 回执 numbered', async () => {
  const letter = {
    letter_no: '江财机党介字〔2027〕第018号', outside_org: '中共江门市财政局机关委员会', issued_on: '2027-03-10',
    valid_until: '2027-06-10', dues_paid_until: '2027-03', to_org_id: ORG.branchA, reason: '工作调动',
    person: { name: '邓嘉欣', gender: 'female', party_status: 'full', joined_on: '2012-06-28', full_on: '2013-06-28', phone: '13800009999' },
  };
  expect(await secA.post('/api/v1/transfers/in', letter), 403);
  expect(await com.post('/api/v1/transfers/in', { ...letter, valid_until: '2027-07-11' }), 400, 'valid_until');
  expect(await com.post('/api/v1/transfers/in', { ...letter, person: { ...letter.person, phone: '123' } }), 400, 'person.phone');
  expect(await com.post('/api/v1/transfers/in', { ...letter, person: { ...letter.person, party_status: 'activist' } }), 400, 'person.party_status');
  expect(await com.post('/api/v1/transfers/in', { ...letter, dues_paid_until: '2027-3x' }), 400, 'dues_paid_until');
  let t = expect(await com.post('/api/v1/transfers/in', { ...letter, client_key: 'in-1' }), 201);
  assert.equal(t.state, 'registered');
  assert.equal(t.state_label, '已登记');
  assert.equal(expect(await com.post('/api/v1/transfers/in', { ...letter, client_key: 'in-1' }), 200).id, t.id);
  expect(await com.post(`/api/v1/transfers/${t.id}/issue`, {}), 409, 'state');
  expect(await com.post(`/api/v1/transfers/${t.id}/place`, { on_date: '2027-03-09' }), 400, 'on_date');
  t = expect(await com.post(`/api/v1/transfers/${t.id}/place`, { on_date: '2027-03-15' }), 200);
  assert.equal(t.state, 'done');
  assert.equal(t.state_label, '已接收');
  assert.equal(t.receipt_no, '回字〔2027〕第001号');
  const p = expect(await secA.get(`/api/v1/people/${t.person_id}`), 200);
  assert.equal(p.name, '邓嘉欣');
  assert.equal(p.org_id, ORG.branchA);
  const h = expect(await secA.get(`/api/v1/people/${t.person_id}/history`), 200).items;
  assert.deepEqual(h.filter((x) => x.kind === 'branch').map((x) => [x.org_id, x.on_date, x.event]), [[ORG.branchA, '2027-03-15', 'transfer_in']]);
  const a = expect(await com.get(`/api/v1/transfers/figures?org=${ORG.branchA}&year=2027`), 200);
  assert.equal(a.arrived, 1);
});

test('流动党员: the quarter\'s contact, lost contact after six months, the branch\'s own', async () => {
  const f = { person_id: 3, place: '广东省珠海市', since: '2026-08-01', contact: '微信', card_no: '粤流字第0031号', reason: '借调' };
  expect(await secB.post('/api/v1/transfers/flow', f), 403);
  expect(await secA.post('/api/v1/transfers/flow', { ...f, since: '2027-03-16' }), 400, 'since');
  let a = expect(await secA.post('/api/v1/transfers/flow', f), 201);
  assert.equal(a.contact_due, true);
  assert.equal(a.lost_contact, true, 'away since August with nothing recorded');
  expect(await secA.post('/api/v1/transfers/flow', f), 409, 'person_id');
  expect(await secA.post(`/api/v1/transfers/flow/${a.id}/contacts`, { contacted_on: '2027-03-10', way: 'pigeon' }), 400, 'way');
  expect(await secB.post(`/api/v1/transfers/flow/${a.id}/contacts`, { contacted_on: '2027-03-10', way: 'phone' }), 403);
  a = expect(await secA.post(`/api/v1/transfers/flow/${a.id}/contacts`, { contacted_on: '2027-03-10', way: 'phone', note: '了解工作情况', client_key: 'c1' }), 201);
  assert.equal(a.contact_due, false);
  assert.equal(a.lost_contact, false);
  assert.equal(a.contact_log.length, 1);
  expect(await secA.post(`/api/v1/transfers/flow/${a.id}/contacts`, { contacted_on: '2027-03-10', way: 'phone', client_key: 'c1' }), 200);
  assert.equal(n(`SELECT COUNT(*) FROM flow_contacts WHERE flow_id = ${a.id};`), 1);
  // the other: last contact in August, more than six months ago
  let b = expect(await secA.post('/api/v1/transfers/flow', { person_id: 6, place: '四川省成都市', since: '2026-01-01' }), 201);
  b = expect(await secA.post(`/api/v1/transfers/flow/${b.id}/contacts`, { contacted_on: '2026-08-01', way: 'visit' }), 201);
  assert.equal(b.lost_contact, true);
  assert.equal(b.contact_due, true);
  const todos = expect(await secA.get('/api/v1/todos'), 200).items;
  const lost = todos.find((x) => x.kind === 'flow_lost_contact');
  assert.match(lost.title, /赵敏/);
  assert.match(lost.detail, /支部研究决定/);
  assert.equal(lost.link.type, 'flow_member');
  // nothing is stopped automatically
  assert.equal(n('SELECT active FROM people WHERE id = 6;'), 1);
  assert.equal(expect(await secB.get('/api/v1/transfers/flow'), 200).items.length, 0);
  assert.equal(expect(await leader.get('/api/v1/transfers/flow'), 200).items.length, 2);
  expect(await secB.get(`/api/v1/transfers/flow/${a.id}`), 404);
  const w = expect(await com.get(`/api/v1/transfers/warnings?org=${ORG.branchA}`), 200);
  assert.deepEqual([w.flow_members, w.lost_contact], [2, 1]);
});

test('the leaders\' dashboard warns of overdue 回执 and lost contact', async () => {
  const d = expect(await leader.get('/api/v1/dashboard'), 200);
  const ws = d.warnings.items;
  assert.equal(d.warnings.count, ws.length);
  const overdue = ws.filter((w) => w.kind === 'transfer_receipt_overdue');
  assert.equal(overdue.length, 1, JSON.stringify(ws));
  assert.match(overdue[0].message, /介字〔2026〕第001号.*回执逾期未回/);
  assert.equal(overdue[0].type, 'transfer');
  assert.equal(overdue[0].level, 'danger');
  const lost = ws.filter((w) => w.kind === 'flow_lost_contact');
  assert.equal(lost.length, 1, JSON.stringify(ws));
  assert.match(lost[0].message, /赵敏.*四川省成都市.*超过六个月没有联系记录/);
  assert.equal(lost[0].org_id, ORG.branchA);
  assert.equal(lost[0].type, 'flow_member');
});

test('the end of a membership is a recorded event, never a deletion', async () => {
  expect(await secA.post('/api/v1/people/4/history', { event: 'death', on_date: '2027-01-10' }), 403);
  expect(await com.post('/api/v1/people/4/history', { event: 'expulsion', on_date: '2027-01-10' }), 400, 'document');
  expect(await com.post('/api/v1/people/4/history', { event: 'vanished', on_date: '2027-01-10' }), 400, 'event');
  const h = expect(await com.post('/api/v1/people/4/history', { event: 'death', on_date: '2027-01-10', note: '因病去世' }), 201).items;
  const last = h.filter((x) => x.kind === 'status').at(-1);
  assert.deepEqual([last.status, last.status_label, last.event_label], ['dead', '已去世', '去世']);
  assert.equal(n('SELECT active FROM people WHERE id = 4;'), 0);
  assert.equal(n('SELECT COUNT(*) FROM people WHERE id = 4;'), 1);
  expect(await com.post('/api/v1/people/4/history', { event: 'death', on_date: '2027-01-10' }), 409);
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE entity = 'person' AND entity_id = 4 AND action = 'membership_end';`), 1);
  // last year's figures of branch A still count her
  assert.deepEqual(expect(await com.get(`/api/v1/transfers/figures?org=${ORG.branchA}&year=2026`), 200), lastYearA);
});

test('dues follow the letters: owed from the month placed (or after 党费缴至), until the month reported', async () => {
  const letter = (no, name, paid, phone) => ({
    letter_no: no, outside_org: '中共江门市税务局机关委员会', issued_on: '2027-03-01', valid_until: '2027-06-01',
    dues_paid_until: paid, to_org_id: ORG.branchA, reason: '工作调动',
    person: { name, gender: 'male', party_status: 'full', joined_on: '2010-07-01', full_on: '2011-07-01', phone },
  });
  // paid up to January, placed in March: owed from March, not from 2010
  let a = expect(await com.post('/api/v1/transfers/in', letter('江税党介〔2027〕第3号', '梁志强', '2027-01', '13800007771')), 201);
  a = expect(await com.post(`/api/v1/transfers/${a.id}/place`, { on_date: '2027-03-12' }), 200);
  let d = expect(await secA.get(`/api/v1/dues/people/${a.person_id}`), 200);
  assert.equal(d.is_member, true);
  assert.deepEqual(d.months.map((m) => m.month), ['2027-03']);
  // paid up to May already: nothing owed before June
  let b = expect(await com.post('/api/v1/transfers/in', letter('江税党介〔2027〕第4号', '陈国华', '2027-05', '13800007772')), 201);
  b = expect(await com.post(`/api/v1/transfers/${b.id}/place`, { on_date: '2027-03-12' }), 200);
  d = expect(await secA.get(`/api/v1/dues/people/${b.person_id}`), 200);
  assert.deepEqual(d.months.map((m) => m.month), []);
  assert.equal(d.this_month?.state ?? 'not_due', 'not_due');
  // out: the letter of January, reported in February — dues end with February
  let t = expect(await com.post('/api/v1/transfers/out', { person_id: 6, outside_org: '中共某县委组织部', reason: '调动' }), 201);
  t = expect(await com.post(`/api/v1/transfers/${t.id}/issue`, { issued_on: '2027-01-20', dues_override: '随工资补扣' }), 200);
  t = expect(await com.post(`/api/v1/transfers/${t.id}/receipt`, { reported_on: '2027-02-25' }), 200);
  assert.equal(sql(srv.db, `SELECT last_month FROM dues_leaves WHERE person_id = 6;`).trim(), '2027-02');
  // she was a 流动党员 of branch A: reported elsewhere, she leaves its register
  assert.equal(sql(srv.db, `SELECT ended_on || ' ' || end_reason FROM flow_members WHERE person_id = 6;`).trim(), '2027-02-25 组织关系转出');
  assert.ok(!expect(await secA.get('/api/v1/transfers/flow'), 200).items.some((f) => f.person_id === 6));
});

test('the 介绍信 and our 回执 as PDFs in the official layout', async () => {
  const pdfText = (r, name) => {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.match(r.headers.get('content-disposition'), /attachment/);
    const f = path.join(srv.dir, name);
    writeFileSync(f, r.raw);
    return execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
  };
  const out = n(`SELECT id FROM transfers WHERE letter_no = '介字〔2027〕第001号';`);
  const text = pdfText(await secB.get(`/api/v1/transfers/${out}/letter.pdf`), 'letter.pdf');
  assert.match(text, /介字〔2027〕第001号/);
  assert.match(text, /中国共产党党员组织关系介绍信（存根）/);
  assert.match(text, /中国共产党党员组织关系介绍信回执/);
  assert.match(text, /周丽/);
  assert.match(text, /中共江门市财政局机关委员会/);
  assert.match(text, /此 处 裁 开/);
  expect(await memberA.get(`/api/v1/transfers/${out}/letter.pdf`), 404);
  const inId = n(`SELECT id FROM transfers WHERE receipt_no = '回字〔2027〕第001号';`);
  const rt = pdfText(await com.get(`/api/v1/transfers/${inId}/letter.pdf`), 'receipt.pdf');
  assert.match(rt, /回字〔2027〕第001号/);
  assert.match(rt, /邓嘉欣/);
  assert.match(rt, /江财机党介字〔2027〕第018号/);
  const draft = expect(await com.post('/api/v1/transfers/out', { person_id: 3, outside_org: '中共某市委组织部', reason: '调动' }), 201);
  expect(await com.get(`/api/v1/transfers/${draft.id}/letter.pdf`), 409, 'state', /尚未开具/);
});
