// A subtree is read as a range of paths ("/1/2/" <= path < "/1/20", src/core/auth.h
// auth_path_end), which the path's index answers on both engines (migration 0122 gives
// orgs.path PostgreSQL's "C" collation).  The answers are those of the prefix it stands
// for: an organisation whose path only shares the digits ("/1/20/", "/1/21/") is never
// in "/1/2/", a grandchild ("/1/2/4/25/") always is — for ?org= filters and for the
// scope of a grant alike.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';
import { iso8 } from '../lib/clock.mjs';

const MIN = 60 * 1000;

// orgs beside the fixture's: 20 and 21 (siblings of 2 whose paths start with "/1/2"),
// 25 (a group inside group 4 of branch 2), 30 (a branch of its own)
const EXTRA = [
  { id: 20, parent: 1, kind: 'branch', name: '第二十党支部', path: '/1/20/' },
  { id: 21, parent: 1, kind: 'branch', name: '第二十一党支部', path: '/1/21/' },
  { id: 25, parent: 4, kind: 'group', name: '第一党小组（二）', path: '/1/2/4/25/' },
  { id: 30, parent: 1, kind: 'branch', name: '第三十党支部', path: '/1/30/' },
];
// one full member in each, ids 20.. (the fixture's are 1–10)
const MEMBERS = EXTRA.map((o, i) => ({ id: 20 + i, org: o.id, name: `子树成员${i + 1}` }));

let srv, com, secA;
const paths = new Map([[1, '/1/'], [2, '/1/2/'], [3, '/1/3/'], [4, '/1/2/4/'], [5, '/1/5/'], [6, '/1/6/'], [7, '/1/7/']]);
for (const o of EXTRA) paths.set(o.id, o.path);

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  const t = '2026-01-01T00:00:00Z';
  sql(srv.db, `BEGIN;
INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES
${EXTRA.map((o) => `(${o.id}, ${o.parent}, '${o.kind}', '${o.name}', '${o.path}', '${t}', '${t}')`).join(',\n')};
INSERT INTO people (id, name, phone, org_id, party_status, joined_on, full_on, created_at, updated_at) VALUES
${MEMBERS.map((p) => `(${p.id}, '${p.name}', '1390000${String(p.id).padStart(4, '0')}', ${p.org}, 'full', '2010-07-01', '2011-07-01', '${t}', '${t}')`).join(',\n')};
COMMIT;`);
  if (srv.db.startsWith('postgresql://')) {
    sql(srv.db, ['orgs', 'people'].map((x) =>
      `SELECT setval(pg_get_serial_sequence('${x}', 'id'), (SELECT max(id) FROM ${x}));`).join('\n'));
  }
  com = srv.client();
  await com.login('committee');
  secA = srv.client();
  await secA.login('sec-a');
});
test.after(async () => { await srv.stop(); });

/** The ids of the people whose branch lies under path, by the prefix. */
async function expectedPeople(prefix) {
  const all = (await com.get('/api/v1/people?limit=500')).body.items;
  return all.filter((p) => p.org_id && paths.get(p.org_id)?.startsWith(prefix)).map((p) => p.id).sort((a, b) => a - b);
}

test('people?org= holds the subtree by its prefix, not its siblings that share the digits', async () => {
  for (const org of [ORG.branchA, ORG.groupA, 20, 21, 25, ORG.committee]) {
    const r = await com.get(`/api/v1/people?org=${org}&limit=500`);
    assert.equal(r.status, 200, r.text);
    const got = r.body.items.map((p) => p.id).sort((a, b) => a - b);
    assert.deepEqual(got, await expectedPeople(paths.get(org)), `org ${org}`);
    assert.equal(r.body.total, got.length);
  }
  const two = (await com.get(`/api/v1/people?org=${ORG.branchA}&limit=500`)).body.items.map((p) => p.id);
  assert.ok(two.includes(22), 'a grandchild group is in the branch');
  assert.ok(!two.includes(20) && !two.includes(21), 'branches 20 and 21 are not in branch 2');
});

test("a grant's scope holds its subtree only", async () => {
  const mine = (await secA.get('/api/v1/people?limit=500')).body.items.map((p) => p.id);
  assert.ok(mine.includes(22), 'the secretary of branch 2 sees the group inside it');
  for (const id of [20, 21, 23]) assert.ok(!mine.includes(id), `person ${id} lies outside branch 2`);
  assert.ok([403, 404].includes((await secA.get('/api/v1/people/20')).status), 'out of scope');
  assert.equal((await secA.get('/api/v1/people/22')).status, 200);
});

test('activities?org= and the scope of the activity list hold the subtree', async () => {
  const now = Date.now();
  const made = {};
  for (const org of [ORG.branchA, 20, 21, 25]) {
    const r = await com.post('/api/v1/activities', {
      org_id: org, kind: 'theme_day', title: `子树主题党日${org}`, starts_at: iso8(now + 60 * MIN),
      ends_at: iso8(now + 120 * MIN), place: '三楼会议室',
    });
    assert.equal(r.status, 201, r.text);
    made[org] = r.body.id;
    assert.equal((await com.post(`/api/v1/activities/${r.body.id}/notice`)).status, 200);
  }
  const ids = async (c, q) => {
    const r = await c.get(`/api/v1/activities?limit=500${q}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, r.body.items.length);
    return r.body.items.map((a) => a.id);
  };
  const two = await ids(com, `&org=${ORG.branchA}`);
  assert.ok(two.includes(made[2]) && two.includes(made[25]), 'the branch and the group inside it');
  assert.ok(!two.includes(made[20]) && !two.includes(made[21]), 'not the branches that share the digits');
  assert.deepEqual(await ids(com, '&org=20'), [made[20]]);
  const sec = await ids(secA, '');
  assert.ok(sec.includes(made[2]) && sec.includes(made[25]));
  assert.ok(!sec.includes(made[20]) && !sec.includes(made[21]), "outside the secretary's scope");
  // the filters still combine: kind, the title, the subtree
  assert.deepEqual(await ids(com, `&org=${ORG.branchA}&kind=theme_day&q=${encodeURIComponent('主题党日25')}`), [made[25]]);
  assert.deepEqual(await ids(com, `&org=${ORG.branchA}&kind=branch_assembly&q=${encodeURIComponent('子树')}`), []);
});
