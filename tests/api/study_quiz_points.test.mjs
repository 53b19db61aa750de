// 学习园地: the points of a quiz answer follow the answer's commit (issue 19). The answer
// is durable when it is answered, with a marker of the points it is owed; the awarder
// behind the answers' group commit gives them once — a submit sent again, a second
// passing attempt and a second run of the awarder add nothing — and the member's points
// screen shows them within a second or so. A server killed (SIGKILL) right after a burst
// of answers leaves the markers; the next server on the database gives what they owe,
// once.
import test from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../lib/server.mjs';
import { seedAgency, seedMembers, signedIn, sql, ORG, PERSON } from '../lib/fixtures.mjs';

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

const questions = [
  { kind: 'single', stem: '党的根本宗旨是', options: ['全心全意为人民服务', '发展经济', '改革开放'], answer: 'A' },
  { kind: 'judge', stem: '预备党员的预备期为一年', answer: '对' },
];

/** A published quiz of srv; returns its id and the right answers by question id. */
async function publishedQuiz(srv) {
  const committee = srv.client();
  await committee.login('committee');
  let r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: '积分测试', pass_percent: 60, questions });
  assert.equal(r.status, 201, r.text);
  const quiz = r.body.id;
  assert.equal((await committee.post(`/api/v1/study/quizzes/${quiz}/publish`, {})).status, 200);
  r = await committee.get(`/api/v1/study/quizzes/${quiz}`);
  return { quiz, right: Object.fromEntries(r.body.questions.map((q) => [q.id, q.answer])) };
}

test('study: a quiz answer\'s points arrive once, after the answer, on the member\'s points screen', async (t) => {
  const srv = await startServer();
  try {
    seedAgency(srv.db);
    const { quiz, right } = await publishedQuiz(srv);
    const member = srv.client();
    await member.login('member-a');
    let r = await member.get('/api/v1/points/me');
    assert.equal(r.status, 200, r.text);
    const before = r.body.year.earned;

    r = await member.post(`/api/v1/study/quizzes/${quiz}/attempts`, { client_key: 'points-once-1' });
    assert.equal(r.status, 201, r.text);
    const att = r.body.id;
    // the submit sent three times at once (a phone retrying), then once more later
    const sent = Date.now();
    const answers = await Promise.all([1, 2, 3].map(() => member.post(`/api/v1/study/attempts/${att}/submit`, { answers: right })));
    for (const a of answers) {
      assert.equal(a.status, 200, a.text);
      assert.equal(a.body.passed, true);
      assert.deepEqual(a.body, answers[0].body);
    }
    // on the points screen: 1 for taking part, 2 for passing
    let earned = before;
    while (earned !== before + 3 && Date.now() - sent < 10000) {
      await sleep(50);
      earned = (await member.get('/api/v1/points/me')).body.year.earned;
    }
    const took = Date.now() - sent;
    t.diagnostic(`points on the screen ${took} ms after the answer was sent`);
    assert.equal(earned, before + 3);
    assert.ok(took < 3000, `the points took ${took} ms`);
    r = await member.post(`/api/v1/study/attempts/${att}/submit`, { answers: {} });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, answers[0].body);

    // a second passing attempt of the same quiz: the awards are once per quiz
    r = await member.post(`/api/v1/study/quizzes/${quiz}/attempts`, { client_key: 'points-once-2' });
    assert.equal(r.status, 201, r.text);
    r = await member.post(`/api/v1/study/attempts/${r.body.id}/submit`, { answers: right });
    assert.equal(r.body.passed, true);
    await sleep(1200); // the awarder has run after it, more than once
    assert.equal((await member.get('/api/v1/points/me')).body.year.earned, before + 3);
    const rows = sql(srv.db, `SELECT rule_code, delta FROM points_ledger WHERE person_id = ${PERSON.memberA}`
      + ` AND source_type = 'quiz' AND source_id = ${quiz} ORDER BY rule_code;`).trim();
    assert.equal(rows, 'quiz_passed|2\nquiz_taken|1');
    assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM study_points_due;').trim(), '0');
  } finally {
    await srv.stop();
  }
});


test('study: the points a killed server still owed for quiz answers are given by the next server, once', async (t) => {
  const first = await startServer();
  let second;
  try {
    seedAgency(first.db);
    const { quiz, right } = await publishedQuiz(first);
    const N = 30, FIRST = 2000;
    const clients = seedMembers(first.db, FIRST, N).map((m) => signedIn(first.client(), m));
    const starts = await Promise.all(clients.map((c, i) => c.post(`/api/v1/study/quizzes/${quiz}/attempts`, { client_key: `killed-${i}` })));
    for (const s of starts) assert.equal(s.status, 201, s.text);
    // a burst of answers, every one durable when answered; the server killed at once after
    const answered = await Promise.all(clients.map((c, i) => c.post(`/api/v1/study/attempts/${starts[i].body.id}/submit`, { answers: right })));
    first.proc.kill('SIGKILL');
    await new Promise((res) => (first.proc.exitCode !== null || first.proc.signalCode ? res() : first.proc.on('exit', res)));
    for (const a of answered) assert.equal(a.status, 200, a.text);

    const one = (q) => sql(first.db, q).trim();
    const people = `person_id BETWEEN ${FIRST} AND ${FIRST + N - 1}`;
    assert.equal(one(`SELECT COUNT(*) FROM study_attempts WHERE ${people} AND submitted_at IS NOT NULL;`), String(N));
    const owed = Number(one('SELECT COUNT(*) FROM study_points_due;'));
    const given = Number(one(`SELECT COUNT(*) FROM points_ledger WHERE ${people} AND source_type = 'quiz';`));
    t.diagnostic(`at the kill: ${owed} answers still owed their points, ${given} awards given`);
    // each answer is either owed or awarded, never both, never neither
    assert.equal(owed + given / 2, N);

    // the next server on the database gives what is owed, once
    second = await startServer({ db: first.db, keyFile: first.keyFile });
    const want = `quiz_passed|${N}|${N}\nquiz_taken|${N}|${N}`;
    const awards = () => one(`SELECT rule_code, COUNT(*), COUNT(DISTINCT person_id) FROM points_ledger WHERE ${people}`
      + ` AND source_type = 'quiz' GROUP BY rule_code ORDER BY rule_code;`);
    for (let i = 0; i < 100 && awards() !== want; i++) await sleep(100);
    assert.equal(awards(), want);
    assert.equal(one('SELECT COUNT(*) FROM study_points_due;'), '0');
  } finally {
    if (second) await second.stop();
    else if (first.proc.exitCode === null && !first.proc.signalCode) first.proc.kill('SIGKILL');
    rmSync(first.dir, { recursive: true, force: true });
  }
});
