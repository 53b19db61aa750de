// Regulation fidelity of organisational life (issue 11, rules 1–4), each at its boundary:
// the quorum of a 支部党员大会 counts the branch's voting full members on the meeting's date
// whoever was invited, with 留党察看 and probationary members out and the committee's recorded
// exclusions shown; a branch without a committee owes no 支委会; 谈心谈话 is owed by each
// committee member; periods before set-up (and after dissolution) are not applicable in the
// matrix, the cockpit's heatmap and the assessment.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate, shanghaiToday, iso8 } from '../lib/clock.mjs';

const MIN = 60 * 1000;

async function setup() {
  const srv = await startServer();
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  return { srv, as };
}

/** Adds full members to branch A (org 2) with ids from 11; returns their ids. */
function addFullMembers(db, n, extra = () => '') {
  const ids = [];
  const rows = [];
  for (let i = 0; i < n; i++) {
    const id = 11 + i;
    ids.push(id);
    rows.push(`(${id}, '党员${id}', '1390000${String(id).padStart(4, '0')}', ${ORG.branchA}, 'full', '2010-07-01', '2011-07-01', ${extra(id) || 'NULL, NULL'}, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  }
  sql(db, `INSERT INTO people (id, name, phone, org_id, party_status, joined_on, full_on, observation_from, observation_until, created_at, updated_at) VALUES ${rows.join(',\n')};`);
  if (db.startsWith('postgresql://')) sql(db, "SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people));");
  return ids;
}

test('rule 1: the quorum is the branch\'s voting full members on the day, not the invitation list', async () => {
  const { srv, as } = await setup();
  try {
    // branch A: full members 1, 2, 3 (in its group), 6, and 11–17; 17 is under 留党察看 today;
    // 16 became full only after the meeting's date; 4 is probationary
    addFullMembers(srv.db, 7, (id) => (id === 17 ? `'${shanghaiDate(-100)}', '${shanghaiDate(265)}'`
      : id === 15 ? `'${shanghaiDate(-800)}', '${shanghaiDate(-400)}'` : ''));
    sql(srv.db, `UPDATE people SET full_on = '${shanghaiDate(3)}' WHERE id = 16;`);
    const sec = await as('sec-a');
    const now = Date.now();
    // the invitation narrowed to four
    const r0 = await sec.post('/api/v1/activities', {
      org_id: ORG.branchA, kind: 'branch_assembly', title: '支部党员大会（表决）', place: '会议室',
      starts_at: iso8(now - 5 * MIN), ends_at: iso8(now + 55 * MIN), expected_person_ids: [1, 2, 3, 6],
    });
    assert.equal(r0.status, 201, r0.text);
    const a = r0.body;
    assert.equal(a.expected_count, 4);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 200);
    for (const pid of [1, 2, 3]) {
      const r = await sec.post(`/api/v1/activities/${a.id}/checkin`, { person_id: pid });
      assert.equal(r.status, 201, r.text);
    }
    let q = (await sec.get(`/api/v1/activities/${a.id}/attendance`)).body.quorum;
    // roll: 1, 2, 3, 6, 11, 12, 13, 14, 15 (his 察看 ended long ago) — not 16 (full after the day), not 17
    assert.equal(q.roll, 9);
    assert.deepEqual(q.members.map((m) => m.person_id), [1, 2, 3, 6, 11, 12, 13, 14, 15]);
    assert.equal(q.voting_members, 9);
    assert.equal(q.present_voting, 3);
    assert.equal(q.needed, 5);
    assert.equal(q.met, false, '3 of the 4 invited is not a quorum of 9');
    assert.match(q.statement, /应到有表决权的正式党员9人，实到3人，未超过半数/);
    assert.equal(q.members.find((m) => m.person_id === 11).expected, false);
    const why = Object.fromEntries(q.not_voting.map((m) => [m.person_id, m.why]));
    assert.deepEqual(why, { 4: 'probationary', 16: 'probationary', 17: 'observation' });

    // leaving someone out needs an accepted reason and a note; only roll members; only managers
    const url = `/api/v1/activities/${a.id}/quorum/exclusions`;
    for (const [body, field] of [[{ person_id: 11, reason: 'holiday', note: '休假' }, 'reason'],
      [{ person_id: 11, reason: 'abroad' }, 'note'], [{ person_id: 11, reason: 'abroad', note: '   ' }, 'note'],
      [{ person_id: 17, reason: 'illness', note: '支委会同意' }, 'person_id'],
      [{ person_id: 4, reason: 'illness', note: '支委会同意' }, 'person_id']]) {
      const r = await sec.post(url, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.error.field, field);
    }
    const other = await sec.post(url, { person_id: PERSON.memberB, reason: 'abroad', note: '支委会同意' });
    assert.ok(other.status === 403 || other.status === 400, other.text);
    const mem = await as('member-a');
    assert.equal((await mem.post(url, { person_id: 11, reason: 'abroad', note: '支委会同意' })).status, 403);
    assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM activity_quorum_exclusions;').trim(), '0');

    // the committee agreed: 12 is abroad for a year, 13 is long ill
    let r = await sec.post(url, { person_id: 12, reason: 'abroad', note: '2026年9月起赴外进修一年，经支委会研究同意不计入' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.items[0].reason_label, '出国（境）半年以上');
    assert.equal((await sec.post(url, { person_id: 12, reason: 'abroad', note: '再次' })).status, 409);
    r = await sec.post(url, { person_id: 13, reason: 'illness', note: '长期住院治疗，经支委会研究同意不计入' });
    assert.equal(r.status, 201);
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'quorum' AND action = 'exclude';").trim(), '2');
    q = (await sec.get(`/api/v1/activities/${a.id}/attendance`)).body.quorum;
    assert.equal(q.voting_members, 7);
    assert.equal(q.excluded, 2);
    assert.equal(q.needed, 4);
    assert.equal(q.met, false);
    assert.match(q.statement, /另有2人经支部委员会同意不计入应到人数/);
    assert.equal(q.exclusions.length, 2);
    // a member reading the sheet sees who was left out, not the committee's notes nor who has no vote
    const memSheet = (await mem.get(`/api/v1/activities/${a.id}/attendance`)).body.quorum;
    assert.equal(memSheet.exclusions[0].note, undefined);
    assert.equal(memSheet.not_voting, undefined);

    // a voting member not on the invitation may still sign in (and counts)
    r = await sec.post(`/api/v1/activities/${a.id}/checkin`, { person_id: 14 });
    assert.equal(r.status, 201, r.text);
    q = (await sec.get(`/api/v1/activities/${a.id}/attendance`)).body.quorum;
    assert.equal(q.present_voting, 4);
    assert.equal(q.met, true, '4 of 7 is more than half');
    // one left out who came anyway counts again: 13 arrives, the denominator is 8, 5 present
    r = await sec.post(`/api/v1/activities/${a.id}/checkin`, { person_id: 13 });
    assert.equal(r.status, 201);
    q = (await sec.get(`/api/v1/activities/${a.id}/attendance`)).body.quorum;
    assert.deepEqual([q.voting_members, q.present_voting, q.met], [8, 5, true]);
    // taking 12's exclusion back: 9 voting, 5 present — still more than half
    r = await sec.del(`${url}/12`);
    assert.equal(r.status, 204, r.text);
    q = (await sec.get(`/api/v1/activities/${a.id}/attendance`)).body.quorum;
    assert.deepEqual([q.voting_members, q.present_voting, q.needed, q.met], [9, 5, 5, true]);
    assert.equal((await sec.del(`${url}/12`)).status, 404);

    // closing keeps the roll as it stood: a later transfer does not rewrite the meeting
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/hold`)).status, 200);
    assert.equal((await sec.patch(`/api/v1/activities/${a.id}`, { minutes: `会议记录。${q.statement}` })).status, 200);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/close`)).status, 200);
    sql(srv.db, `UPDATE people SET org_id = ${ORG.branchB} WHERE id IN (11, 12);`);
    q = (await sec.get(`/api/v1/activities/${a.id}/attendance`)).body.quorum;
    assert.equal(q.frozen, true);
    assert.deepEqual([q.roll, q.voting_members, q.present_voting], [9, 9, 5]);
    assert.equal((await sec.post(url, { person_id: 14, reason: 'abroad', note: '补登' })).status, 409);
  } finally {
    await srv.stop();
  }
});

test('rule 1: 留党察看 is kept on the person, with its dates, validated and private', async () => {
  const { srv, as } = await setup();
  try {
    const com = await as('committee');
    let r = await com.patch('/api/v1/people/6', { observation_from: shanghaiDate(-10), observation_until: shanghaiDate(-20) });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'observation_until');
    r = await com.patch('/api/v1/people/4', { observation_from: shanghaiDate(-10) });
    assert.equal(r.status, 400, 'a probationary member is never under 留党察看');
    assert.equal(r.body.error.field, 'observation_from');
    r = await com.patch('/api/v1/people/6', { observation_from: shanghaiDate(-10), observation_until: shanghaiDate(355) });
    assert.equal(r.status, 200, r.text);
    r = await com.get('/api/v1/people/6');
    assert.equal(r.body.under_observation, true);
    assert.equal(r.body.observation_from, shanghaiDate(-10));
    // the leader reads the roster without private data: the flag, not the dates
    const leader = await as('leader');
    r = await leader.get('/api/v1/people/6');
    assert.equal(r.body.under_observation, true);
    assert.equal(r.body.observation_from, undefined);
  } finally {
    await srv.stop();
  }
});

const reqOf = (org, code) => org.requirements.find((q) => q.code === code);

test('rule 2: a 支委会 is owed only by a branch that has a committee (set up, or 7 full members)', async () => {
  const { srv, as } = await setup();
  try {
    const com = await as('committee');
    const { year } = shanghaiToday();
    const matrix = async () => {
      const r = await com.get(`/api/v1/compliance?org=${ORG.committee}&year=${year}`);
      assert.equal(r.status, 200, r.text);
      return Object.fromEntries(r.body.orgs.map((o) => [o.org_id, o]));
    };
    let m = await matrix();
    // branch A: 4 full members, branch B: 3 — a secretary each, no committee
    assert.equal(m[ORG.branchA].has_committee, false);
    assert.equal(reqOf(m[ORG.branchA], 'committee_meeting'), undefined);
    assert.equal(reqOf(m[ORG.branchB], 'committee_meeting'), undefined);
    assert.ok(reqOf(m[ORG.branchB], 'theme_day'));
    // B sets up a committee of three: now it owes one a month
    let r = await com.patch(`/api/v1/orgs/${ORG.branchB}`, { officers: [{ post: 'secretary', person_id: 7 },
      { post: 'organization', person_id: 8 }, { post: 'discipline', person_id: 9 }] });
    assert.equal(r.status, 200, r.text);
    // A reaches 7 full members (6 is the boundary: still none)
    addFullMembers(srv.db, 2);
    m = await matrix();
    assert.equal(m[ORG.branchA].full_members, 6);
    assert.equal(reqOf(m[ORG.branchA], 'committee_meeting'), undefined);
    assert.equal(reqOf(m[ORG.branchB], 'committee_meeting').periods.length, 12);
    sql(srv.db, "INSERT INTO people (id, name, org_id, party_status, joined_on, full_on, created_at, updated_at) VALUES (20, '第七名', 2, 'full', '2010-07-01', '2011-07-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');");
    m = await matrix();
    assert.equal(m[ORG.branchA].full_members, 7);
    assert.equal(m[ORG.branchA].has_committee, true);
    assert.ok(reqOf(m[ORG.branchA], 'committee_meeting'));
    // and the orgs module's no_committee warning speaks for it
    r = await com.get(`/api/v1/orgs/${ORG.branchA}`);
    assert.ok(r.body.warnings.some((w) => w.code === 'no_committee'));
  } finally {
    await srv.stop();
  }
});

test('rule 3: 谈心谈话 is owed by each committee member, and the matrix names who has not talked', async () => {
  const { srv, as } = await setup();
  try {
    const com = await as('committee');
    const sec = await as('sec-b');
    const last = shanghaiToday().year - 1;
    let r = await com.patch(`/api/v1/orgs/${ORG.branchB}`, { officers: [{ post: 'secretary', person_id: 7 },
      { post: 'organization', person_id: 8 }, { post: 'discipline', person_id: 9 }] });
    assert.equal(r.status, 200, r.text);
    const cell = async () => {
      const x = await com.get(`/api/v1/compliance?org=${ORG.branchB}&year=${last}`);
      assert.equal(x.status, 200, x.text);
      return reqOf(x.body.orgs[0], 'heart_talk').periods[0];
    };
    let c = await cell();
    assert.equal(c.status, 'missing');
    assert.deepEqual([c.members_total, c.members_met], [3, 0]);
    // the secretary talks with member 10 last June (held by 7, 10 attends)
    const talk = async (host, attend, month) => {
      const t = Date.parse(`${last}-${month}-10T10:00:00+08:00`);
      const a = await sec.post('/api/v1/activities', { org_id: ORG.branchB, kind: 'heart_talk', title: '谈心谈话',
        place: '书记办公室', starts_at: iso8(t), ends_at: iso8(t + 60 * MIN), host_person_id: host, expected_person_ids: [host, ...attend] });
      assert.equal(a.status, 201, a.text);
      assert.equal((await sec.post(`/api/v1/activities/${a.body.id}/notice`)).status, 200);
      for (const p of attend) assert.equal((await sec.post(`/api/v1/activities/${a.body.id}/checkin`, { person_id: p })).status, 201);
      assert.equal((await sec.post(`/api/v1/activities/${a.body.id}/hold`)).status, 200);
    };
    await talk(7, [10], '06');
    c = await cell();
    assert.equal(c.status, 'missing', 'one talk for the branch is not enough any more');
    assert.deepEqual([c.members_total, c.members_met], [3, 1]);
    const who = Object.fromEntries(c.members.map((x) => [x.person_id, x.talks]));
    assert.deepEqual(who, { 7: 1, 8: 0, 9: 0 });
    assert.equal(c.members.find((x) => x.person_id === 8).post_label, '组织委员');
    // the 组织委员 holds one in which the 纪检委员 takes part: all three have talked
    await talk(8, [9], '09');
    c = await cell();
    assert.equal(c.status, 'done');
    assert.deepEqual([c.members_total, c.members_met], [3, 3]);
  } finally {
    await srv.stop();
  }
});

test('rule 4: periods before set-up are not applicable in the matrix, the heatmap and the assessment', async () => {
  const { srv, as } = await setup();
  try {
    const com = await as('committee');
    const last = shanghaiToday().year - 1;
    let r = await com.patch(`/api/v1/orgs/${ORG.branchB}`, { set_up_on: `${last}-11-01` });
    assert.equal(r.status, 200, r.text);
    r = await com.get(`/api/v1/compliance?org=${ORG.branchB}&year=${last}`);
    const b = r.body.orgs[0];
    assert.deepEqual(reqOf(b, 'branch_assembly').periods.map((p) => p.status),
      ['not_applicable', 'not_applicable', 'not_applicable', 'missing']);
    const months = reqOf(b, 'theme_day').periods.map((p) => p.status);
    assert.deepEqual(months.slice(0, 10), Array(10).fill('not_applicable'));
    assert.deepEqual(months.slice(10), ['missing', 'missing']);
    // a year wholly before the set-up: the branch is not in the matrix at all
    r = await com.get(`/api/v1/compliance?org=${ORG.committee}&year=${last - 1}`);
    assert.deepEqual(r.body.orgs.map((o) => o.org_id), [ORG.branchA]);

    // the assessment counts only the applicable periods: Q4's 党员大会 and 党课, Nov and Dec 主题党日
    r = await com.post('/api/v1/assessment/schemes', { name: '落实率', indicators: [
      { code: 'compliance', name: '三会一课落实率', kind: 'computed', provider: 'compliance', max_score: 100, target: 1 }] });
    assert.equal(r.status, 201, r.text);
    r = await com.post('/api/v1/assessment/periods', { scheme_id: r.body.id, kind: 'year', year: last });
    assert.equal(r.status, 201, r.text);
    const period = r.body;
    assert.equal((await com.post(`/api/v1/assessment/periods/${period.id}/compute`)).status, 200);
    r = await com.get(`/api/v1/assessment/periods/${period.id}/results/${ORG.branchB}`);
    assert.equal(r.status, 200, r.text);
    const comp = r.body.result.indicators.find((i) => i.code === 'compliance');
    assert.equal(comp.detail, '落实 0 / 4 项次');
    assert.equal(comp.evidence.records.filter((x) => x.status === 'not_applicable').length, 3 + 3 + 10);
    assert.equal(comp.evidence.records.filter((x) => x.status === 'missing').length, 4);

    // the cockpit's heatmap: a branch to be set up next month has nothing owed this month
    r = await com.patch(`/api/v1/orgs/${ORG.branchB}`, { set_up_on: shanghaiDate(40) });
    assert.equal(r.status, 200);
    r = await com.get('/api/v1/dashboard');
    assert.equal(r.status, 200);
    const row = r.body.compliance.branches.find((x) => x.org_id === ORG.branchB);
    const { month } = shanghaiToday();
    assert.equal(row.cells[month - 1].status, 'not_applicable');
    assert.ok(!r.body.warnings.items.some((w) => w.kind === 'compliance_missing' && w.org_id === ORG.branchB));
  } finally {
    await srv.stop();
  }
});
