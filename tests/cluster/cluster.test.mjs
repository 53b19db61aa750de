// Several servers, one database (issue 20): three `dangjian serve` started at the
// same moment on an empty PostgreSQL, Debian's nginx in front. Migrations are
// applied once; a session works on every server and a logout or a password change
// on one ends it on all within a second; one QR check-in sent to two servers at
// once is one attendance and one award; the check-in batch's follow-up runs on one
// server at a time (a cluster-wide lock); sign-in limits hold across servers.
// Run by tests/run through tests/with-pg: tests/with-pg node --test tests/cluster/
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, PASSWORD, Client } from '../lib/server.mjs';
import { startCluster } from '../lib/cluster.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { iso8 } from '../lib/clock.mjs';

const MIN = 60 * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let cl;
test.before(async () => {
  cl = await startCluster({ n: 3 });
  seedAgency(cl.db);
});
test.after(async () => { await cl?.stop(); });

/** The same session (cookie and CSRF token) as `c`, talking to another server. */
function on(node, c) {
  const o = new Client(node.url);
  o.cookie = c.cookie; o.csrf = c.csrf; o.user = c.user;
  return o;
}

async function as(login, url = cl.url) {
  const c = new Client(url);
  await c.login(login);
  return c;
}

/** Polls fn() until it is true; returns the milliseconds it took. */
async function within(ms, fn, what) {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

async function noticedActivity(sec, title) {
  const now = Date.now();
  const r = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'branch_assembly', title,
    starts_at: iso8(now - 5 * MIN), ends_at: iso8(now + 55 * MIN), place: '三楼会议室',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal((await sec.post(`/api/v1/activities/${r.body.id}/notice`)).status, 200);
  return r.body.id;
}

const count = (q) => Number(sql(cl.db, q).trim());

test('three servers started at once on an empty database apply every migration exactly once', () => {
  const files = readdirSync(path.join(ROOT, 'db/migrations')).filter((f) => f.endsWith('.sql') && !f.endsWith('.pg.sql'));
  assert.ok(files.length > 20);
  assert.equal(count('SELECT COUNT(*) FROM schema_migrations;'), files.length);
  assert.equal(count('SELECT COUNT(DISTINCT version) FROM schema_migrations;'), files.length);
  // every server came up, and none of them tried a migration the others had applied
  for (const s of cl.nodes) assert.doesNotMatch(s.stderr, /migration .* failed|cannot take the migration lock/);
});

test('a session made on one server works on the others; a logout ends it everywhere within a second', async () => {
  const c = await as('committee', cl.nodes[0].url);
  for (const s of cl.nodes) assert.equal((await on(s, c).get('/api/v1/session')).status, 200, s.url);
  // every server has the session in its cache now
  assert.equal((await on(cl.nodes[1], c).del('/api/v1/session')).status, 204);
  const took = await within(1100, async () => {
    const rs = await Promise.all(cl.nodes.map((s) => on(s, c).get('/api/v1/session')));
    return rs.every((r) => r.status === 401);
  }, 'the logout reaches every server');
  assert.ok(took <= 1100, `${took} ms`);
});

test('a password changed on one server ends the other sessions on every server within a second', async () => {
  const a = await as('sec-b', cl.nodes[0].url);
  const b = await as('sec-b', cl.nodes[2].url);
  for (const s of cl.nodes) assert.equal((await on(s, b).get('/api/v1/session')).status, 200);
  const r = await on(cl.nodes[1], a).post('/api/v1/session/password', { old_password: PASSWORD, new_password: 'Cluster#New2026' });
  assert.equal(r.status, 204, r.text);
  await within(1100, async () => {
    const rs = await Promise.all(cl.nodes.map((s) => on(s, b).get('/api/v1/session')));
    return rs.every((x) => x.status === 401);
  }, 'the password change reaches every server');
  for (const s of cl.nodes) assert.equal((await on(s, a).get('/api/v1/session')).status, 200, 'the changing session stays');
  // the new password works through nginx, the old one on no server
  for (const s of cl.nodes) assert.equal((await new Client(s.url).post('/api/v1/session', { login: 'sec-b', password: PASSWORD })).status, 401);
  await new Client(cl.url).login('sec-b', 'Cluster#New2026');
});

test('one QR check-in sent to two servers at once: one attendance, one award', async () => {
  const sec = await as('sec-a');
  const mem = await as('member-a');
  const id = await noticedActivity(sec, '集群签到测试');
  const qr = await sec.get(`/api/v1/activities/${id}/qr`);
  assert.equal(qr.status, 200, qr.text);
  const rs = await Promise.all([cl.nodes[0], cl.nodes[1]].map((s) =>
    on(s, mem).post(`/api/v1/activities/${id}/checkin`, { token: qr.body.token })));
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 201], rs.map((r) => r.text).join(' '));
  assert.equal(count(`SELECT COUNT(*) FROM attendance WHERE activity_id = ${id};`), 1);
  const award = `SELECT COUNT(*) FROM points_ledger WHERE person_id = ${PERSON.memberA} AND source_type = 'attendance' AND source_id = ${id};`;
  await within(15000, () => count(award) >= 1, 'the award');
  await sleep(2500); // every server's follow-up has run by now
  assert.equal(count(award), 1);
  assert.equal(count(`SELECT COUNT(*) FROM life_events WHERE activity_id = ${id};`), 1);
});

test('the check-in follow-up runs on one server at a time: held elsewhere, it waits, then awards once', async () => {
  const sec = await as('sec-a');
  const id = await noticedActivity(sec, '集群后台任务测试');
  // someone else (here psql, in the servers' place) holds the batch's cluster-wide lock
  const psql = spawn('psql', ['-X', '-q', '-A', '-t', cl.db], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  psql.stdout.on('data', (d) => { out += d; });
  psql.stdin.write("SELECT 'held', pg_advisory_lock(hashtextextended('dangjian:batch:checkin', 0));\n");
  await within(5000, () => out.includes('held'), 'psql takes the lock');
  try {
    const people = [PERSON.secA, 3, 4, 6];
    const rs = await Promise.all(people.map((p, i) => on(cl.nodes[i % 3], sec).post(`/api/v1/activities/${id}/checkin`, { person_id: p })));
    assert.deepEqual(rs.map((r) => r.status), people.map(() => 201), rs.map((r) => r.text).join(' '));
    await sleep(3000); // past every server's quiet second, twice
    assert.equal(count(`SELECT COUNT(*) FROM points_ledger WHERE source_type = 'attendance' AND source_id = ${id};`), 0,
      'no server awarded while another held the job');
  } finally {
    psql.stdin.end("SELECT pg_advisory_unlock_all();\n");
  }
  const awards = `SELECT COUNT(*) FROM points_ledger WHERE source_type = 'attendance' AND source_id = ${id};`;
  await within(8000, () => count(awards) >= 4, 'the awards once the lock is free');
  await sleep(2500);
  assert.equal(count(awards), 4);
  assert.equal(count(`SELECT COUNT(*) FROM (SELECT person_id FROM points_ledger WHERE source_id = ${id} AND source_type = 'attendance'
    GROUP BY person_id HAVING COUNT(*) > 1) d;`), 0);
});

test('sign-in limits hold across the cluster: five guesses in all, not five a server', async () => {
  const from = '203.0.113.77';
  const statuses = [];
  for (let i = 0; i < 8; i++) {
    const s = cl.nodes[i % 3];
    const r = await new Client(s.url).post('/api/v1/session', { login: 'leader', password: `Wrong#Guess${i}` }, { headers: { 'x-forwarded-for': from } });
    statuses.push(r.status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
  // the right password is refused too, on every server, while the delay runs
  for (const s of cl.nodes) {
    const r = await new Client(s.url).post('/api/v1/session', { login: 'leader', password: PASSWORD }, { headers: { 'x-forwarded-for': from } });
    assert.equal(r.status, 429, s.url);
  }
});

test('through nginx: what one server writes, every server reads at once', async () => {
  const sec = await as('sec-a');
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await noticedActivity(sec, `经由 nginx 的活动 ${i + 1}`));
  for (const id of ids) {
    for (const s of cl.nodes) {
      const r = await on(s, sec).get(`/api/v1/activities/${id}`);
      assert.equal(r.status, 200, `${s.url} ${id}`);
      assert.equal(r.body.state, 'noticed');
    }
  }
  // nginx spread the requests: every server answered some
  for (const s of cl.nodes) assert.match(s.stderr, /POST \/api\/v1\/activities /, s.url);
});
