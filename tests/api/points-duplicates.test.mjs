// One deed, one award (issue 11, rule 5): a claim for the same rule, person and deed date
// as a pending or approved one is refused naming the earlier claim (a rejected one may be
// claimed again; a rule that allows several a day counts them against its daily cap), an
// older duplicate cannot be approved a second time, and a manual entry carries an
// idempotency key so the same form sent twice is one entry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';

let srv;
const as = {};
test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  for (const l of ['committee', 'sec-a', 'sec-b', 'member-a', 'member-b']) {
    as[l] = srv.client();
    await as[l].login(l);
  }
});
test.after(async () => { await srv.stop(); });

const TODAY = shanghaiDate(0);
const count = (where) => Number(sql(srv.db, `SELECT COUNT(*) FROM points_claims WHERE ${where};`).trim());

test('the same deed claimed twice is refused with the earlier claim named', async () => {
  const claim = (body) => as['member-b'].post('/api/v1/points/claims', { rule_code: 'article_published', occurred_on: TODAY, ...body });
  let r = await claim({ description: '在市报发表理论文章一篇' });
  assert.equal(r.status, 201, r.text);
  const first = r.body.id;
  r = await claim({ description: '在市报发表理论文章一篇（重复提交）' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, 'occurred_on');
  assert.match(r.body.error.message, new RegExp(`第${first}号申报`));
  assert.match(r.body.error.message, /待审批/);
  assert.equal(count(`person_id = ${PERSON.memberB}`), 1);
  // another day, or another rule, is another deed
  r = await claim({ description: '另一篇文章', occurred_on: shanghaiDate(-1) });
  assert.equal(r.status, 201, r.text);
  r = await as['member-b'].post('/api/v1/points/claims', { rule_code: 'lecture_given', description: '讲授微党课', occurred_on: TODAY });
  assert.equal(r.status, 201, r.text);
  // approved: still refused, and says so
  r = await as['sec-b'].post(`/api/v1/points/claims/${first}/decision`, { approve: true, reason: '同意' });
  assert.equal(r.status, 200, r.text);
  r = await claim({ description: '再报一次' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /已通过/);
  // a rejected claim may be made again (corrected)
  r = await as['member-b'].post('/api/v1/points/claims', { rule_code: 'honour_received', description: '获市级表彰', occurred_on: TODAY });
  assert.equal(r.status, 201);
  const rejected = r.body.id;
  r = await as['sec-b'].post(`/api/v1/points/claims/${rejected}/decision`, { approve: false, reason: '请附表彰文件' });
  assert.equal(r.status, 200);
  r = await as['member-b'].post('/api/v1/points/claims', { rule_code: 'honour_received', description: '获表彰（附文件）', occurred_on: TODAY });
  assert.equal(r.status, 201, r.text);
});

test('two identical claims sent at once become one', async () => {
  const body = { rule_code: 'training_short', description: '参加全市党务干部培训', occurred_on: shanghaiDate(-2) };
  const rs = await Promise.all([0, 1, 2, 3].map(() => as['member-a'].post('/api/v1/points/claims', body)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409]);
  assert.equal(count(`person_id = ${PERSON.memberA} AND rule_code = 'training_short'`), 1);
});

test('duplicates made before the rule cannot both be approved', async () => {
  // two pending claims for one deed, as an older version let through
  sql(srv.db, `INSERT INTO points_claims (person_id, branch_id, rule_code, description, occurred_on, status, created_at) VALUES
    (${PERSON.memberA}, 2, 'training_long', '脱产培训', '${shanghaiDate(-5)}', 'pending', '2026-01-01T00:00:00Z'),
    (${PERSON.memberA}, 2, 'training_long', '脱产培训', '${shanghaiDate(-5)}', 'pending', '2026-01-01T00:00:00Z');`);
  const ids = sql(srv.db, "SELECT id FROM points_claims WHERE rule_code = 'training_long' ORDER BY id;").trim().split('\n').map(Number);
  let r = await as['sec-a'].post(`/api/v1/points/claims/${ids[0]}/decision`, { approve: true });
  assert.equal(r.status, 200, r.text);
  r = await as['sec-a'].post(`/api/v1/points/claims/${ids[1]}/decision`, { approve: true });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, new RegExp(`第${ids[0]}号申报`));
  assert.equal(sql(srv.db, "SELECT COUNT(*) FROM points_ledger WHERE rule_code = 'training_long';").trim(), '1');
  // rejecting it is still possible
  r = await as['sec-a'].post(`/api/v1/points/claims/${ids[1]}/decision`, { approve: false, reason: '重复申报' });
  assert.equal(r.status, 200);
});

test('a rule that allows several a day counts the day\'s claims against its daily cap', async () => {
  let r = await as.committee.post('/api/v1/points/rules', { code: 'volunteer_shift', name: '志愿服务班次', category: '志愿服务',
    points: 2, cap_day: 4, source: 'claim', several_a_day: true, effective_from: '2020-01-01' });
  assert.equal(r.status, 201, r.text);
  const rules = await as['member-a'].get('/api/v1/points/rules');
  assert.equal(rules.body.items.find((x) => x.code === 'volunteer_shift').several_a_day, true);
  const claim = (d) => as['member-a'].post('/api/v1/points/claims', { rule_code: 'volunteer_shift', description: d, occurred_on: TODAY });
  assert.equal((await claim('上午班次')).status, 201);
  assert.equal((await claim('下午班次')).status, 201);
  r = await claim('晚间班次');
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /每日最多计4分/);
  assert.equal(count("rule_code = 'volunteer_shift'"), 2);
});

test('a manual entry takes an idempotency key: sent twice, one entry', async () => {
  const body = { person_id: 6, rule_code: 'absence_unexcused', reason: '无故缺席主题党日', occurred_on: TODAY, client_key: 'form-7f3a9c21' };
  const entries = () => Number(sql(srv.db, "SELECT COUNT(*) FROM points_ledger WHERE source_type = 'manual';").trim());
  let r = await as.committee.post('/api/v1/points/entries', { ...body, client_key: undefined });
  assert.equal(r.status, 400, 'the key is required');
  assert.equal(r.body.error.field, 'client_key');
  r = await as.committee.post('/api/v1/points/entries', { ...body, client_key: 'short' });
  assert.equal(r.status, 400);
  assert.equal(entries(), 0);
  r = await as.committee.post('/api/v1/points/entries', body);
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  r = await as.committee.post('/api/v1/points/entries', body);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, id);
  assert.equal(r.body.replayed, true);
  assert.equal(entries(), 1);
  assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'points_entry' AND action = 'create';").trim(), '1');
  // the key with another member is refused, not silently answered
  r = await as.committee.post('/api/v1/points/entries', { ...body, person_id: 9 });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, 'client_key');
  // the same form sent five times at once: one entry
  const burst = { ...body, client_key: 'form-burst-0001', person_id: 3 };
  const rs = await Promise.all([0, 1, 2, 3, 4].map(() => as.committee.post('/api/v1/points/entries', burst)));
  assert.ok(rs.every((x) => x.status === 201 || x.status === 200), rs.map((x) => x.text).join('\n'));
  assert.equal(new Set(rs.map((x) => x.body.id)).size, 1);
  assert.equal(rs.filter((x) => x.status === 201).length, 1);
  assert.equal(entries(), 2);
  const v = await as.committee.get('/api/v1/points/verify');
  assert.equal(v.body.ok, true);
});
