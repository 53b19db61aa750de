// The smaller items of issue 12 (item 8): cursors that would overflow, spreadsheet
// formulas in CSV exports, Content-Security-Policy and HSTS, what a member sees of an
// attendance sheet, a check-in to an activity the member cannot see, reads and
// exports of private data on the record.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';

let srv;
const as = async (login) => { const c = srv.client(); await c.login(login, PASSWORD); return c; };
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

test.before(async () => { srv = await startServer(); seedAgency(srv.db); });
test.after(async () => { await srv.stop(); });

test('a cursor past any list is refused, not overflowed', async () => {
  const com = await as('committee');
  for (const p of ['/api/v1/points/rankings', '/api/v1/points/ledger', `/api/v1/people`, '/api/v1/activities',
    '/api/v1/points/claims']) {
    const q = p.includes('ledger') ? `?person=${PERSON.memberA}&` : '?';
    for (const cursor of ['9223372036854775807', '9223372036854775808', '1000000001']) {
      const r = await com.get(`${p}${q}cursor=${cursor}`);
      assert.equal(r.status, 400, `${p} ${cursor}: ${r.text}`);
      assert.equal(r.body.error.field, 'cursor');
    }
  }
  // the largest cursor there can be: an empty page, and no next one (computed without overflow)
  const ok = await com.get('/api/v1/people?cursor=1000000000');
  assert.equal(ok.status, 200);
  assert.equal(ok.body.next, null);
  if (!srv.db.startsWith('postgresql://')) { // the points module's queries run on SQLite only so far (issue 20)
    const rk = await com.get('/api/v1/points/rankings?cursor=1000000000');
    assert.equal(rk.status, 200);
    assert.equal(rk.body.next, null);
  }
  const auditor = await as('auditor');
  assert.equal((await auditor.get('/api/v1/audit?cursor=9223372036854775807')).status, 200, 'an id cursor: nothing below it is missed');
  assert.equal((await auditor.get('/api/v1/audit?cursor=9223372036854775808')).status, 400);
});

test('CSV exports write cells that look like formulas as text (OWASP CSV injection)', async () => {
  const com = await as('committee');
  for (const [name, job] of [['=HYPERLINK("http://evil.example","点我")', '+SUM(1,2)'], ['@cmd', '-2+3']]) {
    const r = await com.post('/api/v1/people', { name, job_post: job, org_id: ORG.branchA });
    assert.equal(r.status, 201, r.text);
  }
  const csv = await com.get('/api/v1/people/export?format=csv');
  assert.equal(csv.status, 200);
  assert.ok(csv.text.includes(`"'=HYPERLINK(""http://evil.example"",""点我"")"`), csv.text.slice(0, 400));
  assert.ok(csv.text.includes(`"'+SUM(1,2)"`));
  assert.ok(csv.text.includes(`"'@cmd"`));
  assert.ok(csv.text.includes(`"'-2+3"`));
  for (const line of csv.text.split('\r\n')) {
    for (const cell of line.split(',')) assert.ok(!/^[=+\-@]/.test(cell), `a live formula: ${cell}`);
  }
});

test('Content-Security-Policy on every answer; HSTS only with an https public address', async () => {
  for (const p of ['/api/v1/health', '/admin/', '/m/']) {
    const r = await srv.client().get(p);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/, p);
    assert.match(csp, /script-src 'self'(;|$)/, p);
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.equal(r.headers.get('strict-transport-security'), null);
  }
  const tls = await startServer({ args: ['--public-url', 'https://dj.example.gov.cn'] });
  try {
    const r = await tls.client().get('/api/v1/health');
    assert.match(r.headers.get('strict-transport-security'), /^max-age=31536000/);
  } finally {
    await tls.stop();
  }
});

test('a member sees their own line and the totals of an attendance sheet; the secretary all of it', async () => {
  const sec = await as('sec-a');
  const made = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'branch_assembly', title: '支部党员大会', place: '会议室',
    starts_at: iso(Date.now() - 600e3), ends_at: iso(Date.now() + 3000e3),
  });
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  assert.equal((await sec.post(`/api/v1/activities/${id}/notice`)).status, 200);
  assert.equal((await sec.post(`/api/v1/activities/${id}/checkin`, { person_id: PERSON.secA })).status, 201);
  const mem = await as('member-a');
  assert.equal((await mem.post(`/api/v1/activities/${id}/leave`, { reason: '住院治疗' })).status, 201);
  const full = await sec.get(`/api/v1/activities/${id}/attendance`);
  assert.equal(full.status, 200);
  assert.ok(full.body.people.length >= 4);
  const own = await mem.get(`/api/v1/activities/${id}/attendance`);
  assert.equal(own.status, 200);
  assert.deepEqual(own.body.people.map((p) => p.person_id), [PERSON.memberA]);
  assert.equal(own.body.people[0].leave_reason, undefined, 'not even one\'s own reason travels back to the sheet');
  assert.deepEqual(own.body.summary, full.body.summary, 'the totals are the same');
  // the leader, who supervises, sees the sheet without the reasons for leave
  const leader = await as('leader');
  const sup = await leader.get(`/api/v1/activities/${id}/attendance`);
  assert.equal(sup.body.people.length, full.body.people.length);
  assert.ok(sup.body.people.every((p) => p.leave_reason === undefined));
});

test('a check-in to an activity the member cannot see answers 404, whatever its state', async () => {
  const secB = await as('sec-b');
  const planned = await secB.post('/api/v1/activities', {
    org_id: ORG.branchB, kind: 'theme_day', title: '主题党日（草稿）', place: '会议室',
    starts_at: iso(Date.now() + 600e3), ends_at: iso(Date.now() + 4000e3),
  });
  assert.equal(planned.status, 201);
  // another branch's member: as if it did not exist (it answered 409 "not yet noticed")
  const mem = await as('member-a');
  const r = await mem.post(`/api/v1/activities/${planned.body.id}/checkin`, { token: '0123456789abcdef0123' });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.field, 'id');
  // a draft is not visible to the branch's own members either
  const memB = await as('member-b');
  assert.equal((await memB.post(`/api/v1/activities/${planned.body.id}/checkin`, { token: '0123456789abcdef0123' })).status, 404);
  // noticed, it is theirs: now a wrong code is the answer
  assert.equal((await secB.post(`/api/v1/activities/${planned.body.id}/notice`)).status, 200);
  const seen = await memB.post(`/api/v1/activities/${planned.body.id}/checkin`, { token: '0123456789abcdef0123' });
  assert.notEqual(seen.status, 404);
  assert.equal((await mem.post(`/api/v1/activities/${planned.body.id}/checkin`, { token: '0123456789abcdef0123' })).status, 404);
});

test('reads and exports of private data are on the record', async () => {
  const sec = await as('sec-a');
  assert.equal((await sec.get(`/api/v1/people/${PERSON.memberA}`)).status, 200);
  assert.equal((await sec.get('/api/v1/people')).status, 200);
  assert.equal((await sec.get('/api/v1/people/export?format=xlsx')).status, 200);
  const mem = await as('member-a');
  assert.equal((await mem.get(`/api/v1/people/${PERSON.memberA}`)).status, 200, 'one\'s own record');
  const q = (action, who) => Number(sql(srv.db,
    `SELECT COUNT(*) FROM audit WHERE action = '${action}' AND entity = 'person' AND login = '${who}';`).trim());
  assert.ok(q('read_private', 'sec-a') >= 2);
  assert.equal(q('export', 'sec-a'), 1);
  assert.equal(q('read_private', 'member-a'), 0);
  const one = sql(srv.db, `SELECT entity_id FROM audit WHERE action = 'read_private' AND login = 'sec-a' AND entity_id > 0;`).trim();
  assert.equal(one, String(PERSON.memberA));
});
