// Every id a request carries is checked against the caller's scope, not only the
// path's id (issue 12, item 1): a secretary of branch A naming people of branch B,
// an office role of branch A naming organisations or people outside it, a union
// officer naming a branch member who is not in the union — each gets a 4xx naming
// the field, and nothing is written.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';

let srv;
const as = async (login) => { const c = srv.client(); await c.login(login, PASSWORD); return c; };
const n = (q) => Number(sql(srv.db, q).trim());
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  // the committee's powers over branch A only: what a 总支 office would hold
  sql(srv.db, `INSERT INTO users (login, name, password_hash, created_at)
      SELECT 'com-a', '第一支部委员', password_hash, '2026-01-01T00:00:00Z' FROM users WHERE login = 'admin';
    INSERT INTO grants (user_id, role, org_id) SELECT id, 'committee', ${ORG.branchA} FROM users WHERE login = 'com-a';`);
});
test.after(async () => { await srv.stop(); });

/** Asserts a refusal that names the field, and that the count q did not move. */
async function refused(promise, field, q, status = 403) {
  const before = q ? n(q) : 0;
  const r = await promise;
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.field, field, r.text);
  if (status === 403) assert.equal(r.body.error.code, 'out_of_scope');
  if (q) assert.equal(n(q), before, 'nothing written');
  return r;
}

const activity = (over = {}) => ({
  org_id: ORG.branchA, kind: 'branch_assembly', title: '支部党员大会', place: '会议室',
  starts_at: iso(Date.now() + 3600e3), ends_at: iso(Date.now() + 7200e3), ...over,
});

test('organisational life: expected people, host, recorder, the PATCHed list and a manual check-in', async () => {
  const secA = await as('sec-a');
  const count = 'SELECT COUNT(*) FROM activities;';
  await refused(secA.post('/api/v1/activities', activity({ expected_person_ids: [PERSON.memberA, PERSON.memberB] })),
    'expected_person_ids', count);
  await refused(secA.post('/api/v1/activities', activity({ host_person_id: PERSON.secB })), 'host_person_id', count);
  await refused(secA.post('/api/v1/activities', activity({ recorder_person_id: PERSON.memberB })), 'recorder_person_id', count);
  await refused(secA.post('/api/v1/activities', activity({ org_id: ORG.branchB })), 'org_id', count);
  const unknown = await refused(secA.post('/api/v1/activities', activity({ expected_person_ids: [9999] })),
    'expected_person_ids', count, 400);
  assert.equal(unknown.body.error.code, 'not_found');
  const made = await secA.post('/api/v1/activities', activity({ expected_person_ids: [PERSON.secA, PERSON.memberA] }));
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  const people = `SELECT COUNT(*) FROM activity_people WHERE activity_id = ${id};`;
  await refused(secA.patch(`/api/v1/activities/${id}`, { expected_person_ids: [PERSON.memberA, PERSON.memberB] }),
    'expected_person_ids', people);
  assert.equal(n(`SELECT COUNT(*) FROM activity_people WHERE activity_id = ${id} AND person_id = ${PERSON.memberB};`), 0);
  await refused(secA.patch(`/api/v1/activities/${id}`, { host_person_id: PERSON.memberB }), 'host_person_id');
  assert.equal(sql(srv.db, `SELECT host_person_id FROM activities WHERE id = ${id};`).trim(), '');
  assert.equal((await secA.post(`/api/v1/activities/${id}/notice`)).status, 200);
  // a member of another branch is not signed in by hand, and earns no point
  await refused(secA.post(`/api/v1/activities/${id}/checkin`, { person_id: PERSON.memberB }), 'person_id',
    'SELECT COUNT(*) FROM attendance;');
  assert.equal(n(`SELECT COUNT(*) FROM life_events WHERE person_id = ${PERSON.memberB};`), 0);
});

test('a union officer reaches the union\'s members, not a branch member outside the union', async () => {
  const officer = await as('officer');
  const union = activity({ org_id: ORG.union, kind: 'volunteer', title: '工会志愿服务' });
  await refused(officer.post('/api/v1/activities', { ...union, expected_person_ids: [PERSON.memberA] }),
    'expected_person_ids', 'SELECT COUNT(*) FROM activities;');
  // once the committee adds the member to the union, the officer may name her
  const com = await as('committee');
  assert.equal((await com.patch(`/api/v1/people/${PERSON.memberA}`, { mass_orgs: [ORG.union] })).status, 200);
  const ok = await officer.post('/api/v1/activities', { ...union, expected_person_ids: [PERSON.memberA] });
  assert.equal(ok.status, 201, ok.text);
  // still not someone else of branch A
  await refused(officer.patch(`/api/v1/activities/${ok.body.id}`, { expected_person_ids: [PERSON.memberA, PERSON.secA] }),
    'expected_person_ids');
});

test('the roster: mass organisations, the branch a person is put in', async () => {
  const secA = await as('sec-a');
  const member = `SELECT COUNT(*) FROM person_orgs WHERE person_id = ${PERSON.memberA + 1};`;
  await refused(secA.patch(`/api/v1/people/${PERSON.memberA + 1}`, { mass_orgs: [ORG.women] }), 'mass_orgs', member);
  await refused(secA.patch(`/api/v1/people/${PERSON.memberA + 1}`, { org_id: ORG.branchB }), 'org_id');
  await refused(secA.post('/api/v1/people', { name: '新人', org_id: ORG.branchB }), 'org_id', 'SELECT COUNT(*) FROM people;');
  await refused(secA.post('/api/v1/people', { name: '新人', org_id: ORG.branchA, mass_orgs: [ORG.youth] }), 'mass_orgs',
    'SELECT COUNT(*) FROM people;');
});

test('points: a manual entry only for people within reach', async () => {
  const comA = await as('com-a');
  const body = { person_id: PERSON.memberB, rule_code: 'manual_bonus', reason: '越权加分', occurred_on: shanghaiDate(0), client_key: 'scope-manual-1' };
  await refused(comA.post('/api/v1/points/entries', body), 'person_id', 'SELECT COUNT(*) FROM points_ledger;');
  const rankings = await comA.get(`/api/v1/points/rankings?org=${ORG.branchB}`);
  assert.equal(rankings.status, 403);
  assert.equal(rankings.body.error.field, 'org');
});

test('work lists: owners, co-owners, co-organisations and the responsible unit', async () => {
  const comA = await as('com-a');
  const list = await comA.post('/api/v1/lists', { kind: 'concerns', title: '三心事清单', org_id: ORG.branchA });
  assert.equal(list.status, 201, list.text);
  const items = 'SELECT COUNT(*) FROM list_items;';
  const item = { title: '事项', category: '暖心事', due_on: shanghaiDate(30) };
  await refused(comA.post(`/api/v1/lists/${list.body.id}/items`, { ...item, owners: [PERSON.memberB] }), 'owners', items);
  await refused(comA.post(`/api/v1/lists/${list.body.id}/items`, { ...item, co_owners: [PERSON.secB] }), 'co_owners', items);
  await refused(comA.post(`/api/v1/lists/${list.body.id}/items`, { ...item, co_orgs: [ORG.branchB] }), 'co_orgs', items);
  await refused(comA.post(`/api/v1/lists/${list.body.id}/items`, { ...item, org_id: ORG.branchB }), 'org_id', items);
  await refused(comA.post('/api/v1/lists', { kind: 'concerns', title: '别人的清单', org_id: ORG.branchB }), 'org_id',
    'SELECT COUNT(*) FROM lists;');
  // and in an imported table, where people are named rather than numbered
  const csv = '事项名称,类别,责任人,完成时限\n走访困难党员,暖心事,周丽,' + shanghaiDate(30) + '\n';
  for (const dry of [1, 0]) {
    const imp = await comA.req('POST', `/api/v1/lists/${list.body.id}/import?dry_run=${dry}`, csv,
      { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    assert.equal(imp.status, 403, imp.text);
    assert.equal(imp.body.error.field, 'owners');
    assert.match(imp.body.error.message, /表格第 1 个事项/);
  }
  assert.equal(n(items), 0, 'nothing imported');
  // and in the query string
  const secA = await as('sec-a');
  const q = await secA.get(`/api/v1/items?person_id=${PERSON.memberB}`);
  assert.equal(q.status, 403);
  assert.equal(q.body.error.field, 'person_id');
  assert.equal((await secA.get(`/api/v1/items?org_id=${ORG.branchB}`)).status, 403);
  assert.equal((await secA.get(`/api/v1/items?person_id=${PERSON.secA}`)).status, 200, 'one\'s own id is in reach');
});

test('inspections: the inspected branch and each finding\'s owners', async () => {
  const comA = await as('com-a');
  const body = {
    org_id: ORG.branchA, on_date: shanghaiDate(-1), title: '点穴式检查', inspectors: ['王检查'],
    findings: [{ title: '问题一', due_on: shanghaiDate(20), owners: [PERSON.secA] },
      { title: '问题二', due_on: shanghaiDate(20), owners: [PERSON.memberB] }],
  };
  const insp = 'SELECT COUNT(*) FROM inspections;';
  const r = await refused(comA.post('/api/v1/inspections', body), 'findings', insp);
  assert.match(r.body.error.message, /“发现问题”第 2 项的“整改责任人”中编号为 8 的人员不在您的管理范围内/);
  await refused(comA.post('/api/v1/inspections', { ...body, org_id: ORG.branchB, findings: [body.findings[0]] }), 'org_id', insp);
  assert.equal((await comA.get(`/api/v1/inspections?org_id=${ORG.branchB}`)).status, 403);
});

test('organisations: officers and the parent of a new or moved organisation', async () => {
  const comA = await as('com-a');
  await refused(comA.patch(`/api/v1/orgs/${ORG.groupA}`, { officers: [{ post: 'leader', person_id: PERSON.memberB }] }),
    'officers', 'SELECT COUNT(*) FROM org_officers;');
  await refused(comA.post('/api/v1/orgs', { parent_id: ORG.branchB, kind: 'group', name: '越权小组' }), 'parent_id',
    'SELECT COUNT(*) FROM orgs;');
  await refused(comA.patch(`/api/v1/orgs/${ORG.groupA}`, { parent_id: ORG.branchB }), 'parent_id');
  assert.equal(sql(srv.db, `SELECT parent_id FROM orgs WHERE id = ${ORG.groupA};`).trim(), String(ORG.branchA));
});

test('assessment scores: the branch must exist and be within reach', async () => {
  const com = await as('committee');
  const r = await com.post('/api/v1/assessment/periods/1/scores', { org_id: 9999, indicator_id: 1, score: 1, comment: '评语' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'org_id');
  assert.equal(r.body.error.code, 'not_found');
});

test('accounts and grants: the person an account is for, the organisation a role is granted on', async () => {
  sql(srv.db, `INSERT INTO users (login, name, password_hash, created_at)
      SELECT 'sys-a', '支部系统管理员', password_hash, '2026-01-01T00:00:00Z' FROM users WHERE login = 'admin';
    INSERT INTO grants (user_id, role, org_id) SELECT id, 'admin', ${ORG.branchA} FROM users WHERE login = 'sys-a';
    INSERT INTO users (login, name, password_hash, created_at)
      SELECT 'sa-a', '支部安全管理员', password_hash, '2026-01-01T00:00:00Z' FROM users WHERE login = 'admin';
    INSERT INTO grants (user_id, role, org_id) SELECT id, 'secadmin', ${ORG.branchA} FROM users WHERE login = 'sa-a';`);
  const sysA = await as('sys-a');
  await refused(sysA.post('/api/v1/users', { login: 'zhou-li', name: '周丽', password: 'Temp#Pass2026', person_id: PERSON.memberB }),
    'person_id', 'SELECT COUNT(*) FROM users;');
  const saA = await as('sa-a');
  const target = n("SELECT id FROM users WHERE login = 'member-a';");
  await refused(saA.post(`/api/v1/users/${target}/grants`, { role: 'secretary', org_id: ORG.branchB }), 'org_id',
    'SELECT COUNT(*) FROM grants;');
  assert.equal((await saA.post(`/api/v1/users/${target}/grants`, { role: 'secretary', org_id: ORG.groupA })).status, 204);
});

test('every refusal is on the record', async () => {
  const auditor = await as('auditor');
  const r = await auditor.get('/api/v1/audit?action=forbidden&login=sec-a&limit=100');
  assert.ok(r.body.total >= 5);
  assert.ok(r.body.items.some((x) => x.after.code === 'out_of_scope' && x.after.field === 'expected_person_ids'));
});
