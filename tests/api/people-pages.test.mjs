// The roster's default order (by organisation, people without a party organisation last) paged
// by keyset cursors: every person once, in the one-page order, across the two runs
// (src/people/people_page.c); the total on a page reached by an offset, null on a keyset page.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';

let srv, com, sec;
test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  // two people without a party organisation (a union member, a youth member)
  sql(srv.db, `UPDATE people SET org_id = NULL WHERE id IN (5, 10);`);
  com = srv.client();
  await com.login('committee');
  sec = srv.client();
  await sec.login('sec-a');
});
test.after(async () => { await srv.stop(); });

async function walk(client, query, limit) {
  const seen = [];
  let r = await client.get(`/api/v1/people?${query}&limit=${limit}`);
  assert.equal(r.status, 200, r.text);
  const total = r.body.total;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 50, 'the pages end');
    seen.push(...r.body.items.map((p) => p.id));
    if (!r.body.next) break;
    // the whole roster pages by keyset; one subtree (?org=) by an offset
    assert.match(r.body.next, query.includes('org=') ? /^\d+$/ : /^k[AB]\d+/);
    r = await client.get(`/api/v1/people?${query}&limit=${limit}&cursor=${encodeURIComponent(r.body.next)}`);
    assert.equal(r.status, 200, r.text);
    if (!query.includes('org=')) assert.equal(r.body.total, null, 'a keyset page is not counted');
  }
  return { seen, total };
}

test('keyset pages give every person once, in the one-page order, the unaffiliated last', async () => {
  const all = (await com.get('/api/v1/people?limit=500')).body;
  const ids = all.items.map((p) => p.id);
  assert.equal(all.total, ids.length);
  assert.deepEqual(ids.slice(-2), [5, 10], 'people without a party organisation come last');
  for (const limit of [1, 2, 3, 4, 7]) {
    const { seen, total } = await walk(com, 'active=1', limit);
    assert.deepEqual(seen, ids, `limit ${limit}`);
    assert.equal(total, ids.length);
  }
  // within one branch, and for a secretary's scope
  const branch = (await com.get(`/api/v1/people?org=${ORG.branchA}&limit=500`)).body.items.map((p) => p.id);
  assert.ok(branch.length >= 3);
  assert.deepEqual((await walk(com, `org=${ORG.branchA}`, 2)).seen, branch);
  const mine = (await sec.get('/api/v1/people?limit=500')).body.items.map((p) => p.id);
  assert.deepEqual((await walk(sec, 'active=1', 2)).seen, mine);
});

test('page numbers (an offset) read in the same order, with the total', async () => {
  const ids = (await com.get('/api/v1/people?limit=500')).body.items.map((p) => p.id);
  for (let off = 0; off < ids.length + 2; off += 3) {
    const r = await com.get(`/api/v1/people?limit=3&cursor=${off}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((p) => p.id), ids.slice(off, off + 3), `offset ${off}`);
    assert.equal(r.body.total, ids.length);
    assert.equal(r.body.next === null, off + 3 >= ids.length, `offset ${off}: ${r.body.next}`);
  }
});

test('a made-up or mismatched cursor is refused', async () => {
  for (const c of ['kA1', 'kA1./1/x', 'kC5', 'kB0', 'kB1x', 'k', 'kA99999999999999999999./1/']) {
    const r = await com.get(`/api/v1/people?cursor=${encodeURIComponent(c)}`);
    assert.equal(r.status, 400, c);
    assert.equal(r.body.error.field, 'cursor');
  }
  let r = await com.get(`/api/v1/people?sort=name&cursor=${encodeURIComponent('kB3')}`);
  assert.equal(r.status, 400, 'a keyset cursor belongs to the default order');
  r = await com.get(`/api/v1/people?org=${ORG.branchA}&cursor=${encodeURIComponent('kB3')}`);
  assert.equal(r.status, 400, 'and to the whole roster');
});
