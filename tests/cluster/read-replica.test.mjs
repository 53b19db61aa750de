// serve --db-read (issue 20): pages that may lag (the rankings, the dashboard) read
// from a second connection string (a streaming replica in production); what a user
// has just written (their own score) is read from the primary; an unreachable
// replica leaves those pages on the primary. Here the "replica" is a second
// database with the same agency and none of the primary's new points, so the test
// can tell which one answered. Runs through tests/with-pg.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, PASSWORD, startServer } from '../lib/server.mjs';
import { emptyDatabase } from '../lib/cluster.mjs';
import { seedAgency, PERSON } from '../lib/fixtures.mjs';
import { childEnv, shanghaiToday } from '../lib/clock.mjs';

async function awardOne(srv) {
  const committee = srv.client(); await committee.login('committee');
  const rule = await committee.post('/api/v1/points/rules', { code: 'replica_probe', name: '读库测试', category: '业务贡献',
    points: 7, source: 'claim', several_a_day: true, needs_approval: false, effective_from: '2020-01-01' });
  assert.equal(rule.status, 201, rule.text);
  const mem = srv.client(); await mem.login('member-a');
  const r = await mem.post('/api/v1/points/claims', { rule_code: 'replica_probe', description: '读库测试记分', occurred_on: shanghaiToday().date });
  assert.equal(r.status, 201, r.text);
  return { committee, mem };
}

const earnedIn = (ranking) => ranking.body.items.find((i) => i.person_id === PERSON.memberA)?.earned;

test('rankings and the dashboard read from --db-read; my own score from the primary', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dj-replica-'));
  const replica = emptyDatabase();
  execFileSync(BIN, ['init', '--db', replica, '--admin-password', PASSWORD, '--key-file', path.join(dir, 'seal.key')], { env: childEnv(), stdio: 'pipe' });
  seedAgency(replica);
  const srv = await startServer({ args: ['--db-read', replica] });
  try {
    seedAgency(srv.db);
    const { committee, mem } = await awardOne(srv);
    const me = await mem.get('/api/v1/points/me');
    assert.equal(me.body.year.earned, 7, 'what I just earned, from the primary');
    const year = shanghaiToday().year;
    const rk = await committee.get(`/api/v1/points/rankings?org=2&period=${year}`);
    assert.equal(rk.status, 200, rk.text);
    assert.equal(earnedIn(rk), 0, 'the rankings come from the replica, which has not got the award');
    const dash = await committee.get('/api/v1/dashboard');
    assert.equal(dash.status, 200, dash.text);
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a replica that cannot be reached leaves the rankings on the primary', async () => {
  const [host, port] = process.env.DJ_PG.split(':');
  const gone = `postgresql://dj@/no_such_database?host=${encodeURIComponent(host)}&port=${port}`;
  const srv = await startServer({ args: ['--db-read', gone] });
  try {
    seedAgency(srv.db);
    const { committee } = await awardOne(srv);
    const rk = await committee.get(`/api/v1/points/rankings?org=2&period=${shanghaiToday().year}`);
    assert.equal(rk.status, 200, rk.text);
    assert.equal(earnedIn(rk), 7);
  } finally {
    await srv.stop();
  }
});
