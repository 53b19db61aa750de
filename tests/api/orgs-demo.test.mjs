// The demo agency (issue 3): a fictional 市政府办公室机关党委 with 8–12 branches
// (some with 党小组), a 工会, a 妇委会 and a 团支部, about 150 people, officers for
// every post, a brand per branch, one account per role, and one or two rule
// breaches on purpose so the warnings panel has something to show.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

test('the demo agency', async () => {
  const srv = await startServer({ demo: true });
  try {
    const com = srv.client(); await com.login('demo-committee');
    const { items: orgs } = (await com.get('/api/v1/orgs')).body;
    assert.equal(orgs.find((o) => o.id === 1).name, '市政府办公室机关党委');
    const branches = orgs.filter((o) => o.kind === 'branch');
    assert.ok(branches.length >= 8 && branches.length <= 12, `${branches.length} branches`);
    assert.ok(orgs.some((o) => o.kind === 'group'));
    for (const k of ['union', 'women', 'youth']) assert.equal(orgs.filter((o) => o.kind === k).length, 1, k);
    for (const b of branches) {
      assert.ok(b.brand_name && b.brand_slogan && b.brand_description, `${b.name} has a brand`);
      assert.ok(b.term_start && b.term_end, `${b.name} has a term`);
      assert.ok(b.officers.some((o) => o.post === 'secretary'), `${b.name} has a 书记`);
    }
    // 支委会 branches have every post, a 纪检委员 included — except the one left without on purpose
    const committees = branches.filter((b) => b.full_members >= 7);
    const noDiscipline = committees.filter((b) => !b.officers.some((o) => o.post === 'discipline'));
    assert.equal(noDiscipline.length, 1);
    for (const b of committees) {
      for (const post of ['secretary', 'organization', 'propaganda']) assert.ok(b.officers.some((o) => o.post === post), `${b.name} ${post}`);
    }
    for (const k of ['union', 'women', 'youth']) assert.ok(orgs.find((o) => o.kind === k).officers.some((o) => o.post === 'chair'), `${k} chair`);
    // exactly the planted warnings
    const warnings = orgs.flatMap((o) => o.warnings.map((w) => `${o.name}:${w.code}`)).sort();
    // (the dues demo plants one member 3 months behind and one 6 months behind: issue 16)
    assert.deepEqual(warnings, [`${noDiscipline[0].name}:no_discipline_member`, '第三党支部（综合科）:dues_arrears_flag',
      '第二党支部（秘书二科）:dues_arrears_warn', '第四党支部（督查科）:term_ending'].sort());
    // the roster: about 150 people, realistic names, varied statuses
    const people = (await com.get('/api/v1/people?active=all&limit=1')).body.total;
    assert.ok(people >= 130 && people <= 170, `${people} people`);
    for (const s of ['full', 'probationary', 'candidate', 'activist', 'applicant', 'none']) {
      assert.ok((await com.get(`/api/v1/people?status=${s}&limit=1`)).body.total > 0, s);
    }
    const names = (await com.get('/api/v1/people?limit=500')).body.items.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, 'names are unique');
    assert.ok(names.every((n) => /^[\u4e00-\u9fff]{2,3}$/.test(n)));
    // the accounts
    const first = branches.sort((a, b) => a.sort - b.sort)[0];
    const sec = srv.client(); const s = await sec.login('demo-secretary');
    assert.deepEqual(s.grants.map((g) => [g.role, g.org_id]), [['secretary', first.id]]);
    assert.equal(first.officers.find((o) => o.post === 'secretary').person_id, s.user.person_id);
    const mem = srv.client(); const m = await mem.login('demo-member');
    assert.deepEqual(m.grants.map((g) => [g.role, g.org_id]), [['member', first.id]]);
    const me = (await mem.get(`/api/v1/people/${m.user.person_id}`)).body;
    assert.equal(me.branch_id, first.id);
    const r = await mem.get(`/api/v1/orgs/${first.id}/members`);
    assert.ok(r.body.items.length >= 10);
    const off = srv.client(); const o = await off.login('demo-officer');
    assert.equal(o.grants[0].role, 'officer');
    assert.equal(orgs.find((x) => x.id === o.grants[0].org_id).kind, 'union');
    assert.ok((await off.get(`/api/v1/people?org=${o.grants[0].org_id}`)).body.total > 50, 'the union officer sees the union');
    // the demo's branches carry a note in brackets; a roster may leave it out
    let imp = await com.post('/api/v1/people/import?dry_run=1', '姓名,所在支部,党员类别\n甲,第二党支部,群众\n乙,第二党支部（秘书二科）,群众\n丙,第一党小组,群众\n丁,第一党支部（秘书一科）/第一党小组,群众\n',
      { headers: { 'content-type': 'text/csv' } });
    assert.deepEqual(imp.body.errors.map((e) => e.line), [4], JSON.stringify(imp.body.errors));
    for (const login of ['demo-discipline', 'demo-leader']) {
      const c = srv.client(); const b = await c.login(login);
      assert.equal(b.grants[0].org_id, 1);
    }
  } finally {
    await srv.stop();
  }
});
