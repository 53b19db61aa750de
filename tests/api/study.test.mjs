// 学习园地 over HTTP (issue 19): materials in columns and the full-text search finding a
// Chinese phrase (bigrams on both engines); reading time from heartbeats (the first beat
// only starts the clock, a hidden page and a retried beat count nothing, the material's
// length caps it) turning into 学时 and one points award; an assignment's completion
// table; a quiz scored on the server with the answers hidden until submitted; a notice's
// read receipts; and scope: a branch sees and assigns within its own reach.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';
import { mp4 } from '../lib/media.mjs';

let srv, committee, secA, secB, memberA, memberB;
let article, video;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  const mk = async (login) => { const c = srv.client(); await c.login(login); return c; };
  committee = await mk('committee');
  secA = await mk('sec-a');
  secB = await mk('sec-b');
  memberA = await mk('member-a');
  memberB = await mk('member-b');
});

test.after(async () => { await srv.stop(); });

const cols = async () => (await committee.get('/api/v1/study/columns')).body.items;

test('study: materials, drafts hidden, rich text cleaned, search finds a Chinese phrase', async () => {
  const c = await cols();
  assert.deepEqual(c.map((x) => x.name), ['理论学习', '党纪学习', '规章制度', '典型案例', '业务知识']);
  let r = await committee.post('/api/v1/study/materials', {
    org_id: ORG.committee, column_id: c[0].id, kind: 'article', title: '深入学习贯彻党的二十届四中全会精神',
    summary: '全会精神要点', body: '<p onclick="x()">全面从严治党永远在路上</p><script>alert(1)</script><p>坚持<strong>人民至上</strong></p>',
  });
  assert.equal(r.status, 201, r.text);
  article = r.body.id;
  // a draft: the member cannot see it, the search does not list it to her
  r = await memberA.get(`/api/v1/study/materials/${article}`);
  assert.equal(r.status, 404);
  r = await committee.post(`/api/v1/study/materials/${article}/publish`, {});
  assert.equal(r.status, 200, r.text);
  r = await memberA.get(`/api/v1/study/materials/${article}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.body, '<p>全面从严治党永远在路上</p><p>坚持<strong>人民至上</strong></p>');
  assert.equal(r.body.length_seconds, 60); // a short article: the minimum minute

  r = await committee.post('/api/v1/study/materials', {
    org_id: ORG.committee, column_id: c[1].id, kind: 'video', title: '党纪学习教育专题片', length_seconds: 4,
  });
  assert.equal(r.status, 201, r.text);
  video = r.body.id;
  assert.equal((await committee.post(`/api/v1/study/materials/${video}/publish`, {})).status, 200);

  // a phrase from the body, one from the title, a phrase that is not there
  r = await memberA.get('/api/v1/study/materials?q=' + encodeURIComponent('从严治党'));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((x) => x.id), [article]);
  r = await memberA.get('/api/v1/study/materials?q=' + encodeURIComponent('纪学习'));
  assert.deepEqual(r.body.items.map((x) => x.id), [video]);
  r = await memberA.get('/api/v1/study/materials?q=' + encodeURIComponent('治党从严'));
  assert.deepEqual(r.body.items, []);
  r = await memberA.get('/api/v1/study/materials?q=' + encodeURIComponent('党'));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'q');
  r = await memberA.get(`/api/v1/study/materials?column_id=${c[1].id}`);
  assert.deepEqual(r.body.items.map((x) => x.id), [video]);

  // bad input: a link without an address, an unknown kind; nothing written
  r = await committee.post('/api/v1/study/materials', { org_id: ORG.committee, column_id: c[0].id, kind: 'link', title: '外部链接', minutes: 5 });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'url');
  r = await committee.post('/api/v1/study/materials', { org_id: ORG.committee, column_id: c[0].id, kind: 'poster', title: '海报' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'kind');
  // a branch secretary cannot publish for the committee
  r = await secA.post('/api/v1/study/materials', { org_id: ORG.committee, column_id: c[0].id, kind: 'article', title: '越权', body: '内容' });
  assert.equal(r.status, 403);
  assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM study_materials;').trim(), '2');
});

test('study: heartbeats count visible, active time up to the length, once; 学时 and points', async () => {
  const beat = (seq, extra = {}) => memberA.post(`/api/v1/study/materials/${video}/beats`,
    { session: 'reading-session-1', seq, visible: true, active: true, ...extra });
  // read before any time is counted: the figure is kept for her, and the beats below end it
  let r = await memberA.get('/api/v1/study/hours/me');
  assert.equal(r.body.online_seconds, 0, r.text);
  r = await beat(1);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.credited, 0); // the first beat starts the clock
  await sleep(1100);
  r = await beat(2, { visible: false }); // the tab was hidden
  assert.equal(r.body.credited, 0);
  await sleep(1100);
  r = await beat(3);
  assert.ok(r.body.credited >= 1 && r.body.credited <= 2, r.text);
  const after3 = r.body.seconds;
  r = await beat(3); // the same beat retried
  assert.equal(r.body.replay, true);
  assert.equal(r.body.seconds, after3);
  await sleep(1100);
  r = await beat(4, { active: false }); // idle
  assert.equal(r.body.credited, 0);
  let last;
  for (let seq = 5; seq < 12; seq++) {
    await sleep(1100);
    last = await beat(seq);
    if (last.body.finished) break;
  }
  assert.equal(last.body.finished_now, true, last.text);
  assert.equal(last.body.seconds, 4); // capped at the length
  assert.equal(last.body.points, 1);
  await sleep(1100);
  r = await beat(20);
  assert.equal(r.body.credited, 0);
  assert.equal(r.body.finished_now, false);
  assert.equal(sql(srv.db, `SELECT COUNT(*) || ':' || SUM(delta) FROM points_ledger WHERE person_id = ${PERSON.memberA} AND rule_code = 'study_material';`).trim(), '1:1');
  assert.equal(sql(srv.db, `SELECT SUM(seconds) FROM study_time WHERE person_id = ${PERSON.memberA};`).trim(), '4');

  r = await memberA.get('/api/v1/study/hours/me');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.online_seconds, 4);
  assert.equal(r.body.required_hours, 32);
  assert.equal(r.body.materials_finished, 1);
  // the committee's rule: 45 minutes of study make one 学时 (so 4 s is 0.0 still)
  assert.equal(r.body.online_hours, 0);

  // the branch report: every party member of branch A, the activist left out
  r = await secA.get(`/api/v1/study/hours?org_id=${ORG.branchA}`);
  assert.equal(r.status, 200, r.text);
  const ids = r.body.items.map((x) => x.person_id);
  assert.ok(ids.includes(PERSON.memberA) && !ids.includes(5), JSON.stringify(ids));
  r = await secB.get(`/api/v1/study/hours?org_id=${ORG.branchA}`);
  assert.equal(r.status, 403);
  // no beats for a material the member cannot see
  r = await memberA.post('/api/v1/study/materials/999/beats', { session: 'reading-session-1', seq: 1, visible: true, active: true });
  assert.equal(r.status, 404);
});

test('study: an assignment to a branch, its completion table and the members\' to-dos', async () => {
  const due = shanghaiDate(7);
  let r = await secB.post('/api/v1/study/assignments', {
    org_id: ORG.branchA, title: '越权布置', due_on: due, material_ids: [video], org_ids: [ORG.branchA],
  });
  assert.equal(r.status, 403);
  const body = { org_id: ORG.branchA, title: '十二月集中学习', due_on: due, material_ids: [article, video],
    org_ids: [ORG.branchA], client_key: 'assign-key-0001' };
  r = await secA.post('/api/v1/study/assignments', body);
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  r = await secA.post('/api/v1/study/assignments', body);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, id);
  assert.equal(r.body.replayed, true);

  r = await secA.get(`/api/v1/study/assignments/${id}`);
  assert.equal(r.status, 200, r.text);
  // party members of branch A and its group: 1, 2, 3, 4 (probationary), 6; not the activist 5
  assert.deepEqual(r.body.members.map((m) => m.person_id).sort(), [1, 2, 3, 4, 6]);
  const a = r.body.members.find((m) => m.person_id === PERSON.memberA);
  assert.equal(a.done, 1);
  assert.equal(a.state, 'pending');
  assert.equal(r.body.finished, 0);
  r = await secB.get(`/api/v1/study/assignments/${id}`);
  assert.equal(r.status, 404);

  r = await memberA.get('/api/v1/todos');
  const todo = r.body.items.find((t) => t.kind === 'study_assignment');
  assert.ok(todo, r.text);
  assert.equal(todo.link.type, 'study_assignment');
  r = await memberA.get('/api/v1/study/assignments/mine');
  assert.equal(r.body.items[0].done, 1);
  assert.equal(r.body.items[0].materials.length, 2);
  r = await memberB.get('/api/v1/study/assignments/mine');
  assert.deepEqual(r.body.items, []);
});

test('study: a quiz scored on the server, the answers hidden until submitted', async () => {
  const questions = [
    { kind: 'single', stem: '党的最高理想和最终目标是', options: ['实现共产主义', '全面建成小康社会', '发展经济'], answer: 'A', explanation: '党章总纲' },
    { kind: 'multi', stem: '“四个意识”包括', options: ['政治意识', '大局意识', '核心意识', '看齐意识'], answer: 'ABCD' },
    { kind: 'judge', stem: '党员每年集中学习不少于32学时', answer: '对' },
  ];
  let r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: '七一知识测试', pass_percent: 60, questions });
  assert.equal(r.status, 201, r.text);
  const quiz = r.body.id;
  r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: '坏题', questions: [{ kind: 'single', stem: '选哪个', options: ['甲', '乙'], answer: 'C' }] });
  assert.equal(r.status, 400);
  r = await memberA.post(`/api/v1/study/quizzes/${quiz}/attempts`, { client_key: 'attempt-key-01' });
  assert.equal(r.status, 404); // a draft
  assert.equal((await committee.post(`/api/v1/study/quizzes/${quiz}/publish`, {})).status, 200);
  r = await memberA.get(`/api/v1/study/quizzes/${quiz}`);
  assert.equal(r.body.questions, undefined);
  r = await memberA.post(`/api/v1/study/quizzes/${quiz}/attempts`, { client_key: 'attempt-key-01' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.questions.length, 3);
  assert.ok(!/"answer"|explanation|实现共产主义.*"A"/.test(JSON.stringify(r.body.questions.map(({ id, kind, stem }) => ({ id, kind, stem })))));
  for (const q of r.body.questions) { assert.equal(q.answer, undefined); assert.equal(q.explanation, undefined); }
  const att = r.body.id;
  const byStem = Object.fromEntries(r.body.questions.map((q) => [q.stem.slice(0, 4), q.id]));
  const answers = { [byStem['党的最高']]: 'a', [byStem['“四个意']]: 'AB', [byStem['党员每年']]: '对' };
  r = await memberB.post(`/api/v1/study/attempts/${att}/submit`, { answers });
  assert.equal(r.status, 404); // not hers
  r = await memberA.post(`/api/v1/study/attempts/${att}/submit`, { answers });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.correct, 2);
  assert.equal(r.body.score, 67);
  assert.equal(r.body.passed, true);
  assert.equal(r.body.questions.find((q) => q.id === byStem['党的最高']).explanation, '党章总纲');
  r = await memberA.post(`/api/v1/study/attempts/${att}/submit`, { answers: {} }); // again: the same result
  assert.equal(r.body.score, 67);
  // the points follow the answer's commit, within a second or so
  const quizPoints = () => sql(srv.db, `SELECT rule_code FROM points_ledger WHERE person_id = ${PERSON.memberA} AND source_type = 'quiz' ORDER BY id;`).trim().split('\n').join();
  for (let i = 0; i < 50 && quizPoints() !== 'quiz_taken,quiz_passed'; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(quizPoints(), 'quiz_taken,quiz_passed');
  r = await committee.get(`/api/v1/study/quizzes/${quiz}/results`);
  assert.equal(r.body.taken, 1);
  assert.equal(r.body.pass_rate, 100);
  // per branch: member A's branch took it and passed; member B's branch has not taken it
  // (a group's people count in its branch)
  const orgOf = (p) => (p === PERSON.memberA ? ORG.branchA : ORG.branchB);
  const count = (o) => Number(sql(srv.db, `SELECT COUNT(*) FROM people p JOIN orgs po ON po.id = p.org_id, orgs b WHERE p.active = 1 AND b.id = ${o} AND po.path LIKE b.path || '%';`).trim());
  assert.equal(r.body.branches.some((x) => x.org_id === ORG.groupA), false);
  const byOrg = Object.fromEntries(r.body.branches.map((b) => [b.org_id, b]));
  const a = byOrg[orgOf(PERSON.memberA)], b = byOrg[orgOf(PERSON.memberB)];
  assert.deepEqual({ taken: a.taken, passed: a.passed, pass_rate: a.pass_rate, members: a.members },
    { taken: 1, passed: 1, pass_rate: 100, members: count(orgOf(PERSON.memberA)) });
  assert.equal(a.taken_rate, Math.round(100 / a.members));
  assert.deepEqual({ taken: b.taken, passed: b.passed, pass_rate: b.pass_rate, taken_rate: b.taken_rate },
    { taken: 0, passed: 0, pass_rate: 0, taken_rate: 0 });
  assert.ok(b.org_name.length > 0 && b.members === count(orgOf(PERSON.memberB)));
  r = await committee.patch(`/api/v1/study/quizzes/${quiz}`, { title: '改题', questions });
  assert.equal(r.status, 409);
});

test('study: a question bank imported from Excel (saved as CSV)', async () => {
  let r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: '导入测试',
    questions: [{ kind: 'judge', stem: '已有的一题', answer: '错' }] });
  assert.equal(r.status, 201, r.text);
  const quiz = r.body.id;
  const csv = '题型,题干,选项A,选项B,选项C,答案,解析\n单选,党的根本宗旨是,全心全意为人民服务,发展经济,改革开放,A,党章\n判断,支部委员会一般每月召开1次,,,,对,\n';
  const post = (c, body) => c.req('POST', `/api/v1/study/quizzes/${quiz}/import`, body, { headers: { 'content-type': 'text/csv' } });
  r = await post(committee, '题型,题干,选项A,选项B,答案\n单选,甲,一,二,C\n');
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /第 2 行/);
  r = await post(secA, csv); // the committee's draft: not the branch's to see
  assert.equal(r.status, 404);
  r = await post(committee, csv);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.imported, 2);
  r = await committee.get(`/api/v1/study/quizzes/${quiz}`);
  assert.deepEqual(r.body.questions.map((q) => q.answer), ['F', 'A', 'T']);
});

test('study: a notice and its read receipts', async () => {
  let r = await committee.post('/api/v1/study/notices', { org_id: ORG.committee, title: '关于开展十二月主题党日的通知', body: '请各支部按时开展。', read_by: shanghaiDate(3) });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  r = await memberA.get('/api/v1/todos');
  assert.ok(r.body.items.some((t) => t.kind === 'study_notice' && t.link.id === id));
  r = await memberA.post(`/api/v1/study/notices/${id}/read`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.first, true);
  r = await memberA.post(`/api/v1/study/notices/${id}/read`, {});
  assert.equal(r.body.first, false);
  r = await committee.get(`/api/v1/study/notices/${id}/receipts`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.reached, 10);
  assert.equal(r.body.read_count, 1);
  assert.equal(r.body.people.filter((p) => p.read_at).map((p) => p.person_id).join(), String(PERSON.memberA));
  r = await memberA.get('/api/v1/todos');
  assert.ok(!r.body.items.some((t) => t.kind === 'study_notice'));
  // a notice of branch B does not reach branch A
  r = await secB.post('/api/v1/study/notices', { org_id: ORG.branchB, title: '第二党支部通知', body: '内容' });
  r = await memberA.get(`/api/v1/study/notices/${r.body.id}`);
  assert.equal(r.status, 404);
});

test('study: a video\'s length is read from its file when it is attached', async () => {
  const c = await cols();
  let r = await committee.post('/api/v1/study/materials', {
    org_id: ORG.committee, column_id: c[1].id, kind: 'video', title: '警示教育片', length_seconds: 600,
  });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  const put = (body, name) => committee.req('POST', `/api/v1/files?subject=study_material&record=${id}&kind=video&name=${encodeURIComponent(name)}`,
    body, { headers: { 'content-type': 'video/mp4' } });
  // a film of 12 min 34.2 s, its header after 300 KB of media (past the first stored piece)
  r = await put(mp4(600, 600 * 754 + 120), '警示教育片.mp4');
  assert.equal(r.status, 201, r.text);
  r = await committee.get(`/api/v1/study/materials/${id}`);
  assert.equal(r.body.length_seconds, 755, 'rounded up to the whole second');
  // a file that says no length (its header cut off) keeps the length there was
  const broken = mp4(1000, 5000).subarray(0, 300 * 1024);
  r = await put(broken, '残缺.mp4');
  assert.ok([201, 400, 415].includes(r.status), r.text);
  assert.equal((await committee.get(`/api/v1/study/materials/${id}`)).body.length_seconds, 755);
  // a document attached to the same material does not touch its length
  r = await committee.req('POST', `/api/v1/files?subject=study_material&record=${id}&kind=document&name=${encodeURIComponent('讲稿.mp4')}`,
    mp4(1000, 1000), { headers: { 'content-type': 'video/mp4' } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await committee.get(`/api/v1/study/materials/${id}`)).body.length_seconds, 755);
});
