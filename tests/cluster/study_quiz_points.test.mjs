// 学习园地 on several servers (issue 19): the points of quiz answers follow the answers'
// commit, given by the awarder behind it. Answers spread over three servers behind
// nginx on one PostgreSQL, each also sent to a second server at the same moment (a
// phone retrying through another server), are scored once and awarded once. The
// awarder runs on one server at a time: while someone else holds its cluster-wide lock
// no server awards, and once the lock is free every owed award is given, once.
// Run by tests/run through tests/with-pg: tests/with-pg node --test tests/cluster/
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Client } from '../lib/server.mjs';
import { startCluster } from '../lib/cluster.mjs';
import { seedAgency, seedMembers, signedIn, sql, ORG } from '../lib/fixtures.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let cl, quiz, right;
test.before(async () => {
  cl = await startCluster({ n: 3 });
  seedAgency(cl.db);
  const committee = new Client(cl.url);
  await committee.login('committee');
  const questions = [
    { kind: 'single', stem: '党的根本宗旨是', options: ['全心全意为人民服务', '发展经济', '改革开放'], answer: 'A' },
    { kind: 'judge', stem: '预备党员的预备期为一年', answer: '对' },
  ];
  let r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: '集群答题', pass_percent: 60, questions });
  assert.equal(r.status, 201, r.text);
  quiz = r.body.id;
  assert.equal((await committee.post(`/api/v1/study/quizzes/${quiz}/publish`, {})).status, 200);
  r = await committee.get(`/api/v1/study/quizzes/${quiz}`);
  right = Object.fromEntries(r.body.questions.map((q) => [q.id, q.answer]));
});
test.after(async () => { await cl?.stop(); });

const count = (q) => Number(sql(cl.db, q).trim());

/** Polls fn() until it is true. */
async function within(ms, fn, what) {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}


/** n members (people first…) with open sessions; each a client of every server. */
const members = (first, n) => seedMembers(cl.db, first, n).map((m) => cl.nodes.map((srv) => signedIn(new Client(srv.url), m)));

/** Each member starts an attempt on one server and submits it on two at once. */
async function answer(ms) {
  const ids = [];
  for (let i = 0; i < ms.length; i++) {
    const r = await ms[i][i % 3].post(`/api/v1/study/quizzes/${quiz}/attempts`, { client_key: `cluster-${ms.length}-${i}` });
    assert.equal(r.status, 201, r.text);
    ids.push(r.body.id);
  }
  const rs = await Promise.all(ms.flatMap((m, i) => [m[i % 3], m[(i + 1) % 3]].map((c) => c.post(`/api/v1/study/attempts/${ids[i]}/submit`, { answers: right }))));
  for (const r of rs) {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.passed, true);
  }
}

const awards = (first, n) => `SELECT COUNT(*) FROM points_ledger WHERE person_id BETWEEN ${first} AND ${first + n - 1} AND source_type = 'quiz' AND source_id = ${quiz}`;
const doubles = (first, n) => `SELECT COUNT(*) FROM (SELECT person_id, rule_code FROM points_ledger WHERE person_id BETWEEN ${first} AND ${first + n - 1}`
  + ` AND source_type = 'quiz' GROUP BY person_id, rule_code HAVING COUNT(*) > 1) d`;

test('quiz answers spread over three servers, each sent to two: scored once, each award given once', async () => {
  const FIRST = 4000, N = 24;
  await answer(members(FIRST, N));
  assert.equal(count(`SELECT COUNT(*) FROM study_attempts WHERE person_id BETWEEN ${FIRST} AND ${FIRST + N - 1} AND submitted_at IS NOT NULL;`), N);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE entity = 'study_attempt' AND action = 'submit';`), N);
  await within(15000, () => count(awards(FIRST, N)) >= 2 * N, 'the awards');
  await sleep(2000); // every server's awarder has run since
  assert.equal(count(awards(FIRST, N)), 2 * N);
  assert.equal(count(doubles(FIRST, N)), 0);
  assert.equal(count('SELECT COUNT(*) FROM study_points_due;'), 0);
});

test('the awarder of quiz answers runs on one server at a time: held elsewhere, it waits, then awards once', async () => {
  const FIRST = 4100, N = 6;
  const psql = spawn('psql', ['-X', '-q', '-A', '-t', cl.db], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  psql.stdout.on('data', (d) => { out += d; });
  psql.stdin.write("SELECT 'held', pg_advisory_lock(hashtextextended('dangjian:batch:study_answers', 0));\n");
  await within(5000, () => out.includes('held'), 'psql takes the lock');
  try {
    await answer(members(FIRST, N));
    await sleep(2500); // past every server's awarder, several times
    assert.equal(count(awards(FIRST, N)), 0, 'no server awarded while another held the job');
    assert.equal(count('SELECT COUNT(*) FROM study_points_due;'), N);
  } finally {
    psql.stdin.end('SELECT pg_advisory_unlock_all();\n');
  }
  await within(10000, () => count(awards(FIRST, N)) >= 2 * N, 'the awards once the lock is free');
  await sleep(2000);
  assert.equal(count(awards(FIRST, N)), 2 * N);
  assert.equal(count(doubles(FIRST, N)), 0);
  assert.equal(count('SELECT COUNT(*) FROM study_points_due;'), 0);
});
