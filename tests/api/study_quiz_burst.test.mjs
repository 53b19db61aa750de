// 学习园地: a burst of quiz answers at a test's deadline. 200 attempts from 20 members are
// submitted at once (through the group commit), 40 of them sent twice; the starts are
// retried under the same client_key too. Every attempt is scored once and right, a
// retry answers the same result and writes nothing (no second audit row, no second
// award), and each member has one 参加学习测试 award and one 学习测试合格 award at most,
// given after the answers' commit (the awarder behind it) and on the points screen.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, seedMembers, signedIn, sql, ORG } from '../lib/fixtures.mjs';

const MEMBERS = 20, PER = 10, FIRST = 1000;


test('study: 200 quiz answers at once, some sent twice, each scored once and awarded once', async () => {
  const srv = await startServer();
  try {
    seedAgency(srv.db);
    const committee = srv.client();
    await committee.login('committee');
    const questions = [
      { kind: 'single', stem: '党的根本宗旨是', options: ['全心全意为人民服务', '发展经济', '改革开放'], answer: 'A' },
      { kind: 'multi', stem: '“两个维护”包括', options: ['维护核心地位', '维护集中统一领导', '维护个人利益'], answer: 'AB' },
      { kind: 'judge', stem: '预备党员的预备期为一年', answer: '对' },
    ];
    let r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: '集中答题', pass_percent: 60, questions });
    assert.equal(r.status, 201, r.text);
    const quiz = r.body.id;
    assert.equal((await committee.post(`/api/v1/study/quizzes/${quiz}/publish`, {})).status, 200);
    r = await committee.get(`/api/v1/study/quizzes/${quiz}`);
    const right = Object.fromEntries(r.body.questions.map((q) => [q.id, q.answer]));
    const wrong = Object.fromEntries(r.body.questions.map((q) => [q.id, q.kind === 'judge' ? '错' : 'C']));
    const ids = Object.keys(right);
    assert.equal(ids.length, 3);
    const members = seedMembers(srv.db, FIRST, MEMBERS).map((m) => signedIn(srv.client(), m));

    // 200 starts at once, each tenth one sent twice under its client_key: the same attempt
    const starts = [];
    for (let m = 0; m < MEMBERS; m++) {
      for (let k = 0; k < PER; k++) {
        const body = { client_key: `burst-${m}-${k}` };
        starts.push({ m, k, p: members[m].post(`/api/v1/study/quizzes/${quiz}/attempts`, body) });
        if (k === 0) starts.push({ m, k, p: members[m].post(`/api/v1/study/quizzes/${quiz}/attempts`, body) });
      }
    }
    const attempt = new Map();
    for (const s of starts) {
      const res = await s.p;
      assert.equal(res.status, 201, res.text);
      for (const q of res.body.questions) assert.equal(q.answer, undefined); // hidden until submitted
      const key = `${s.m}-${s.k}`;
      if (attempt.has(key)) assert.equal(attempt.get(key), res.body.id);
      attempt.set(key, res.body.id);
    }
    assert.equal(new Set(attempt.values()).size, MEMBERS * PER);

    // answers: attempt k of an odd member gets k % 4 of its 3 questions right (passing with 2 or 3),
    // of an even member k % 2 (never passing)
    const given = (m, k) => {
      const nRight = m % 2 === 0 ? k % 2 : k % 4;
      return Object.fromEntries(ids.map((id, i) => [id, i < nRight ? right[id] : wrong[id]]));
    };
    const expected = (m, k) => (m % 2 === 0 ? k % 2 : k % 4);
    const submits = [];
    for (let m = 0; m < MEMBERS; m++) {
      for (let k = 0; k < PER; k++) {
        const id = attempt.get(`${m}-${k}`);
        const send = () => members[m].post(`/api/v1/study/attempts/${id}/submit`, { answers: given(m, k) });
        submits.push({ m, k, id, p: send() });
        if (k % 5 === 0) submits.push({ m, k, id, p: send() }); // a retry racing the first
      }
    }
    assert.equal(submits.length, 240);
    const byAttempt = new Map();
    for (const s of submits) {
      const res = await s.p;
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.id, s.id);
      assert.equal(res.body.correct, expected(s.m, s.k), `member ${s.m} attempt ${s.k}`);
      assert.equal(res.body.total, 3);
      assert.equal(res.body.score, Math.round((100 * expected(s.m, s.k)) / 3));
      assert.equal(res.body.passed, expected(s.m, s.k) >= 2);
      assert.equal(res.body.questions.length, 3);
      for (const q of res.body.questions) {
        assert.equal(q.answer, right[q.id]); // the right answers come with the result
        assert.equal(q.right, q.given === right[q.id]);
      }
      const seen = byAttempt.get(s.id);
      if (seen) assert.deepEqual(res.body, seen); // the retry: the very same result
      byAttempt.set(s.id, res.body);
    }
    // a retry afterwards with other answers: still the stored result
    const first = attempt.get('1-3');
    r = await members[1].post(`/api/v1/study/attempts/${first}/submit`, { answers: {} });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, byAttempt.get(first));

    const one = (q) => sql(srv.db, q).trim();
    const people = `person_id BETWEEN ${FIRST} AND ${FIRST + MEMBERS - 1}`;
    assert.equal(one(`SELECT COUNT(*) FROM study_attempts WHERE ${people} AND submitted_at IS NOT NULL;`), String(MEMBERS * PER));
    // scored as the answers said, stored once
    const stored = one(`SELECT id, correct FROM study_attempts WHERE ${people} ORDER BY id;`).split('\n');
    const want = new Map();
    for (const s of submits) want.set(s.id, expected(s.m, s.k));
    assert.deepEqual(stored, [...want].sort((a, b) => a[0] - b[0]).map(([id, c]) => `${id}|${c}`));
    // one audit row per attempt, none for the retries
    assert.equal(one(`SELECT COUNT(*) FROM audit WHERE entity = 'study_attempt' AND action = 'submit';`), String(MEMBERS * PER));
    assert.equal(one(`SELECT COUNT(DISTINCT entity_id) FROM audit WHERE entity = 'study_attempt' AND action = 'submit';`), String(MEMBERS * PER));
    // points: they follow the answers' commit (within a second or so): each member took
    // part once; each odd member passed once; nothing is left owed
    const awarded = `quiz_passed|${MEMBERS / 2}|${MEMBERS / 2}\nquiz_taken|${MEMBERS}|${MEMBERS}`;
    const awardsNow = () => one(`SELECT rule_code, COUNT(*), COUNT(DISTINCT person_id) FROM points_ledger WHERE ${people}`
      + ` AND source_type = 'quiz' GROUP BY rule_code ORDER BY rule_code;`);
    let awards = awardsNow();
    for (let i = 0; i < 100 && awards !== awarded; i++) {
      await new Promise((res) => setTimeout(res, 100));
      awards = awardsNow();
    }
    assert.equal(awards, awarded);
    await new Promise((res) => setTimeout(res, 700)); // a second run of the awarder adds nothing
    assert.equal(awardsNow(), awarded);
    assert.equal(one(`SELECT COUNT(*) FROM study_points_due;`), '0');
    // on a member's points screen: 1 for taking part, 2 for passing
    r = await members[1].get('/api/v1/points/me');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.year.earned, 3);
    r = await members[0].get('/api/v1/points/me');
    assert.equal(r.body.year.earned, 1);
    // the results page agrees
    r = await committee.get(`/api/v1/study/quizzes/${quiz}/results`);
    assert.equal(r.status, 200);
    assert.equal(r.body.taken, MEMBERS);
    assert.equal(r.body.pass_rate, 50);
  } finally {
    await srv.stop();
  }
});
