// Organisational life (issue 4): activities, their life cycle, leave, QR check-in
// (rotating token, once per person, group commit under concurrency), attendance
// and quorum, compliance, counts and the to-do list.
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { seedAgency, seedMembers, sql, createActivity, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiToday, iso8 } from '../lib/clock.mjs';

const MIN = 60 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The token the server should show for an activity in a given 30-second window. */
function tokenFor(db, activityId, window) {
  const hex = sql(db, "SELECT value FROM settings WHERE key = 'life.checkin_secret';").trim();
  const mac = crypto.createHmac('sha256', Buffer.from(hex, 'hex')).update(`${activityId}:${window}`).digest('hex');
  return mac.slice(0, 20);
}

async function setup() {
  const srv = await startServer();
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  return { srv, as };
}

test('an activity goes planned → noticed → held → closed, with check-in, quorum and events', async () => {
  const { srv, as } = await setup();
  try {
    const sec = await as('sec-a');
    const mem = await as('member-a');
    const a = await createActivity(sec, { agenda: '1. 学习文件\n2. 讨论', host_person_id: PERSON.secA });
    assert.equal(a.state, 'planned');
    assert.equal(a.kind_name, '支部党员大会');
    // the branch's party members (full and probationary) in its subtree are expected: 1, 2, 3, 4, 6
    assert.equal(a.expected_count, 5);
    assert.match(a.starts_at, /Z$/, 'stored as UTC');

    // not yet noticed: no QR, no check-in, and members do not see the draft
    assert.equal((await sec.get(`/api/v1/activities/${a.id}/qr`)).status, 409);
    assert.equal((await mem.get(`/api/v1/activities/${a.id}`)).status, 404);
    assert.equal((await mem.get('/api/v1/activities')).body.total, 0);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 200);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 409, 'twice is refused');
    assert.equal((await mem.get('/api/v1/activities')).body.total, 1);

    // the member sees it in the to-do list
    const todos = await mem.get('/api/v1/todos');
    assert.equal(todos.status, 200);
    assert.ok(todos.body.items.some((t) => t.kind === 'activity' && t.link.id === a.id), JSON.stringify(todos.body));

    const qr = await sec.get(`/api/v1/activities/${a.id}/qr`);
    assert.equal(qr.status, 200, qr.text);
    assert.match(qr.body.token, /^[0-9a-f]{20}$/);
    assert.ok(qr.body.svg.startsWith('<svg'), 'an SVG QR code');
    assert.ok(qr.body.url.endsWith(`/m/checkin/${a.id}?t=${qr.body.token}`), qr.body.url);
    assert.ok(qr.body.expires_in > 0 && qr.body.expires_in <= 30);
    assert.equal(qr.body.open, true);
    assert.equal(qr.body.token, tokenFor(srv.db, a.id, Math.floor(Date.now() / 1000 / 30)) ||
      tokenFor(srv.db, a.id, Math.floor(Date.now() / 1000 / 30) - 1));
    // members may not fetch the code (they could forward it)
    assert.equal((await mem.get(`/api/v1/activities/${a.id}/qr`)).status, 403);

    const first = await mem.post(`/api/v1/activities/${a.id}/checkin`, { token: qr.body.token });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.message, '签到成功');
    const again = await mem.post(`/api/v1/activities/${a.id}/checkin`, { token: qr.body.token });
    assert.equal(again.status, 200);
    assert.equal(again.body.message, '已签到');
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM attendance WHERE activity_id = ${a.id};`).trim(), '1');

    let sheet = await sec.get(`/api/v1/activities/${a.id}/attendance`);
    assert.equal(sheet.status, 200);
    assert.deepEqual(sheet.body.summary, { expected: 5, present: 1, leave: 0, absent: 4, not_started: 0 });
    // the branch's voting full members: 1, 2, 3, 6 — one present is no quorum
    const { voting_members, present_voting, needed, met } = sheet.body.quorum;
    assert.deepEqual({ voting_members, present_voting, needed, met }, { voting_members: 4, present_voting: 1, needed: 3, met: false });

    // the secretary signs two more in by hand (audited)
    for (const pid of [PERSON.secA, 3]) {
      const r = await sec.post(`/api/v1/activities/${a.id}/checkin`, { person_id: pid });
      assert.equal(r.status, 201, r.text);
    }
    sheet = await sec.get(`/api/v1/activities/${a.id}/attendance`);
    assert.equal(sheet.body.quorum.met, true);
    assert.equal(sheet.body.people.find((p) => p.person_id === 3).method, 'manual');
    // the two hand sign-ins are audited; the scan is recorded by its attendance row
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM audit WHERE action = 'checkin' AND entity = 'attendance';`).trim(), '2');
    assert.equal(sql(srv.db, `SELECT method || ' ' || COALESCE(CAST(by_user_id AS TEXT), '-') FROM attendance WHERE person_id = ${PERSON.memberA};`).trim(), 'qr -');
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM life_events WHERE activity_id = ${a.id} AND kind = 'attendance';`).trim(), '3');

    // held, then closed only with minutes
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/hold`)).status, 200);
    const noMinutes = await sec.post(`/api/v1/activities/${a.id}/close`);
    assert.equal(noMinutes.status, 422);
    assert.equal(noMinutes.body.error.field, 'minutes');
    const planEdit = await sec.patch(`/api/v1/activities/${a.id}`, { place: '别处' });
    assert.equal(planEdit.status, 409, 'the plan is fixed once held');
    const m = await sec.patch(`/api/v1/activities/${a.id}`, {
      minutes: '会议由张建国主持，应到5人，实到3人。', resolutions: '通过了……',
    });
    assert.equal(m.status, 200, m.text);
    // attachments are uploads in the file store, attached to the activity
    const upload = await sec.post(`/api/v1/files?subject=activity&record=${a.id}&kind=signin_sheet&name=${encodeURIComponent('签到表.txt')}`,
      '张建国 李红梅 王志强\n', { headers: { 'content-type': 'text/plain' } });
    assert.equal(upload.status, 201, upload.text);
    const withSheet = await sec.get(`/api/v1/activities/${a.id}`);
    assert.deepEqual(withSheet.body.attachments.map((f) => [f.name, f.kind]), [['签到表.txt', 'signin_sheet']]);
    const closed = await sec.post(`/api/v1/activities/${a.id}/close`);
    assert.equal(closed.status, 200);
    assert.equal(closed.body.state, 'closed');
    const late = await sec.post(`/api/v1/files?subject=activity&record=${a.id}&name=x.txt`, 'x', { headers: { 'content-type': 'text/plain' } });
    assert.equal(late.status, 409, 'a closed activity takes no more attachments');
    assert.equal((await sec.patch(`/api/v1/activities/${a.id}`, { minutes: '改' })).status, 409);
    // a closed activity takes no more check-ins
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/checkin`, { person_id: 6 })).status, 409);
    const audit = sql(srv.db, `SELECT action FROM audit WHERE entity = 'activity' AND entity_id = ${a.id} ORDER BY id;`);
    assert.deepEqual(audit.trim().split('\n'), ['create', 'noticed', 'held', 'update', 'closed']);
    assert.equal(sql(srv.db, `SELECT action FROM audit WHERE entity = 'file';`).trim(), 'upload');
  } finally {
    await srv.stop();
  }
});

test('bad input is refused with the field named and nothing written', async () => {
  const { srv, as } = await setup();
  try {
    const sec = await as('sec-a');
    const now = Date.now();
    const base = { org_id: ORG.branchA, kind: 'theme_day', title: '主题党日', starts_at: iso(now), ends_at: iso(now + 60 * MIN), place: '会议室' };
    const cases = [
      [{ ...base, kind: 'party' }, 'kind'],
      [{ ...base, ends_at: iso(now - MIN) }, 'ends_at'],
      [{ ...base, starts_at: '2026-01-01 09:00' }, 'starts_at'],
      [{ ...base, title: '' }, 'title'],
      [{ ...base, study_hours: 2 }, 'study_hours'],
      [{ ...base, org_id: 999 }, 'org_id'],
      [{ ...base, expected_person_ids: [1, 999] }, 'expected_person_ids'],
      [{ ...base, attachments: [''] }, 'attachments'],
      [{ ...base, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await sec.post('/api/v1/activities', body);
      assert.equal(r.status, 400, `${field}: ${r.text}`);
      assert.equal(r.body.error.field, field, r.text);
    }
    assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM activities;').trim(), '0');
    // another branch's secretary may not create for branch A
    const secB = await as('sec-b');
    assert.equal((await secB.post('/api/v1/activities', base)).status, 403);
    // a member may not create at all
    assert.equal((await (await as('member-a')).post('/api/v1/activities', base)).status, 403);
    // the people expected can be adjusted: an activist joins a 党课, a member is dropped
    const lecture = await createActivity(sec, { kind: 'party_lecture', title: '入党积极分子培训党课' });
    const cand = await sec.get(`/api/v1/activities/${lecture.id}/candidates`);
    assert.equal(cand.status, 200);
    assert.deepEqual(cand.body.items.filter((p) => p.expected).map((p) => p.id), [1, 2, 3, 4, 6]);
    assert.equal(cand.body.items.find((p) => p.id === 5).party_status, 'activist');
    const adj = await sec.patch(`/api/v1/activities/${lecture.id}`, { expected_person_ids: [1, 2, 5] });
    assert.equal(adj.status, 200, adj.text);
    assert.equal(adj.body.expected_count, 3);
    assert.equal((await secB.get(`/api/v1/activities/${lecture.id}/candidates`)).status, 404, 'not even visible');
    // cancelling needs a reason
    const a = await createActivity(sec, { kind: 'theme_day' });
    const noReason = await sec.post(`/api/v1/activities/${a.id}/cancel`, {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.field, 'reason');
    const cancelled = await sec.post(`/api/v1/activities/${a.id}/cancel`, { reason: '与上级会议冲突，改期' });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.cancel_reason, '与上级会议冲突，改期');
  } finally {
    await srv.stop();
  }
});

test('leave: a member asks, the secretary of the branch decides; others cannot', async () => {
  const { srv, as } = await setup();
  try {
    const sec = await as('sec-a');
    const mem = await as('member-a');
    const a = await createActivity(sec, { kind: 'study_session', title: '理论学习', study_hours: 2 });
    await sec.post(`/api/v1/activities/${a.id}/notice`);
    const lv = await mem.post(`/api/v1/activities/${a.id}/leave`, { reason: '出差在外' });
    assert.equal(lv.status, 201, lv.text);
    assert.equal((await mem.post(`/api/v1/activities/${a.id}/leave`, { reason: '再请' })).status, 409);
    assert.equal((await mem.post(`/api/v1/activities/${a.id}/leave`, { reason: '' })).status, 400);

    const todos = await sec.get('/api/v1/todos');
    assert.ok(todos.body.items.some((t) => t.kind === 'leave_decision' && t.link.id === lv.body.id), JSON.stringify(todos.body));
    const list = await sec.get(`/api/v1/activities/${a.id}/leaves`);
    assert.equal(list.body.items[0].reason, '出差在外');

    // another branch's member does not even see the activity; its secretary cannot decide
    const memB = await as('member-b');
    assert.equal((await memB.get(`/api/v1/activities/${a.id}`)).status, 404);
    assert.equal((await memB.post(`/api/v1/activities/${a.id}/leave`, { reason: 'x' })).status, 404);
    const secB = await as('sec-b');
    assert.equal((await secB.post(`/api/v1/leaves/${lv.body.id}/decision`, { approve: true })).status, 403);
    assert.equal((await mem.post(`/api/v1/leaves/${lv.body.id}/decision`, { approve: true })).status, 403);

    const ok = await sec.post(`/api/v1/leaves/${lv.body.id}/decision`, { approve: true, note: '同意' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await sec.post(`/api/v1/leaves/${lv.body.id}/decision`, { approve: false })).status, 409);
    const detail = await mem.get(`/api/v1/activities/${a.id}`);
    assert.equal(detail.body.me.leave.status, 'approved');
    const sheet = await sec.get(`/api/v1/activities/${a.id}/attendance`);
    assert.equal(sheet.body.summary.leave, 1);
    assert.equal(sheet.body.people.find((p) => p.person_id === PERSON.memberA).leave_reason, '出差在外');
    // a fellow member sees who is on leave, not why
    const seen = await mem.get(`/api/v1/activities/${a.id}/attendance`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.people.find((p) => p.person_id === PERSON.memberA).status, 'leave');
    assert.equal('leave_reason' in seen.body.people.find((p) => p.person_id === PERSON.memberA), false);
    assert.equal(sheet.body.quorum, null);
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'leave';").trim(), '2');

    // a refused request may be asked again
    const lv2 = await (await as('sec-a')).post(`/api/v1/activities/${a.id}/leave`, { reason: '开会' });
    assert.equal(lv2.status, 201);
    assert.equal((await sec.post(`/api/v1/leaves/${lv2.body.id}/decision`, { approve: false, note: '请参加' })).status, 200);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/leave`, { reason: '确实走不开' })).status, 201);
  } finally {
    await srv.stop();
  }
});

test('check-in refuses an expired or wrong token, another branch, and a secretary of another branch', async () => {
  const { srv, as } = await setup();
  try {
    const sec = await as('sec-a');
    const mem = await as('member-a');
    const a = await createActivity(sec, { kind: 'theme_day', title: '主题党日' });
    await sec.post(`/api/v1/activities/${a.id}/notice`);
    const { body: qr } = await sec.get(`/api/v1/activities/${a.id}/qr`);
    const w = Math.floor(Date.now() / 1000 / 30);
    const old = tokenFor(srv.db, a.id, w - 3); // 90 seconds old: a forwarded photo
    const expired = await mem.post(`/api/v1/activities/${a.id}/checkin`, { token: old });
    assert.equal(expired.status, 410, expired.text);
    assert.equal(expired.body.error.code, 'token_expired');
    const wrong = await mem.post(`/api/v1/activities/${a.id}/checkin`, { token: '0123456789abcdef0123' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.field, 'token');
    // a token of one activity does not open another
    const b = await createActivity(sec, { kind: 'committee_meeting', title: '支委会' });
    await sec.post(`/api/v1/activities/${b.id}/notice`);
    assert.equal((await mem.post(`/api/v1/activities/${b.id}/checkin`, { token: qr.token })).status, 400);
    // both token and person, or neither
    assert.equal((await mem.post(`/api/v1/activities/${a.id}/checkin`, {})).status, 400);
    // a member of another branch, with a valid token, may not even see the activity: as if it did not exist
    const memB = await as('member-b');
    assert.equal((await memB.post(`/api/v1/activities/${a.id}/checkin`, { token: qr.token })).status, 404);
    // the secretary of another branch may not sign anyone in here
    const secB = await as('sec-b');
    assert.equal((await secB.post(`/api/v1/activities/${a.id}/checkin`, { person_id: PERSON.memberA })).status, 403);
    // nor may a member sign someone else in
    assert.equal((await mem.post(`/api/v1/activities/${a.id}/checkin`, { person_id: PERSON.secA })).status, 403);
    // the branch's own secretary may, but not for someone of another branch (out of reach) ...
    const outside = await sec.post(`/api/v1/activities/${a.id}/checkin`, { person_id: PERSON.memberB });
    assert.equal(outside.status, 403);
    assert.equal(outside.body.error.code, 'out_of_scope');
    assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM attendance;').trim(), '0');

    // check-in is closed long after the end
    const past = await createActivity(sec, {
      kind: 'theme_day', starts_at: iso(Date.now() - 5 * 3600 * 1000), ends_at: iso(Date.now() - 4 * 3600 * 1000),
    });
    await sec.post(`/api/v1/activities/${past.id}/notice`);
    const { body: pqr } = await sec.get(`/api/v1/activities/${past.id}/qr`);
    assert.equal(pqr.open, false);
    const late = await mem.post(`/api/v1/activities/${past.id}/checkin`, { token: pqr.token });
    assert.equal(late.status, 410);
    assert.equal(late.body.error.code, 'closed');
    // ...but the secretary may still record the paper sign-in sheet
    assert.equal((await sec.post(`/api/v1/activities/${past.id}/checkin`, { person_id: PERSON.memberA })).status, 201);
  } finally {
    await srv.stop();
  }
});


async function checkin(url, id, s, token) {
  const r = await fetch(`${url}/api/v1/activities/${id}/checkin`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return { status: r.status, body: await r.json() };
}

test('concurrency: 200 parallel scans of one member give one record; 2,000 members give 2,000', async () => {
  const { srv, as } = await setup();
  try {
    const members = seedMembers(srv.db, 1000, 2000);
    const sec = await as('sec-b');
    const a = await createActivity(sec, { org_id: ORG.branchB, kind: 'party_lecture', title: '专题党课', study_hours: 1.5 });
    assert.equal(a.expected_count, 2003, 'the 2,000 plus persons 7, 8, 9');
    await sec.post(`/api/v1/activities/${a.id}/notice`);
    const { body: qr } = await sec.get(`/api/v1/activities/${a.id}/qr`);

    const one = members[0];
    const same = await Promise.all(Array.from({ length: 200 }, () => checkin(srv.url, a.id, one, qr.token)));
    const created = same.filter((r) => r.status === 201).length;
    const already = same.filter((r) => r.status === 200 && r.body.message === '已签到').length;
    assert.equal(created, 1, JSON.stringify(same.filter((r) => r.status !== 200 && r.status !== 201).slice(0, 3)));
    assert.equal(already, 199);
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM attendance WHERE activity_id = ${a.id};`).trim(), '1');

    const token = (await sec.get(`/api/v1/activities/${a.id}/qr`)).body.token;
    const statuses = {};
    for (let i = 0; i < members.length; i += 250) {
      const part = await Promise.all(members.slice(i, i + 250).map((m) => checkin(srv.url, a.id, m, token)));
      for (const r of part) statuses[r.status] = (statuses[r.status] || 0) + 1;
    }
    assert.deepEqual(statuses, { 201: 1999, 200: 1 });
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM attendance WHERE activity_id = ${a.id};`).trim(), '2000');
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM life_events WHERE activity_id = ${a.id} AND kind = 'attendance';`).trim(), '2000');

    // closing turns the lecture's 1.5 学时 into one event per person present
    await sec.post(`/api/v1/activities/${a.id}/hold`);
    await sec.patch(`/api/v1/activities/${a.id}`, { minutes: '讲授了……' });
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/close`)).status, 200);
    assert.equal(sql(srv.db, `SELECT COUNT(*) || ' ' || CAST(SUM(quantity) AS INTEGER) FROM life_events WHERE activity_id = ${a.id} AND kind = 'study_hours';`).trim(), '2000 3000');
  } finally {
    await srv.stop();
  }
});

test('compliance matrix: done, missing and not_due per org, requirement and period; counts by kind', async () => {
  const { srv, as } = await setup();
  try {
    const sec = await as('sec-a');
    const committee = await as('committee');
    const thisYear = Number(new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 4));
    const last = thisYear - 1;
    // Last year: a 支部党员大会 at 23:30 on 31 March Shanghai time (still Q1: 15:30Z), a theme day in
    // January, and one 党小组会 of the branch's group in May.
    const held = async (fields) => {
      const a = await createActivity(sec, fields);
      assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 200);
      assert.equal((await sec.post(`/api/v1/activities/${a.id}/hold`)).status, 200);
      return a;
    };
    const q1 = await held({ kind: 'branch_assembly', starts_at: `${last}-03-31T23:30:00+08:00`, ends_at: `${last}-03-31T23:59:59+08:00` });
    // 1 April 00:00 Shanghai is 31 March 16:00 UTC: it belongs to Q2
    const q2 = await held({ kind: 'branch_assembly', starts_at: `${last}-03-31T16:00:00Z`, ends_at: `${last}-03-31T17:00:00Z` });
    await held({ kind: 'theme_day', starts_at: `${last}-01-15T09:00:00+08:00`, ends_at: `${last}-01-15T11:00:00+08:00` });
    await held({ kind: 'group_meeting', org_id: ORG.groupA, starts_at: `${last}-05-10T09:00:00+08:00`, ends_at: `${last}-05-10T10:00:00+08:00` });
    // planned but never held: does not count
    await createActivity(sec, { kind: 'theme_day', starts_at: `${last}-02-15T09:00:00+08:00`, ends_at: `${last}-02-15T11:00:00+08:00` });

    const r = await committee.get(`/api/v1/compliance?org=${ORG.committee}&year=${last}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.orgs.map((o) => o.org_id), [ORG.branchA, ORG.branchB], 'party branches of the subtree');
    const A = r.body.orgs[0];
    const req = (code) => A.requirements.find((q) => q.code === code);
    const cell = (code, period) => req(code).periods.find((p) => p.period === period);
    assert.equal(cell('branch_assembly', `${last}-Q1`).status, 'done');
    assert.deepEqual(cell('branch_assembly', `${last}-Q1`).activities.map((x) => x.id), [q1.id]);
    assert.deepEqual(cell('branch_assembly', `${last}-Q2`).activities.map((x) => x.id), [q2.id]);
    assert.equal(cell('branch_assembly', `${last}-Q3`).status, 'missing');
    assert.equal(cell('theme_day', `${last}-01`).status, 'done');
    assert.equal(cell('theme_day', `${last}-02`).status, 'missing');
    assert.equal(cell('group_meeting', `${last}-05`).status, 'done', 'the group\'s meeting counts for its branch');
    assert.equal(req('group_meeting').freq, 'month');
    assert.equal(cell('org_life_meeting', `${last}`).status, 'missing');
    assert.equal(cell('study_hours', `${last}`).status, 'missing');
    assert.equal(req('party_lecture').freq, 'quarter');
    // branch B has no 党小组: no group_meeting requirement
    assert.equal(r.body.orgs[1].requirements.some((q) => q.code === 'group_meeting'), false);
    // the subtree is read at once and each branch takes its own part: nothing of A's counts for B,
    // and each 学时 cell lists its own branch's members
    const B0 = r.body.orgs[1];
    const idsB = B0.requirements.flatMap((q) => q.periods.flatMap((p) => p.activities.map((x) => x.id)));
    assert.ok(![q1.id, q2.id].some((id) => idsB.includes(id)), JSON.stringify(idsB));
    const studyOf = (o) => o.requirements.find((q) => q.code === 'study_hours').periods[0].members.map((m) => m.person_id);
    const [mA, mB] = [studyOf(A), studyOf(B0)];
    assert.ok(mA.length > 0 && mB.length > 0, JSON.stringify([mA, mB]));
    assert.ok(!mA.some((p) => mB.includes(p)), JSON.stringify([mA, mB]));
    assert.deepEqual(mA, [...mA].sort((x, y) => x - y), 'members by id');

    // this year: the current quarter is not due yet, whatever happened
    const cur = await committee.get(`/api/v1/compliance?org=${ORG.branchB}&year=${thisYear}`);
    const B = cur.body.orgs[0];
    const nowQ = Math.floor(Number(new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(5, 7)) - 1) / 3 + 1;
    const curQ = B.requirements.find((q) => q.code === 'branch_assembly').periods[Math.floor(nowQ) - 1];
    assert.equal(curQ.status, 'not_due');
    assert.equal(B.requirements.find((q) => q.code === 'study_hours').periods[0].status, 'not_due');

    // scope: a branch secretary sees only their branch
    assert.equal((await sec.get(`/api/v1/compliance?org=${ORG.branchB}&year=${last}`)).status, 403);
    assert.equal((await sec.get(`/api/v1/compliance?org=${ORG.branchA}&year=1800`)).status, 400);

    const counts = await committee.get(`/api/v1/activities/counts?org=${ORG.committee}&year=${last}`);
    assert.equal(counts.status, 200);
    assert.equal(counts.body.total, 4);
    assert.equal(counts.body.by_kind.find((k) => k.kind === 'branch_assembly').count, 2);
    assert.equal(counts.body.by_month[0], 1);
    assert.equal(counts.body.by_quarter.reduce((x, y) => x + y, 0), 4);
  } finally {
    await srv.stop();
  }
});

test('a secretary is reminded of a requirement still missing near the end of its period; members see their year', async () => {
  const { srv, as } = await setup();
  try {
    // warn 40 days ahead so that the current month's requirements always fall in the window
    sql(srv.db, "UPDATE settings SET value = '40' WHERE key = 'life.todo_warn_days';");
    const sec = await as('sec-a');
    const todos = await sec.get('/api/v1/todos');
    assert.equal(todos.status, 200);
    const missing = todos.body.items.filter((t) => t.kind === 'requirement_missing' && t.org_id === ORG.branchA);
    assert.ok(missing.some((t) => t.link.requirement === 'theme_day'), JSON.stringify(todos.body.items));
    assert.ok(!todos.body.items.some((t) => t.org_id === ORG.branchB), 'only their own branch');
    // members get no requirement items
    const mem = await as('member-a');
    const mine = await mem.get('/api/v1/todos');
    assert.equal(mine.body.items.filter((t) => t.kind === 'requirement_missing').length, 0);

    // my year: attendance and study hours
    // it starts three seconds ago (the server's clock may be a second behind the tests': a start in its future
    // cannot be held), not five minutes ago: just after midnight on 1 January that would be last year's study
    const yearStart = Date.UTC(shanghaiToday().year, 0, 1) - 8 * 3600e3;
    const a = await createActivity(sec, { kind: 'study_session', title: '理论学习', study_hours: 2.5,
      starts_at: iso8(Math.max(Date.now() - 3000, yearStart)) });
    await sec.post(`/api/v1/activities/${a.id}/notice`);
    const { body: qr } = await sec.get(`/api/v1/activities/${a.id}/qr`);
    assert.equal((await mem.post(`/api/v1/activities/${a.id}/checkin`, { token: qr.token })).status, 201);
    await sec.post(`/api/v1/activities/${a.id}/hold`);
    await sec.patch(`/api/v1/activities/${a.id}`, { minutes: '学习了……' });
    await sec.post(`/api/v1/activities/${a.id}/close`);
    // the points module turns the attendance and the 学时 into points shortly after (group commit's follow-up)
    let awards = '';
    for (let i = 0; i < 150 && !awards.includes('study_hours'); i++) { // up to 30 s on a loaded machine
      await new Promise((r) => setTimeout(r, 200));
      awards = sql(srv.db, `SELECT source_type FROM points_ledger WHERE person_id = ${PERSON.memberA} AND source_id = ${a.id} ORDER BY source_type;`).trim();
    }
    assert.ok(awards.split('\n').includes('study_hours'), 'the 学时 became points');
    assert.equal(sql(srv.db, `SELECT COUNT(*) FROM life_events e WHERE e.activity_id = ${a.id} AND NOT EXISTS (SELECT 1 FROM points_events_done d WHERE d.event_id = e.id);`).trim(), '0', 'every event was consumed');
    const me = await mem.get('/api/v1/life/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.study_hours, 2.5);
    assert.equal(me.body.study_hours_min, 32);
    assert.equal(me.body.present, 1);
    const list = await mem.get('/api/v1/activities?mine=1');
    assert.deepEqual(list.body.items.map((x) => x.id), [a.id]);
    assert.equal((await mem.get('/api/v1/activity-kinds')).body.items.length, 17);
  } finally {
    await srv.stop();
  }
});

test('the demo agency has a living year: 31 中心组 sessions on the committee, a matrix with red in it', async () => {
  const srv = await startServer({ demo: true });
  try {
    const c = srv.client();
    await c.login('demo-committee');
    const today = shanghaiToday();
    // last year in full, whatever day the demo is loaded on
    const last = today.year - 1;
    let counts = await c.get(`/api/v1/activities/counts?org=1&year=${last}`);
    assert.equal(counts.status, 200);
    assert.equal(counts.body.by_org.find((o) => o.org_id === 1).by_kind.study_session, 31, JSON.stringify(counts.body));
    const m = await c.get(`/api/v1/compliance?org=1&year=${last}`);
    assert.equal(m.status, 200);
    assert.ok(m.body.orgs.length >= 1);
    const cells = m.body.orgs.flatMap((o) => o.requirements.flatMap((q) => q.periods));
    const done = cells.filter((p) => p.status === 'done').length;
    const missing = cells.filter((p) => p.status === 'missing').length;
    assert.ok(done > missing, `${done} done, ${missing} missing`);
    assert.ok(missing > 0, 'a few requirements are missing on purpose');
    // and this year up to today: the 31 sessions once the year is a fortnight old
    counts = await c.get(`/api/v1/activities/counts?org=1&year=${today.year}`);
    assert.equal(counts.status, 200);
    const committee = counts.body.by_org.find((o) => o.org_id === 1);
    if (today.date >= `${today.year}-01-15`) assert.equal(committee.by_kind.study_session, 31, JSON.stringify(committee));
    // every attendance has its event for points
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM attendance a WHERE NOT EXISTS (SELECT 1 FROM life_events e WHERE e.person_id = a.person_id AND e.activity_id = a.activity_id AND e.kind = 'attendance');").trim(), '0');
  } finally {
    await srv.stop();
  }
});
