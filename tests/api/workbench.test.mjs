// The secretary's phone workbench (issue 18): attendance marked by hand with a reason
// (present, leave, absent) — written with the facts the figures count, audited, kept to
// the caller's scope, refused with a clear message when it cannot be, and nothing
// changed then.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, createActivity, PERSON } from '../lib/fixtures.mjs';

const MIN = 60 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('attendance marked by hand: present, leave and absent with their reasons', async () => {
  const srv = await startServer();
  try {
    seedAgency(srv.db);
    const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
    const sec = await as('sec-a');
    const a = await createActivity(sec, { kind: 'theme_day', title: '主题党日', place: '党员活动室' });
    const url = `/api/v1/activities/${a.id}/attendance/marks`;

    // not before the notice
    let m = await sec.post(url, { person_id: PERSON.memberA, status: 'present', reason: '手机没电' });
    assert.equal(m.status, 409, m.text);
    assert.match(m.body.error.message, /尚未发布通知/);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 200);

    // bad input: a clear 400 naming the field
    m = await sec.post(url, { person_id: PERSON.memberA, status: 'late', reason: 'x' });
    assert.equal(m.status, 400);
    assert.equal(m.body.error.field, 'status');
    m = await sec.post(url, { person_id: PERSON.memberA, status: 'present', reason: '  ' });
    assert.equal(m.status, 400);
    assert.equal(m.body.error.field, 'reason');
    m = await sec.post(url, { person_id: 5, status: 'present', reason: '代签' }); // an activist, not expected
    assert.equal(m.status, 400);
    assert.equal(m.body.error.field, 'person_id');
    // a person of another branch is out of the caller's scope
    m = await sec.post(url, { person_id: PERSON.memberB, status: 'present', reason: '代签' });
    assert.ok([400, 403, 404].includes(m.status), m.text);
    // another branch's secretary may not mark here
    const secB = await as('sec-b');
    m = await secB.post(url, { person_id: PERSON.secB, status: 'present', reason: '代签' });
    assert.ok([403, 404].includes(m.status), m.text);
    assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM attendance_marks;').trim(), '0');

    // present by hand: an attendance row, a points event, the reason on the sheet
    m = await sec.post(url, { person_id: PERSON.memberA, status: 'present', reason: '手机没电，书记代为签到' });
    assert.equal(m.status, 200, m.text);
    let row = m.body.people.find((p) => p.person_id === PERSON.memberA);
    assert.equal(row.status, 'present');
    assert.equal(row.method, 'manual');
    assert.equal(row.mark_reason, '手机没电，书记代为签到');
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM life_events WHERE activity_id = ${a.id} AND person_id = ${PERSON.memberA};`).trim(), '1');
    // marked again: no second row, the reason updated
    m = await sec.post(url, { person_id: PERSON.memberA, status: 'present', reason: '迟到十分钟' });
    assert.equal(m.status, 200);
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM attendance WHERE activity_id = ${a.id};`).trim(), '1');
    assert.equal(sql(srv.db, `SELECT reason FROM attendance_marks WHERE activity_id = ${a.id};`).trim(), '迟到十分钟');
    // present cannot become leave or absent
    m = await sec.post(url, { person_id: PERSON.memberA, status: 'absent', reason: '未到' });
    assert.equal(m.status, 409);
    assert.equal(m.body.error.field, 'status');

    // leave by hand: an approved leave with the reason
    m = await sec.post(url, { person_id: 6, status: 'leave', reason: '出差在外，电话请假' });
    assert.equal(m.status, 200, m.text);
    row = m.body.people.find((p) => p.person_id === 6);
    assert.equal(row.status, 'leave');
    assert.equal(row.leave_status, 'approved');
    assert.equal(m.body.summary.leave, 1);

    // absent: a pending leave no longer stands
    const mem3 = sql(srv.db, 'SELECT COUNT(*) FROM users WHERE person_id = 3;').trim();
    assert.equal(mem3, '0'); // person 3 has no login: the leave is asked through the database
    sql(srv.db, `INSERT INTO activity_leaves (activity_id, person_id, reason, status, created_at) VALUES (${a.id}, 3, '家中有事', 'pending', '${iso(Date.now())}');`);
    m = await sec.post(url, { person_id: 3, status: 'absent', reason: '请假理由不充分，按缺席登记' });
    assert.equal(m.status, 200, m.text);
    row = m.body.people.find((p) => p.person_id === 3);
    assert.equal(row.status, 'absent');
    assert.equal(row.leave_status, 'refused');
    assert.equal(row.mark_status, 'absent');
    assert.equal(m.body.summary.present, 1);

    // every mark audited; a member sees no one's reasons
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM audit WHERE action = 'mark' AND entity = 'attendance';`).trim(), '4');
    const mem = await as('member-a');
    const seen = await mem.get(`/api/v1/activities/${a.id}/attendance`);
    assert.equal(seen.status, 200);
    for (const p of seen.body.people) assert.equal(p.mark_reason, undefined);
    assert.equal((await mem.post(url, { person_id: PERSON.memberA, status: 'present', reason: '自己' })).status, 403);

    // the closed activity takes no more marks
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/hold`)).status, 200);
    assert.equal((await sec.patch(`/api/v1/activities/${a.id}`, { minutes: '会议记录' })).status, 200);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/close`)).status, 200);
    m = await sec.post(url, { person_id: 6, status: 'present', reason: '补登' });
    assert.equal(m.status, 409);
  } finally {
    await srv.stop();
  }
});

test('a 支部党员大会: a voting member left off the notice may be marked present, and counts for the quorum', async () => {
  const srv = await startServer();
  try {
    seedAgency(srv.db);
    const sec = srv.client();
    await sec.login('sec-a');
    const a = await createActivity(sec, { title: '支部党员大会', expected_person_ids: [PERSON.secA] });
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 200);
    const url = `/api/v1/activities/${a.id}/attendance/marks`;
    let m = await sec.post(url, { person_id: PERSON.memberA, status: 'leave', reason: '请假' });
    assert.equal(m.status, 400, m.text);
    assert.equal(m.body.error.field, 'person_id');
    m = await sec.post(url, { person_id: PERSON.memberA, status: 'present', reason: '未在通知名单中，到会' });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.quorum.present_voting, 1);
    assert.ok(m.body.people.some((p) => p.person_id === PERSON.memberA && p.status === 'present'));
  } finally {
    await srv.stop();
  }
});

test('a leave the member asked for, decided by a hand mark, is told to the member', async () => {
  const srv = await startServer();
  try {
    seedAgency(srv.db);
    const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
    const sec = await as('sec-a');
    const mem = await as('member-a');
    const a = await createActivity(sec, { kind: 'theme_day', title: '主题党日：参观廉政教育基地', place: '廉政教育基地', starts_at: iso(Date.now() + 60 * MIN), ends_at: iso(Date.now() + 180 * MIN) });
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 200);
    assert.equal((await mem.post(`/api/v1/activities/${a.id}/leave`, { reason: '孩子生病' })).status, 201);
    const before = Number(sql(srv.db, "SELECT COUNT(*) FROM notifications WHERE event LIKE 'leave.%';").trim());
    assert.equal(before, 0);
    const m = await sec.post(`/api/v1/activities/${a.id}/attendance/marks`, { person_id: PERSON.memberA, status: 'leave', reason: '电话说明情况，同意请假' });
    assert.equal(m.status, 200, m.text);
    const row = m.body.people.find((p) => p.person_id === PERSON.memberA);
    assert.equal(row.status, 'leave');
    assert.equal(row.leave_reason, '孩子生病'); // the member's own reason stays
    assert.equal(row.mark_reason, '电话说明情况，同意请假');
    const inbox = (await mem.get('/api/v1/inbox')).body.items;
    assert.ok(inbox.some((x) => /请假已批准/.test(x.title)), JSON.stringify(inbox.map((x) => x.title)));
    // marked again the same way: no second message
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/attendance/marks`, { person_id: PERSON.memberA, status: 'leave', reason: '同意请假' })).status, 200);
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM notifications WHERE event = 'leave.approved';").trim(), '1');
    // then absent after all: refused, and told
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/attendance/marks`, { person_id: PERSON.memberA, status: 'absent', reason: '请假理由不充分' })).status, 200);
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM notifications WHERE event = 'leave.refused';").trim(), '1');
  } finally {
    await srv.stop();
  }
});
