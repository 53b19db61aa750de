// 每日一题 over HTTP (issue 19): nothing until the committee marks a published quiz as a
// daily bank; then each member gets one question for the day (the same one all day), with
// no answer or explanation until they answer; a malformed answer is refused naming the
// field and changes nothing; the answer is checked on the server, once (again: the same
// result), and a right answer earns the 'study_daily' points rule once; a bank whose
// questions were drawn can no longer be rewritten.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';

let srv, committee, memberA, memberB;

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  const mk = async (login) => { const c = srv.client(); await c.login(login); return c; };
  committee = await mk('committee');
  memberA = await mk('member-a');
  memberB = await mk('member-b');
});

test.after(async () => { await srv.stop(); });

const questions = [
  { kind: 'judge', stem: '党员每年集中学习不少于32学时', answer: '对', explanation: '党员教育管理工作条例' },
  { kind: 'single', stem: '党的根本宗旨是', options: ['全心全意为人民服务', '发展经济'], answer: 'A', explanation: '党章总纲' },
];
const rightAnswer = (stem) => (stem.startsWith('党员每年') ? '对' : 'A');
const wrongAnswer = (stem) => (stem.startsWith('党员每年') ? '错' : 'B');
const ledger = (p) => sql(srv.db, `SELECT COUNT(*) FROM points_ledger WHERE person_id = ${p} AND rule_code = 'study_daily';`).trim();

test('每日一题: drawn once a day from a daily bank, answered once, points for a right answer', async () => {
  let r = await memberA.get('/api/v1/study/daily');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.question, null);
  assert.equal(r.body.day, shanghaiDate());
  r = await memberA.post('/api/v1/study/daily', { answer: '对' });
  assert.equal(r.status, 404);

  r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: '每日一题题库', daily: true, questions });
  assert.equal(r.status, 201, r.text);
  const bank = r.body.id;
  r = await memberA.get('/api/v1/study/daily');
  assert.equal(r.body.question, null, 'a draft bank gives no daily question');
  assert.equal((await committee.post(`/api/v1/study/quizzes/${bank}/publish`, {})).status, 200);
  r = await committee.get(`/api/v1/study/quizzes/${bank}`);
  assert.equal(r.body.daily, true);

  r = await memberA.get('/api/v1/study/daily');
  assert.equal(r.status, 200, r.text);
  const q = r.body.question;
  assert.ok(q && questions.some((x) => x.stem === q.stem), r.text);
  assert.equal(q.answer, undefined);
  assert.equal(q.explanation, undefined);
  assert.equal(q.answered_at, null);
  for (let i = 0; i < 3; i++) assert.equal((await memberA.get('/api/v1/study/daily')).body.question.question_id, q.question_id);

  r = await memberA.post('/api/v1/study/daily', { answer: 'Z' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.field, 'answer');
  assert.equal((await memberA.get('/api/v1/study/daily')).body.question.answered_at, null);
  assert.equal(ledger(PERSON.memberA), '0');

  r = await memberA.post('/api/v1/study/daily', { answer: rightAnswer(q.stem) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.correct, true);
  assert.ok(r.body.explanation.length > 0);
  assert.equal(ledger(PERSON.memberA), '1');
  // the question as kept before the answer is not shown again: answered, with the right answer
  r = await memberA.get('/api/v1/study/daily');
  assert.ok(r.body.question.my_answer, r.text);
  assert.equal(r.body.question.correct, true);
  assert.ok(r.body.question.answered_at, r.text);
  // once a day: a second answer changes nothing
  r = await memberA.post('/api/v1/study/daily', { answer: wrongAnswer(q.stem) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.correct, true);
  assert.equal(ledger(PERSON.memberA), '1');
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM study_daily WHERE person_id = ${PERSON.memberA};`).trim(), '1');

  // member B: a wrong answer is recorded, shows the right one, earns nothing
  r = await memberB.get('/api/v1/study/daily');
  const qb = r.body.question;
  r = await memberB.post('/api/v1/study/daily', { answer: wrongAnswer(qb.stem) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.correct, false);
  assert.equal(r.body.answer, rightAnswer(qb.stem) === '对' ? 'T' : 'A');
  assert.equal(ledger(PERSON.memberB), '0');

  // drawn questions stay as they were
  r = await committee.patch(`/api/v1/study/quizzes/${bank}`, { title: '改一改', daily: true, questions });
  assert.equal(r.status, 409, r.text);
  assert.ok(Number(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE action = 'answer' AND entity = 'study_daily';").trim()) >= 2);
});
