// 积分排名 at a city's size: the branch averages behind the rankings' chart are every branch
// up to 50 (by id, as an agency sees them), and beyond that the 50 highest averages, with
// branches_total counting them all. Runs on SQLite and PostgreSQL.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, seedRankedBranches } from '../lib/fixtures.mjs';
import { shanghaiToday } from '../lib/clock.mjs';

const YEAR = shanghaiToday().year;
const MORE = 60; // seedRankedBranches: 6000..6059, one full member each, 10 × i points this year

test('the rankings list 50 branch averages of 62, the highest first, and count them all', async () => {
  const srv = await startServer();
  try {
    seedAgency(srv.db);
    const com = srv.client();
    await com.login('committee');
    const small = await com.get(`/api/v1/points/rankings?org=1&period=${YEAR}`);
    assert.equal(small.status, 200, small.text);
    const before = small.body.branches.map((b) => b.org_id);
    assert.equal(small.body.branches_total, before.length);
    assert.deepEqual(before, [...before].sort((a, b) => a - b), 'an agency\'s few branches in their order');

    seedRankedBranches(srv.db, YEAR, MORE);

    const r = await com.get(`/api/v1/points/rankings?org=1&period=${YEAR}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.branches_total, before.length + MORE);
    assert.equal(r.body.branches.length, 50);
    // the highest averages: the new branches 59 down to 10 (each 10 points above the next)
    assert.deepEqual(r.body.branches.map((b) => b.org_id), Array.from({ length: 50 }, (_, k) => 6059 - k));
    const avg = r.body.branches.map((b) => b.average);
    assert.deepEqual(avg, [...avg].sort((a, b) => b - a));
    assert.equal(r.body.branches[0].average_earned, 590);
    // the members' ranking itself is not cut: 60 more members are counted and paged
    assert.equal(r.body.total, small.body.total + MORE);
    // one branch of them still sees its own average
    const one = await com.get(`/api/v1/points/rankings?org=6005&period=${YEAR}`);
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.body.branches.map((b) => [b.org_id, b.average_earned]), [[6005, 50]]);
    assert.equal(one.body.branches_total, 1);
  } finally {
    await srv.stop();
  }
});
