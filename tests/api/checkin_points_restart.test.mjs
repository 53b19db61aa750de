// Check-ins' points after a crash (issue 20's background work): a check-in is durable
// when it is answered, with its life event; the points follow a second later, behind the
// check-ins' group commit. A server killed (SIGKILL) in that second leaves the events
// unawarded: the next server on the database gives their points when it starts, without
// waiting for another check-in, and once.
import test from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, createActivity, PERSON } from '../lib/fixtures.mjs';

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

test('life: the points of check-ins a killed server had not yet given are given by the next server at its start', async (t) => {
  const first = await startServer();
  let second;
  try {
    seedAgency(first.db);
    const sec = first.client();
    await sec.login('sec-a');
    const { id } = await createActivity(sec, {}, { notice: true });
    let r;
    // three signed in by hand, and the server killed at once: the points wait for a second of quiet
    const people = [PERSON.secA, 3, 6];
    for (const pid of people) {
      r = await sec.post(`/api/v1/activities/${id}/checkin`, { person_id: pid });
      assert.equal(r.status, 201, r.text);
    }
    first.proc.kill('SIGKILL');
    await new Promise((res) => (first.proc.exitCode !== null || first.proc.signalCode ? res() : first.proc.on('exit', res)));

    const one = (q) => sql(first.db, q).trim();
    const awarded = () => one(`SELECT COUNT(*) || '|' || COUNT(DISTINCT person_id) FROM points_ledger`
      + ` WHERE source_type = 'attendance' AND source_id = ${id};`);
    assert.equal(one(`SELECT COUNT(*) FROM attendance WHERE activity_id = ${id};`), '3', 'the check-ins are durable');
    assert.equal(awarded(), '0|0', 'killed before the points were given');

    // the next server gives them without another check-in, once each
    second = await startServer({ db: first.db, keyFile: first.keyFile });
    for (let i = 0; i < 100 && awarded() !== '3|3'; i++) await sleep(100);
    assert.equal(awarded(), '3|3');
    t.diagnostic('the points were given by the next server at its start');
    await sleep(1500); // a second run of the follow-up adds nothing
    assert.equal(awarded(), '3|3');
  } finally {
    if (second) await second.stop();
    else if (first.proc.exitCode === null && !first.proc.signalCode) first.proc.kill('SIGKILL');
    rmSync(first.dir, { recursive: true, force: true });
  }
});
