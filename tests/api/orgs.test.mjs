// API tests of the organisation tree (issue 3): the tree by scope, create,
// rename, terms, officers, brand, move (the subtree's paths follow), dissolve,
// and the warnings computed from the data.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';

test('organisations', async (t) => {
  const srv = await startServer();
  seedAgency(srv.db);
  const com = srv.client(); await com.login('committee');
  const secA = srv.client(); await secA.login('sec-a');
  const memA = srv.client(); await memA.login('member-a');
  try {
    await t.test('the tree: the committee sees all, a secretary their branch', async () => {
      let r = await com.get('/api/v1/orgs');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.items.map((o) => o.id).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
      const b2 = r.body.items.find((o) => o.id === ORG.branchA);
      assert.equal(b2.kind, 'branch');
      assert.equal(b2.full_members, 4); // people 1, 2, 3 (in the group) and 6
      assert.equal(b2.members, 5); // and the probationary member 4
      assert.deepEqual(b2.warnings, []);
      r = await secA.get('/api/v1/orgs');
      assert.deepEqual(r.body.items.map((o) => o.id), [2, 4]);
      r = await memA.get('/api/v1/orgs');
      assert.deepEqual(r.body.items.map((o) => o.id), [2, 4]);
      r = await secA.get('/api/v1/orgs/3');
      assert.equal(r.status, 403);
      r = await com.get('/api/v1/orgs/999');
      assert.equal(r.status, 404);
    });

    await t.test('create: kinds under their parents, scope, validation, audit', async () => {
      let r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'branch', name: '第三党支部', term_start: shanghaiDate(-300), term_end: shanghaiDate(800) });
      assert.equal(r.status, 201, r.text);
      const id = r.body.id;
      assert.equal(r.body.path, `/1/${id}/`);
      r = await com.get(`/api/v1/orgs/${id}`);
      assert.equal(r.body.terms.length, 1);
      r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'group', name: '小组' });
      assert.equal(r.status, 422);
      assert.equal(r.body.error.field, 'kind');
      r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'club', name: 'x' });
      assert.equal(r.status, 400);
      r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'branch', name: '  ' });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'name');
      r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'branch', name: 'x', term_start: '2025-01-01' });
      assert.equal(r.status, 400);
      r = await com.post('/api/v1/orgs', { parent_id: 77, kind: 'branch', name: 'x' });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'parent_id');
      r = await secA.post('/api/v1/orgs', { parent_id: 2, kind: 'group', name: '第二党小组' });
      assert.equal(r.status, 403);
      const audit = sql(srv.db, `SELECT action || '|' || entity FROM audit WHERE entity = 'org' AND entity_id = ${id};`).trim();
      assert.equal(audit, 'create|org');
    });

    await t.test('rename, terms, officers; a secretary keeps only the brand of their branch', async () => {
      let r = await com.patch('/api/v1/orgs/3', { name: '第二党支部（综合科）', term_start: shanghaiDate(-700), term_end: shanghaiDate(395) });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.name, '第二党支部（综合科）');
      r = await com.get('/api/v1/orgs/3');
      assert.deepEqual(r.body.terms.map((x) => x.term_start), [shanghaiDate(-700)]);
      r = await com.patch('/api/v1/orgs/3', { term_start: shanghaiDate(-700), term_end: shanghaiDate(-760) });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'term_end');
      r = await com.patch('/api/v1/orgs/3', { officers: [{ post: 'secretary', person_id: 7 }, { post: 'discipline', person_id: 9 }, { post: 'organization', person_id: 8 }] });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.officers.map((o) => [o.post, o.person_id]), [['secretary', 7], ['organization', 8], ['discipline', 9]]);
      r = await com.patch('/api/v1/orgs/3', { officers: [{ post: 'secretary', person_id: 7 }, { post: 'secretary', person_id: 8 }] });
      assert.equal(r.status, 400);
      r = await com.patch('/api/v1/orgs/3', { officers: [{ post: 'chair', person_id: 7 }] });
      assert.equal(r.status, 400);
      r = await com.patch('/api/v1/orgs/3', { officers: [{ post: 'secretary', person_id: 9999 }] });
      assert.equal(r.status, 400);
      r = await com.get('/api/v1/orgs/3');
      assert.equal(r.body.officers.length, 3, 'a refused change left the officers alone');
      // the brand: the branch's own secretary may keep it (its own route, org.brand), nobody else's
      r = await secA.patch('/api/v1/orgs/2/brand', { brand_name: '红色引擎', brand_slogan: '围绕中心抓党建', brand_description: '……' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.brand_name, '红色引擎');
      r = await secA.patch('/api/v1/orgs/3/brand', { brand_name: '抢品牌' });
      assert.equal(r.status, 403);
      r = await secA.patch('/api/v1/orgs/2/brand', { name: '改名' });
      assert.equal(r.status, 400, 'only the brand goes through /brand');
      // PATCH /orgs/:id is routed with org.write: a secretary is refused before the handler runs
      r = await secA.patch('/api/v1/orgs/2', { brand_name: '红色引擎' });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.message, '您的角色没有此项权限');
      r = await secA.patch('/api/v1/orgs/2', { name: '改名' });
      assert.equal(r.status, 403);
      r = await com.patch('/api/v1/orgs/2', { nonsense: 1 });
      assert.equal(r.status, 400);
      const last = `FROM audit WHERE entity = 'org' AND entity_id = 2 ORDER BY id DESC LIMIT 1;`;
      assert.equal(JSON.parse(sql(srv.db, `SELECT before ${last}`)).brand_name, null);
      assert.equal(JSON.parse(sql(srv.db, `SELECT after ${last}`)).brand_name, '红色引擎');
    });

    await t.test('move: the whole subtree follows in one step', async () => {
      let r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'general_branch', name: '机关第一党总支' });
      const gb = r.body.id;
      r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'branch', name: '待迁支部' });
      const br = r.body.id;
      r = await com.post('/api/v1/orgs', { parent_id: br, kind: 'group', name: '待迁小组' });
      const gr = r.body.id;
      r = await com.patch(`/api/v1/orgs/${br}`, { parent_id: gb });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.path, `/1/${gb}/${br}/`);
      r = await com.get(`/api/v1/orgs/${gr}`);
      assert.equal(r.body.path, `/1/${gb}/${br}/${gr}/`);
      r = await com.patch(`/api/v1/orgs/${gb}`, { parent_id: br });
      assert.equal(r.status, 422, 'into its own subtree');
      r = await com.patch(`/api/v1/orgs/${gr}`, { parent_id: 1 });
      assert.equal(r.status, 422, 'a group sits under a branch');
      r = await com.patch('/api/v1/orgs/1', { parent_id: 2 });
      assert.equal(r.status, 422);
      const action = sql(srv.db, `SELECT action FROM audit WHERE entity = 'org' AND entity_id = ${br} ORDER BY id DESC LIMIT 1;`).trim();
      assert.equal(action, 'move');
    });

    await t.test('dissolve: refused while it has members, kept in history', async () => {
      let r = await com.patch('/api/v1/orgs/3', { dissolved_on: shanghaiDate(0) });
      assert.equal(r.status, 409);
      assert.match(r.body.error.message, /成员/);
      r = await com.patch('/api/v1/orgs/2', { dissolved_on: shanghaiDate(0) });
      assert.equal(r.status, 409, 'its group is still active');
      r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'branch', name: '临时支部' });
      const id = r.body.id;
      r = await com.patch(`/api/v1/orgs/${id}`, { dissolved_on: shanghaiDate(0) });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.dissolved_on, shanghaiDate(0));
      r = await com.get('/api/v1/orgs');
      assert.ok(!r.body.items.some((o) => o.id === id));
      r = await com.get('/api/v1/orgs?all=1');
      assert.ok(r.body.items.some((o) => o.id === id));
      r = await com.patch(`/api/v1/orgs/${id}`, { name: '复活' });
      assert.equal(r.status, 409);
      r = await com.patch('/api/v1/orgs/1', { dissolved_on: shanghaiDate(0) });
      assert.equal(r.status, 422, 'the root stays');
    });

    await t.test('warnings follow the data', async () => {
      const codes = async (id) => (await com.get(`/api/v1/orgs/${id}/warnings`)).body.items.map((w) => w.code);
      assert.deepEqual(await codes(3), []);
      await com.patch('/api/v1/orgs/3', { term_start: shanghaiDate(-1065), term_end: shanghaiDate(30) });
      assert.deepEqual(await codes(3), ['term_ending']);
      // the 换届提醒 window is a setting
      const admin = srv.client(); await admin.login('admin');
      let s = await admin.patch('/api/v1/settings', { 'orgs.term_warning_days': 20 });
      assert.equal(s.status, 200, s.text);
      assert.deepEqual(await codes(3), []);
      s = await admin.patch('/api/v1/settings', { 'orgs.term_warning_days': 90 });
      assert.deepEqual(await codes(3), ['term_ending']);
      await com.patch('/api/v1/orgs/3', { term_start: shanghaiDate(-1096), term_end: shanghaiDate(-1) });
      assert.deepEqual(await codes(3), ['term_ended']);
      const w = (await com.get('/api/v1/orgs/3/warnings')).body.items[0];
      assert.match(w.message, /换届/);
      await com.patch('/api/v1/orgs/3', { term_start: shanghaiDate(-30), term_end: shanghaiDate(1000) });
      // four more full members: 7 full, and the committee has only 3 seats filled → fine; drop the 纪检委员
      for (let i = 0; i < 4; i++) {
        const r = await com.post('/api/v1/people', { name: `新党员${i}`, org_id: 3, party_status: 'full', joined_on: '2010-07-01', full_on: '2011-07-01' });
        assert.equal(r.status, 201, r.text);
      }
      assert.deepEqual(await codes(3), []);
      await com.patch('/api/v1/orgs/3', { officers: [{ post: 'secretary', person_id: 7 }] });
      assert.deepEqual(await codes(3), ['no_committee', 'no_discipline_member']);
      await com.patch('/api/v1/orgs/3', { officers: [{ post: 'secretary', person_id: 7 }, { post: 'organization', person_id: 8 }, { post: 'propaganda', person_id: 9 }] });
      assert.deepEqual(await codes(3), ['no_discipline_member']);
      // a branch with fewer than 3 full members
      let r = await com.post('/api/v1/orgs', { parent_id: 1, kind: 'branch', name: '小支部' });
      const small = r.body.id;
      assert.deepEqual(await codes(small), ['too_few_members']);
      r = await secA.get(`/api/v1/orgs/${small}/warnings`);
      assert.equal(r.status, 403);
      // the tree carries the same warnings
      r = await com.get('/api/v1/orgs');
      assert.deepEqual(r.body.items.find((o) => o.id === 3).warnings.map((x) => x.code), ['no_discipline_member']);
      // more than 50 members in a branch
      const rows = ['姓名,所在支部,党员类别,入党时间,转正时间'];
      for (let i = 0; i < 48; i++) rows.push(`批量${i},第一党支部,正式党员,2000-07-01,2001-07-01`);
      r = await com.post('/api/v1/people/import?dry_run=0', rows.join('\n'), { headers: { 'content-type': 'text/csv' } });
      assert.equal(r.status, 200, r.text);
      assert.ok((await codes(2)).includes('too_many_members'));
    });
  } finally {
    await srv.stop();
  }
});
