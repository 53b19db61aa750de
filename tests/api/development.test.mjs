// 发展党员 (issue 15): one person walked from 入党申请 to 转正 through the 25 steps on a
// server whose clock is pinned (DJ_NOW), every statutory interval refused at its
// boundary and accepted a day later (or, for a deadline, accepted on its last day and
// refused the day after without a reason); the vote's quorum and majority, a linked
// 支部党员大会 of organisational life, study hours from it, 公示 across 国庆 with 调休,
// the extension of probation, the committee-only approvals, corrections by a new
// record, the append-only history, scope, the import of people part-way, warnings,
// to-dos, statistics and the calendar.  Runs on SQLite and PostgreSQL.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';

const NOW = '2028-12-15T10:00:00+08:00';
const CSV = { headers: { 'content-type': 'text/csv; charset=utf-8' } };

function expect(r, status, field, re) {
  assert.equal(r.status, status, r.text);
  if (field !== undefined) assert.equal(r.body.error?.field, field, r.text);
  if (re) assert.match(r.body.error.message, re);
  return r.body;
}

async function setup() {
  const srv = await startServer({ env: { DJ_NOW: NOW } });
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  return { srv, as };
}

const steps = (c, id, body) => c.post(`/api/v1/development/${id}/steps`, body);
const count = (db, q) => Number(sql(db, q).trim());

test('one person from 入党申请 to 转正, every interval at its boundary', async () => {
  const { srv, as } = await setup();
  try {
    const com = await as('committee');
    const secA = await as('sec-a');
    const secB = await as('sec-b');
    const memA = await as('member-a'); // 李红梅, person 2, becomes the 培养联系人
    const memB = await as('member-b');
    const leader = await as('leader');

    // a young colleague of the first branch, eighteen on 2 October 2026
    let r = await secA.post('/api/v1/people', { name: '林晓', gender: 'female', birth_date: '2008-10-02', phone: '13900009001', org_id: ORG.branchA, education: '大学本科', job_post: '科员' });
    const pid = expect(r, 201).id;
    const auditBefore = count(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'development';");

    // 1 递交入党申请书: at least 18 on the day
    expect(await secA.post('/api/v1/development', { person_id: pid, on_date: '2026-10-01' }), 422, 'on_date', /年满18周岁.*2026年10月2日/);
    expect(await secA.post('/api/v1/development', { person_id: pid, on_date: '2028-12-16' }), 400, 'on_date', /不能晚于今天/);
    expect(await secB.post('/api/v1/development', { person_id: pid, on_date: '2026-10-02' }), 403);
    // someone the roster already shows as an activist goes through the import instead
    expect(await secA.post('/api/v1/development', { person_id: 5, on_date: '2026-10-02' }), 422, 'person_id', /导入在途人员/);
    let f = expect(await secA.post('/api/v1/development', { person_id: pid, on_date: '2026-10-02', note: '本人递交入党申请书' }), 201);
    const id = f.id;
    assert.equal(f.status, 'applicant');
    assert.equal(f.stage, 1);
    assert.equal(f.next.step, 2);
    assert.equal(f.next.due_on, '2026-11-02');
    assert.equal(f.timeline.length, 25);
    assert.equal(sql(srv.db, `SELECT party_status FROM people WHERE id = ${pid};`).trim(), 'applicant');
    expect(await secA.post('/api/v1/development', { person_id: pid, on_date: '2026-10-03' }), 409, 'person_id');
    // the roster no longer changes what the pipeline owns
    expect(await secA.patch(`/api/v1/people/${pid}`, { party_status: 'activist' }), 422, 'party_status', /发展党员/);

    // 2 谈话 within a month: 2 November is the last day; later needs a reason
    expect(await steps(secA, id, { step: 2, on_date: '2026-10-01' }), 422, 'on_date');
    expect(await steps(secA, id, { step: 2, on_date: '2026-11-03' }), 422, 'late_reason', /2026年11月2日前/);
    f = expect(await steps(secA, id, { step: 2, on_date: '2026-11-02', note: '支部书记谈话' }), 201);
    const talkRecord = f.record_id;
    expect(await steps(secA, id, { step: 2, on_date: '2026-11-02' }), 409, 'step', /已办理/);
    expect(await steps(secA, id, { step: 4, on_date: '2026-11-05' }), 409, 'step', /须先完成第3步/);

    // 3 入党积极分子: the fixture's branch has no 支部委员会, so its 党员大会 names them
    expect(await steps(secA, id, { step: 3, on_date: '2026-11-05', organ: 'committee' }), 422, 'organ', /未设支部委员会/);
    f = expect(await steps(secA, id, { step: 3, on_date: '2026-11-05', organ: 'assembly' }), 201);
    assert.equal(f.status, 'activist');
    expect(await steps(secA, id, { step: 4, on_date: '2026-11-06' }), 201);
    // 5 培养联系人: one or two full members
    expect(await steps(secA, id, { step: 5, on_date: '2026-11-06', people: [5] }), 422, 'people', /正式党员/);
    expect(await steps(secA, id, { step: 5, on_date: '2026-11-06', people: [2, 3, 6] }), 422, 'people', /一至两名/);
    f = expect(await steps(secA, id, { step: 5, on_date: '2026-11-06', people: [PERSON.memberA] }), 201);
    assert.deepEqual(f.contacts.map((p) => p.person_id), [PERSON.memberA]);

    // an account for the applicant: 我的入党进度 on the phone
    sql(srv.db, `INSERT INTO users (login, name, password_hash, person_id, created_at) SELECT 'lin-xiao', '林晓', password_hash, ${pid}, '2026-01-01T00:00:00Z' FROM users WHERE login = 'admin';
      INSERT INTO grants (user_id, role, org_id) SELECT id, 'member', ${ORG.branchA} FROM users WHERE login = 'lin-xiao';`);
    const lin = await as('lin-xiao');
    let me = expect(await lin.get('/api/v1/development/me'), 200).application;
    assert.equal(me.status_label, '入党积极分子');
    assert.deepEqual(me.done.map((d) => d.no), [1, 2, 3, 4, 5]);
    assert.equal(me.next.step, 6);
    assert.ok(!JSON.stringify(me).includes('支部书记谈话'), 'no notes on the phone');
    expect(await lin.get(`/api/v1/development/${id}`), 403, null, /没有此项权限/);

    // 6 the 联系人 writes the six-monthly assessments; others may not see the file
    expect(await steps(memA, id, { step: 6, on_date: '2027-05-05' }), 400, 'note');
    let mentees = expect(await memA.get('/api/v1/development/mentees'), 200).items;
    assert.deepEqual(mentees.map((m) => [m.id, m.role, m.assessment_step]), [[id, 'contact', 6]]);
    assert.equal(mentees[0].assessment_due_on, '2027-05-05');
    const key = 'assess-2027-05-05-lin';
    f = expect(await steps(memA, id, { step: 6, on_date: '2027-05-05', note: '学习积极，表现良好', client_key: key }), 201);
    const again = expect(await steps(memA, id, { step: 6, on_date: '2027-05-05', note: '学习积极，表现良好', client_key: key }), 200);
    assert.equal(again.record_id, f.record_id, 'a repeated submit is answered, not recorded twice');
    assert.equal(count(srv.db, `SELECT COUNT(*) FROM dev_steps WHERE application_id = ${id} AND step = 6;`), 1);
    expect(await steps(memB, id, { step: 6, on_date: '2027-05-06', note: '越权' }), 404);
    expect(await memB.get(`/api/v1/development/${id}`), 403);
    expect(await secB.get(`/api/v1/development/${id}`), 404);
    expect(await leader.get(`/api/v1/development/${id}`), 200);
    expect(await steps(leader, id, { step: 7, on_date: '2027-11-05' }), 403);
    expect(await steps(memA, id, { step: 6, on_date: '2027-11-06', note: '第二次考察' }), 422, 'late_reason');
    expect(await steps(memA, id, { step: 6, on_date: '2027-10-30', note: '第二次考察' }), 201);

    // 7 发展对象: a 公示 first (not one from before the person was an activist), then a year after step 3
    expect(await steps(secA, id, { step: 7, on_date: '2027-11-05', notice_clear: true }), 409, 'step', /公示/);
    expect(await secA.post(`/api/v1/development/${id}/notices`, { step: 7, starts_on: '2026-11-01' }), 422, 'starts_on');
    expect(await secA.post(`/api/v1/development/${id}/notices`, { step: 7, starts_on: '2027-10-25', working_days: 3 }), 422, 'working_days');
    f = expect(await secA.post(`/api/v1/development/${id}/notices`, { step: 7, starts_on: '2027-10-25', contact: '机关党委办公室 0750-3000100' }), 201);
    const notice = f.notices.at(-1);
    assert.equal(notice.ends_on, '2027-10-29');
    const printed = expect(await secA.get(`/api/v1/development/notices/${notice.id}`), 200);
    assert.match(printed.title, /林晓同志拟确定为发展对象的公示/);
    assert.match(printed.body, /公示时间：2027年10月25日至2027年10月29日（5个工作日）/);
    assert.match(printed.body, /0750-3000100/);
    expect(await secB.get(`/api/v1/development/notices/${notice.id}`), 404);
    let rule = expect(await secA.get(`/api/v1/development/${id}/steps/7`), 200);
    assert.equal(rule.earliest_on, '2027-11-05');
    assert.equal(rule.can_record, true);
    expect(await steps(secA, id, { step: 7, on_date: '2027-11-04', notice_clear: true }), 422, 'on_date', /满一年为2027年11月5日/);
    expect(await steps(secA, id, { step: 7, on_date: '2027-11-05' }), 422, 'notice_clear');
    f = expect(await steps(secA, id, { step: 7, on_date: '2027-11-05', notice_clear: true }), 201);
    assert.equal(f.status, 'candidate');
    expect(await steps(memA, id, { step: 6, on_date: '2027-11-06', note: '已是发展对象' }), 409);

    // 8–11: 备案, two sponsors with their declaration, 政审, training
    // the same step sent twice at once is recorded once
    const both = await Promise.all([steps(secA, id, { step: 8, on_date: '2027-11-06' }), steps(secA, id, { step: 8, on_date: '2027-11-06' })]);
    const codes = both.map((x) => x.status).sort();
    assert.ok(codes[0] === 201 && (codes[1] === 409 || codes[1] === 503), JSON.stringify(codes));
    assert.equal(count(srv.db, `SELECT COUNT(*) FROM dev_steps WHERE application_id = ${id} AND step = 8;`), 1);
    expect(await steps(secA, id, { step: 9, on_date: '2027-11-06', people: [2] }), 422, 'people', /两名/);
    expect(await steps(secA, id, { step: 9, on_date: '2027-11-06', people: [2, 3] }), 422, 'declaration');
    expect(await steps(secA, id, { step: 9, on_date: '2027-11-06', people: [2, pid], declaration: true }), 422, 'people');
    expect(await steps(secA, id, { step: 9, on_date: '2027-11-06', people: [2, 8], declaration: true }), 400, 'people', /找不到第2位/); // not in sec-a's reach
    f = expect(await steps(secA, id, { step: 9, on_date: '2027-11-06', people: [2, 3], declaration: true }), 201);
    assert.deepEqual(f.sponsors.map((p) => p.person_id), [2, 3]);
    expect(await steps(secA, id, { step: 10, on_date: '2027-11-08' }), 400, 'decision');
    expect(await steps(secA, id, { step: 10, on_date: '2027-11-08', decision: 'passed', note: '政审合格' }), 201);
    expect(await steps(secA, id, { step: 11, on_date: '2027-11-10', train_hours: 16, note: '发展对象培训班' }), 201);
    expect(await steps(secA, id, { step: 11, on_date: '2027-11-11', train_hours: 6 }), 201);
    // a 理论学习 of organisational life the person attended: 1.5 学时 count too
    let a = expect(await secA.post('/api/v1/activities', {
      org_id: ORG.branchA, kind: 'study_session', title: '专题学习', starts_at: '2027-11-15T09:00:00+08:00',
      ends_at: '2027-11-15T10:30:00+08:00', place: '三楼会议室', study_hours: 1.5, expected_person_ids: [1, 2, 3, pid],
    }), 201);
    expect(await secA.post(`/api/v1/activities/${a.id}/notice`), 200);
    expect(await secA.post(`/api/v1/activities/${a.id}/checkin`, { person_id: pid }), 201);
    expect(await secA.post(`/api/v1/activities/${a.id}/hold`), 200);
    // 16 + 6 + 1.5 = 23.5 学时: short of 24
    expect(await steps(secA, id, { step: 12, on_date: '2027-11-20' }), 422, 'on_date', /23\.5学时（其中组织生活学习1\.5学时）/);
    expect(await steps(secA, id, { step: 11, on_date: '2027-11-16', train_hours: 0.5 }), 201);
    f = expect(await steps(secA, id, { step: 12, on_date: '2027-11-20' }), 201);
    assert.equal(f.stage, 4);

    // 13 预审 by the higher committee, after a 5-working-day 公示 (22–26 November)
    f = expect(await secA.post(`/api/v1/development/${id}/notices`, { step: 13, starts_on: '2027-11-22' }), 201);
    assert.equal(f.notices.at(-1).ends_on, '2027-11-26');
    expect(await steps(secA, id, { step: 13, on_date: '2027-11-27', decision: 'approved', notice_clear: true }), 403, 'step', /只能由上级党委/);
    expect(await steps(com, id, { step: 13, on_date: '2027-11-26', decision: 'approved', notice_clear: true }), 422, 'on_date', /公示/);
    expect(await steps(com, id, { step: 13, on_date: '2027-11-27', decision: 'approved', notice_clear: true }), 201);
    expect(await steps(secA, id, { step: 14, on_date: '2027-11-28' }), 201);

    // 15 支部大会, linked to the meeting organisational life recorded: 4 voting full members (1, 2, 3, 6)
    a = expect(await secA.post('/api/v1/activities', {
      org_id: ORG.branchA, kind: 'branch_assembly', title: '讨论接收预备党员', starts_at: '2027-12-01T09:00:00+08:00',
      ends_at: '2027-12-01T11:00:00+08:00', place: '三楼会议室',
    }), 201);
    expect(await secA.post(`/api/v1/activities/${a.id}/notice`), 200);
    for (const p of [1, 2]) expect(await secA.post(`/api/v1/activities/${a.id}/checkin`, { person_id: p }), 201);
    const vote = { votes_for: 2, votes_against: 0, abstentions: 0 };
    expect(await steps(secA, id, { step: 15, on_date: '2027-12-01', activity_id: a.id, vote }), 422, 'activity_id', /尚未召开/);
    expect(await secA.post(`/api/v1/activities/${a.id}/hold`), 200);
    expect(await steps(secA, id, { step: 15, on_date: '2027-12-02', activity_id: a.id, vote }), 400, 'on_date', /2027年12月1日/);
    // two of four present is no quorum
    expect(await steps(secA, id, { step: 15, on_date: '2027-12-01', activity_id: a.id, vote }), 422, 'vote.present', /须至少3人到会/);
    expect(await secA.post(`/api/v1/activities/${a.id}/checkin`, { person_id: 3 }), 201);
    expect(await steps(secA, id, { step: 15, on_date: '2027-12-01', activity_id: a.id, vote: { ...vote, voting_members: 5, present: 3 } }), 400, 'vote.present', /不一致/);
    // three present, two in favour: not more than half of the four voting members
    f = expect(await steps(secA, id, { step: 15, on_date: '2027-12-01', activity_id: a.id, vote }), 201);
    const failed = f.records.find((x) => x.id === f.record_id);
    assert.equal(failed.decision, 'failed');
    assert.deepEqual([failed.vote.voting_members, failed.vote.present, failed.vote.activity_id], [4, 3, a.id]);
    assert.equal(f.status, 'candidate');
    expect(await steps(com, id, { step: 16, on_date: '2027-12-03' }), 409);
    // a second meeting, recorded here only: three in favour pass
    expect(await steps(secA, id, { step: 15, on_date: '2027-12-08', vote: { votes_for: 3, votes_against: 0, abstentions: 0 } }), 400, 'vote.voting_members');
    f = expect(await steps(secA, id, { step: 15, on_date: '2027-12-08', vote: { voting_members: 4, present: 3, votes_for: 3, votes_against: 0, abstentions: 0 } }), 201);
    assert.equal(f.resolution_on, '2027-12-08');
    expect(await steps(com, id, { step: 16, on_date: '2027-12-10' }), 201);

    // 17 审批 within three months (by 8 March 2028), by the committee only; today (15 December 2028) it is overdue
    f = expect(await com.get(`/api/v1/development/${id}`), 200);
    assert.deepEqual(f.flags.map((x) => [x.code, x.overdue]), [['approval_overdue', true]]);
    assert.ok(expect(await com.get('/api/v1/development?overdue=1'), 200).items.some((x) => x.id === id));
    assert.ok(expect(await com.get(`/api/v1/development/warnings?org=${ORG.branchA}`), 200).items.some((x) => x.id === id && x.overdue));
    const todos = expect(await com.get('/api/v1/todos'), 200).items.filter((x) => x.source === 'development');
    assert.ok(todos.some((x) => x.link.id === id && x.kind === 'development_overdue'), JSON.stringify(todos));
    assert.ok(!expect(await secA.get('/api/v1/todos'), 200).items.some((x) => x.source === 'development' && x.link.id === id),
      'the approval is the committee\'s to-do, not the branch\'s');
    expect(await steps(secA, id, { step: 17, on_date: '2028-03-08', decision: 'approved' }), 403, 'step', /支部不得代替/);
    expect(await steps(com, id, { step: 17, on_date: '2028-03-09', decision: 'approved' }), 422, 'late_reason', /2028年3月8日前/);
    f = expect(await steps(com, id, { step: 17, on_date: '2028-03-08', decision: 'approved' }), 201);
    assert.equal(f.status, 'probationary');
    assert.equal(f.probation_until, '2028-12-08');
    let roster = expect(await secA.get(`/api/v1/people/${pid}`), 200);
    assert.deepEqual([roster.party_status, roster.joined_on, roster.probation_until], ['probationary', '2027-12-08', '2028-12-08']);
    for (const s of [18, 19, 20]) expect(await steps(secA, id, { step: s, on_date: '2028-03-10' }), 201);
    expect(await steps(memA, id, { step: 21, on_date: '2028-06-01', note: '预备期表现良好' }), 201);

    // 22 转正申请 from a month before the end; 23 once the year is up, after a 公示
    expect(await steps(secA, id, { step: 22, on_date: '2028-11-07' }), 422, 'on_date', /前一个月/);
    expect(await steps(secA, id, { step: 22, on_date: '2028-11-08' }), 201);
    expect(await secA.post(`/api/v1/development/${id}/notices`, { step: 23, starts_on: '2028-11-13' }), 201);
    const fullVote = { voting_members: 4, present: 4, votes_for: 4, votes_against: 0, abstentions: 0 };
    expect(await steps(secA, id, { step: 23, on_date: '2028-12-07', decision: 'full', vote: fullVote, notice_clear: true }), 422, 'on_date', /2028年12月8日/);
    expect(await steps(secA, id, { step: 23, on_date: '2028-12-08', vote: fullVote, notice_clear: true }), 400, 'decision');
    expect(await steps(secA, id, { step: 23, on_date: '2028-12-08', decision: 'full', vote: fullVote, notice_clear: true }), 201);
    expect(await steps(secA, id, { step: 25, on_date: '2028-12-09' }), 409);
    expect(await steps(secA, id, { step: 24, on_date: '2028-12-10', decision: 'approved' }), 403);
    f = expect(await steps(com, id, { step: 24, on_date: '2028-12-10', decision: 'approved' }), 201);
    assert.equal(f.status, 'full');
    assert.equal(f.full_on, '2028-12-08');
    f = expect(await steps(secA, id, { step: 25, on_date: '2028-12-11' }), 201);
    assert.equal(f.state, 'finished');
    assert.equal(f.next, null);
    roster = expect(await secA.get(`/api/v1/people/${pid}`), 200);
    assert.deepEqual([roster.party_status, roster.joined_on, roster.full_on], ['full', '2027-12-08', '2028-12-08']);
    me = expect(await lin.get('/api/v1/development/me'), 200).application;
    assert.equal(me.status_label, '正式党员');
    assert.equal(me.done.length, 25);

    // the dues subject asks for the day of the resolution that admitted the person (C: development_admitted_on)
    assert.equal(sql(srv.db, `SELECT resolution_on FROM dev_applications WHERE id = ${id};`).trim(), '2027-12-08');

    // corrections: a new record that says why; the history is replayed with it in place
    f = expect(await com.get(`/api/v1/development/${id}`), 200);
    const c = (rid, body) => secA.post(`/api/v1/development/${id}/records/${rid}/correct`, body);
    expect(await c(talkRecord, { on_date: '2026-11-04' }), 400, 'reason');
    expect(await c(talkRecord, { on_date: '2026-11-04', reason: '谈话日期记错' }), 422, 'late_reason', /更正后/);
    f = expect(await c(talkRecord, { on_date: '2026-11-04', reason: '谈话日期记错', late_reason: '书记出差', note: '支部书记谈话' }), 201);
    const corrected = f.records.filter((x) => x.step === 2);
    assert.deepEqual(corrected.map((x) => [x.on_date, x.effective, x.corrects_id]), [['2026-11-02', false, null], ['2026-11-04', true, talkRecord]]);
    expect(await c(talkRecord, { on_date: '2026-11-03', reason: '再改' }), 409, 'corrects_id');
    expect(await c(corrected[1].id, { on_date: '2026-11-06', reason: '晚于确定积极分子', late_reason: '出差' }), 422, 'corrects_id', /第3步/);
    // the committee's own step is corrected by the committee only
    const approval = f.records.find((x) => x.step === 17);
    expect(await c(approval.id, { on_date: '2028-03-07', decision: 'approved', reason: '审批日期更正' }), 403);

    // every change is audited; the history cannot be edited, even by SQL
    // one audit record per step record, 公示 and the application itself
    assert.equal(count(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'development';") - auditBefore,
      count(srv.db, `SELECT COUNT(*) FROM dev_steps WHERE application_id = ${id};`) + count(srv.db, `SELECT COUNT(*) FROM dev_notices WHERE application_id = ${id};`) + 1);
    assert.equal(count(srv.db, `SELECT COUNT(*) FROM audit WHERE entity = 'development' AND action = 'correct' AND entity_id = ${id};`), 1);
    assert.ok(count(srv.db, `SELECT COUNT(*) FROM audit WHERE entity = 'person' AND entity_id = ${pid} AND action = 'development';`) >= 5);
    assert.throws(() => sql(srv.db, `UPDATE dev_steps SET on_date = '2026-01-01' WHERE id = ${talkRecord};`), /append-only/);
    assert.throws(() => sql(srv.db, `DELETE FROM dev_votes WHERE step_id = ${failed.id};`), /append-only/);
  } finally {
    await srv.stop();
  }
});

test('import of people part-way, 公示 across 国庆 with 调休, extension of probation, stop', async () => {
  const { srv, as } = await setup();
  try {
    const com = await as('committee');
    const secA = await as('sec-a');
    // the roster has them already (a probationary member since 9 October 2025, and others on the way)
    for (const [name, phone, status, joined] of [['程远', '13900009101', 'probationary', '2025-10-09'], ['方圆', '13900009102', 'none', null],
      ['高洁', '13900009103', 'probationary', '2027-12-20'], ['黄河', '13900009104', 'probationary', '2027-12-10'], ['金石', '13900009105', 'none', null]]) {
      expect(await com.post('/api/v1/people', { name, phone, party_status: status, joined_on: joined, org_id: ORG.branchA, birth_date: '1996-03-01' }), 201);
    }
    let unfiled = expect(await secA.get('/api/v1/development/unfiled'), 200).items;
    assert.ok(unfiled.some((p) => p.name === '刘洋' && p.status_label === '入党积极分子'));
    const head = '姓名,手机号,阶段,申请日期,谈话日期,确定积极分子日期,培养联系人,确定发展对象日期,入党介绍人,支部大会日期,审批日期,逾期说明,备注';
    const bad = [head,
      '刘洋,13800000005,入党积极分子,2027-03-01,2027-03-10,2027-02-01,李红梅,,,,,,',        // named before the application
      '方圆,13900009102,发展对象,2026-01-05,2026-01-20,2026-03-01,,2027-02-28,王志强、赵敏,,,,', // a day short of the year
      '程远,13900009101,预备党员,,,,,,,2025-10-09,2026-01-10,,',                              // approval after three months
      '无名,13911111111,入党申请人,2028-01-01,,,,,,,,,',                                       // not on the roster
      '金石,13900009105,积极分子吧,2028-01-01,,,,,,,,,'];
    let r = expect(await secA.post('/api/v1/development/import?dry_run=1', bad.join('\n'), CSV), 200);
    assert.deepEqual(r.errors.map((e) => `${e.line}:${e.column}`), ['2:确定积极分子日期', '3:确定发展对象日期', '4:审批日期', '5:手机号', '6:阶段'], JSON.stringify(r.errors));
    assert.match(r.errors[1].message, /满一年为2027年3月1日/);
    assert.match(r.errors[2].message, /逾期/);
    const rows = count(srv.db, 'SELECT COUNT(*) FROM dev_applications;');
    expect(await secA.post('/api/v1/development/import?dry_run=0', bad.join('\n'), CSV), 422);
    assert.equal(count(srv.db, 'SELECT COUNT(*) FROM dev_applications;'), rows, 'nothing written');
    const good = [head,
      '刘洋,13800000005,入党积极分子,2027-01-05,2027-01-20,2027-03-01,李红梅,,,,,,',
      '方圆,13900009102,发展对象,2026-01-05,2026-01-20,2026-03-01,,2027-03-01,王志强、赵敏,,,,',
      '程远,13900009101,预备党员,,,,,,,2025-10-09,2026-01-10,审批会议延期,',
      '高洁,13900009103,预备党员,,,,,,,2027-12-20,2028-01-15,,',
      '黄河,13900009104,预备党员,,,,,,,2027-12-10,2028-01-15,,'];
    r = expect(await secA.post('/api/v1/development/import?dry_run=1', good.join('\n'), CSV), 200);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.preview.map((p) => p.status_label), ['入党积极分子', '发展对象', '预备党员', '预备党员', '预备党员']);
    assert.equal(count(srv.db, 'SELECT COUNT(*) FROM dev_applications;'), rows, 'a dry run writes nothing');
    expect(await (await as('sec-b')).post('/api/v1/development/import?dry_run=1', good.join('\n'), CSV), 200).errors.forEach((e) => assert.match(e.message, /无权/));
    r = expect(await secA.post('/api/v1/development/import?dry_run=0', good.join('\n'), CSV), 200);
    assert.equal(r.imported, 5);
    unfiled = expect(await secA.get('/api/v1/development/unfiled'), 200).items;
    assert.ok(!unfiled.some((p) => p.name === '刘洋'));
    const list = expect(await secA.get('/api/v1/development?limit=50'), 200).items;
    const byName = Object.fromEntries(list.map((x) => [x.name, x]));
    assert.equal(byName['方圆'].stage, 3);
    assert.equal(byName['方圆'].next_step, 8);
    assert.equal(sql(srv.db, "SELECT joined_on || '|' || probation_until FROM people WHERE phone = '13900009101';").trim(), '2025-10-09|2026-10-09');

    // 李红梅 (member-a) is 刘洋's 培养联系人: his half-year assessment, due six months after she was named, is hers to write
    const mentor = expect(await (await as('member-a')).get('/api/v1/todos'), 200).items.filter((x) => x.source === 'development');
    assert.deepEqual(mentor.map((x) => [x.kind, x.title, x.link.id]), [['development_assessment', '为刘洋填写半年考察意见', byName['刘洋'].id]]);
    assert.match(mentor[0].detail, /应在2027年9月1日前办理，已逾期 471 天/);
    // today is 15 December 2028: 高洁's probation ends on the 20th (a to-do), 黄河's ended on the 10th (a flag)
    const g = byName['高洁'];
    let f = expect(await secA.get(`/api/v1/development/${g.id}`), 200);
    assert.ok(f.flags.some((x) => x.code === 'probation_ending' && !x.overdue));
    f = expect(await secA.get(`/api/v1/development/${byName['黄河'].id}`), 200);
    assert.ok(f.flags.some((x) => x.code === 'probation_ended' && x.overdue));
    const todos = expect(await secA.get('/api/v1/todos'), 200).items.filter((x) => x.source === 'development');
    assert.ok(todos.some((x) => x.link.id === g.id && /预备期将于2028年12月20日期满/.test(x.detail)), JSON.stringify(todos));
    assert.ok(expect(await secA.get('/api/v1/development?overdue=1'), 200).items.some((x) => x.name === '黄河'));
    // and 高洁 herself is reminded to apply for 转正, a month before the end
    sql(srv.db, `INSERT INTO users (login, name, password_hash, person_id, created_at) SELECT 'gao-jie', '高洁', password_hash, ${g.person_id}, '2026-01-01T00:00:00Z' FROM users WHERE login = 'admin';
      INSERT INTO grants (user_id, role, org_id) SELECT id, 'member', ${ORG.branchA} FROM users WHERE login = 'gao-jie';`);
    const gao = await as('gao-jie');
    const own = expect(await gao.get('/api/v1/todos'), 200).items.filter((x) => x.source === 'development');
    assert.deepEqual(own.map((x) => [x.kind, x.title, x.link.id]), [['development_full_application', '提出转正申请', g.id]]);
    assert.match(own[0].detail, /2028年12月20日/);
    const mine = expect(await gao.get('/api/v1/development/me'), 200).application;
    assert.ok(mine.flags.some((x) => x.code === 'probation_ending'));

    // 程远: probation ended 9 October 2026; the 公示 posted on 30 September runs over 国庆 and the 调休 Saturday to 12 October
    const y = byName['程远'].id;
    expect(await steps(secA, y, { step: 22, on_date: '2026-09-25' }), 201);
    expect(await secA.post(`/api/v1/development/${y}/notices`, { step: 23, starts_on: '2026-09-30' }), 201);
    f = expect(await secA.get(`/api/v1/development/${y}`), 200);
    assert.equal(f.notices.at(-1).ends_on, '2026-10-12');
    const vote = { voting_members: 4, present: 3, votes_for: 3, votes_against: 0, abstentions: 0 };
    expect(await steps(secA, y, { step: 23, on_date: '2026-10-12', decision: 'extend', months: 6, vote, notice_clear: true }), 422, 'on_date', /2026年10月12日期满/);
    expect(await steps(secA, y, { step: 23, on_date: '2026-10-13', decision: 'extend', months: 5, vote, notice_clear: true }), 422, 'months', /6至12个月/);
    expect(await steps(secA, y, { step: 23, on_date: '2026-10-13', decision: 'extend', months: 13, vote, notice_clear: true }), 422, 'months');
    expect(await steps(secA, y, { step: 23, on_date: '2026-10-13', decision: 'extend', months: 6, vote, notice_clear: true }), 201);
    expect(await steps(secA, y, { step: 24, on_date: '2026-10-20', decision: 'approved' }), 403);
    f = expect(await steps(com, y, { step: 24, on_date: '2026-10-20', decision: 'approved' }), 201);
    assert.equal(f.status, 'probationary');
    assert.equal(f.probation_until, '2027-04-09');
    assert.equal(f.extension_months, 6);
    assert.deepEqual(f.extensions.map((e) => [e.months, e.from_until, e.new_until]), [[6, '2026-10-09', '2027-04-09']]);
    assert.equal(sql(srv.db, "SELECT probation_until FROM people WHERE phone = '13900009101';").trim(), '2027-04-09');
    // a second round at the end of the extension; no second extension
    expect(await steps(secA, y, { step: 22, on_date: '2027-03-08' }), 422);
    expect(await steps(secA, y, { step: 22, on_date: '2027-03-09' }), 201);
    expect(await secA.post(`/api/v1/development/${y}/notices`, { step: 23, starts_on: '2027-03-15' }), 201);
    expect(await steps(secA, y, { step: 23, on_date: '2027-04-09', decision: 'extend', months: 6, vote, notice_clear: true }), 422, 'decision', /只能延长一次/);
    expect(await steps(secA, y, { step: 23, on_date: '2027-04-08', decision: 'full', vote, notice_clear: true }), 422, 'on_date', /2027年4月9日/);
    expect(await steps(secA, y, { step: 23, on_date: '2027-04-09', decision: 'full', vote, notice_clear: true }), 201);
    f = expect(await steps(com, y, { step: 24, on_date: '2027-05-06', decision: 'approved' }), 201);
    assert.equal(f.full_on, '2027-04-09');
    assert.equal(sql(srv.db, "SELECT party_status || '|' || full_on FROM people WHERE phone = '13900009101';").trim(), 'full|2027-04-09');

    // stopping an application: the roster goes back to 群众
    f = expect(await secA.post('/api/v1/development', { person_id: count(srv.db, "SELECT id FROM people WHERE phone = '13900009105';"), on_date: '2028-11-01' }), 201);
    expect(await secA.post(`/api/v1/development/${f.id}/stop`, { on_date: '2028-11-20', decision: 'approved', note: 'x' }), 400, 'decision');
    f = expect(await secA.post(`/api/v1/development/${f.id}/stop`, { on_date: '2028-11-20', decision: 'withdrawn', note: '本人撤回申请' }), 201);
    assert.equal(f.state, 'stopped');
    expect(await secA.post(`/api/v1/development/${f.id}/stop`, { on_date: '2028-11-21', decision: 'withdrawn', note: '再次' }), 409);
    expect(await steps(secA, f.id, { step: 2, on_date: '2028-11-21' }), 409, 'step', /已终止/);
    assert.equal(sql(srv.db, "SELECT party_status FROM people WHERE phone = '13900009105';").trim(), 'none');

    // statistics by branch and quarter, as a page and as XLSX
    const st = expect(await secA.get('/api/v1/development/stats?year=2027'), 200);
    const branch = st.branches.find((b) => b.org_id === ORG.branchA);
    assert.deepEqual(branch.counts.full, [0, 1, 0, 0, 1]);        // 程远, 9 April 2027
    assert.deepEqual(branch.counts.candidates, [1, 0, 0, 0, 1]);  // 方圆, 1 March 2027
    assert.deepEqual(branch.counts.admitted, [0, 0, 0, 2, 2]);    // 高洁, 黄河 (December 2027)
    assert.ok(!st.branches.some((b) => b.org_id === ORG.branchB && b.counts.applied[4] > 0));
    const x = await secA.get('/api/v1/development/stats/export?year=2027');
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-type'), /spreadsheetml/);
    assert.equal(x.raw.subarray(0, 2).toString(), 'PK');
    const dir = mkdtempSync(path.join(tmpdir(), 'dj-dev-xlsx-'));
    try {
      writeFileSync(path.join(dir, 's.xlsx'), x.raw);
      const strings = execFileSync('unzip', ['-p', path.join(dir, 's.xlsx'), 'xl/sharedStrings.xml'], { encoding: 'utf8' });
      assert.match(strings, /2027年发展党员工作统计/);
      assert.match(strings, /第一党支部/);
      assert.match(strings, /接收预备党员/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await srv.stop();
  }
});

test('the working-day calendar: 2026 and 2027 loaded, edited by the committee only', async () => {
  const { srv, as } = await setup();
  try {
    const com = await as('committee');
    const secA = await as('sec-a');
    let cal = expect(await secA.get('/api/v1/development/calendar?year=2026'), 200);
    const day = (d) => cal.items.find((x) => x.day === d);
    assert.equal(day('2026-10-01').kind, 'holiday');
    assert.equal(day('2026-10-10').kind, 'workday');
    assert.equal(day('2026-09-20').kind, 'workday');
    assert.equal(day('2026-02-14').kind, 'workday');
    assert.equal(cal.workdays, 248);
    assert.equal(cal.can_edit, false);
    cal = expect(await secA.get('/api/v1/development/calendar?year=2027'), 200);
    assert.equal(cal.provisional, true, '2027 until the State Council publishes it');
    assert.ok(cal.items.some((x) => x.day === '2027-02-06' && x.name === '春节'));
    let w = expect(await secA.get('/api/v1/development/calendar/workdays?from=2026-09-30&days=5'), 200);
    assert.deepEqual([w.ends_on, w.first_allowed_on], ['2026-10-12', '2026-10-13']);
    w = expect(await secA.get('/api/v1/development/calendar/workdays?from=2026-09-18'), 200);
    assert.equal(w.ends_on, '2026-09-23');
    expect(await secA.get('/api/v1/development/calendar/workdays?from=2026-02-30'), 400, 'from');
    expect(await secA.put('/api/v1/development/calendar/2026-10-12', { kind: 'holiday', name: '测试' }), 403);
    expect(await com.put('/api/v1/development/calendar/2026-13-12', { kind: 'holiday', name: '测试' }), 400, 'day');
    expect(await com.put('/api/v1/development/calendar/2026-10-12', { kind: 'rest', name: '测试' }), 400, 'kind');
    expect(await com.put('/api/v1/development/calendar/2026-10-12', { kind: 'holiday', name: '单位调整' }), 200);
    w = expect(await secA.get('/api/v1/development/calendar/workdays?from=2026-09-30&days=5'), 200);
    assert.equal(w.ends_on, '2026-10-13');
    expect(await com.del('/api/v1/development/calendar/2026-10-12'), 204);
    expect(await com.del('/api/v1/development/calendar/2026-10-12'), 404);
    assert.equal(count(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'work_calendar';"), 2);
    const cat = expect(await secA.get('/api/v1/development/steps'), 200);
    assert.equal(cat.items.length, 26);
    assert.deepEqual(cat.notice_steps, [7, 13, 23]);
    assert.equal(cat.stages.length, 5);
  } finally {
    await srv.stop();
  }
});

test('the demo agency: a file for everyone on the way, one overdue approval, one probation ending', async () => {
  const srv = await startServer({ demo: true });
  try {
    const com = srv.client();
    await com.login('demo-committee');
    const list = expect(await com.get('/api/v1/development?limit=100'), 200).items;
    assert.ok(list.length >= 12, `${list.length} files`);
    assert.deepEqual([...new Set(list.map((x) => x.stage))].sort(), [1, 2, 3, 4, 5]);
    assert.equal(expect(await com.get('/api/v1/development/unfiled'), 200).items.length, 0);
    const warnings = expect(await com.get('/api/v1/development/warnings'), 200).items;
    assert.equal(warnings.filter((x) => x.due_code === 'approval' && x.overdue).length, 1);
    assert.ok(warnings.some((x) => x.due_code === 'probation' && !x.overdue));
    const act = srv.client();
    await act.login('demo-activist');
    const me = expect(await act.get('/api/v1/development/me'), 200).application;
    assert.equal(me.status_label, '入党积极分子');
    assert.ok(me.next && me.next.earliest_on);
    const mem = srv.client();
    await mem.login('demo-member');
    assert.ok(expect(await mem.get('/api/v1/development/mentees'), 200).items.length >= 1);
  } finally {
    await srv.stop();
  }
});

test('a 发展档案\'s materials: the branch adds scans, the applicant reads them, other branches do not', async () => {
  const { srv, as } = await setup();
  try {
    const secA = await as('sec-a');
    const secB = await as('sec-b');
    const com = await as('committee');
    let r = await secA.post('/api/v1/people', { name: '梁静', gender: 'female', birth_date: '2000-05-01', phone: '13900009011', org_id: ORG.branchA, education: '研究生', job_post: '科员' });
    const pid = expect(r, 201).id;
    const id = expect(await secA.post('/api/v1/development', { person_id: pid, on_date: '2028-11-01' }), 201).id;
    const pdf = '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n';
    const put = (c, kind) => c.req('POST', `/api/v1/files?subject=development&record=${id}&kind=${kind}&name=${encodeURIComponent('入党申请书.pdf')}`,
      pdf, { headers: { 'content-type': 'application/pdf' } });
    r = await put(secA, 'application');
    assert.equal(r.status, 201, r.text);
    const file = r.body.id;
    assert.equal((await put(secA, 'payslip')).status, 400, 'a kind the 发展档案 does not keep');
    const other = await put(secB, 'application');
    assert.ok([403, 404].includes(other.status), `another branch's secretary adds nothing: ${other.status}`);
    const list = await com.get(`/api/v1/files?subject=development&record=${id}`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items.map((f) => [f.name, f.kind]), [['入党申请书.pdf', 'application']]);
    assert.equal((await secB.get(`/api/v1/files?subject=development&record=${id}`)).status, 404);
    assert.equal((await secB.get(`/api/v1/files/${file}`)).status, 404);
    assert.equal((await com.get(`/api/v1/files/${file}`)).status, 200);
  } finally {
    await srv.stop();
  }
});
