// Every to-do leads to where it is done (issue 11, item 6): a branch secretary with one
// to-do of each link type the server writes — an activity to attend, a leave request to
// decide, a requirement near its period's end, claims to approve, their own decided claim,
// a list item due — follows each one, on the phone and in the console, and lands on the
// screen for it. The home groups them by kind with counts (item 9).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate, iso8 } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';
import { TODO_LINK_TYPES } from '../../web/src/lib/todos.js';

let server;
let browser;
const MIN = 60 * 1000;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  const as = async (login) => { const c = server.client(); await c.login(login); return c; };
  const admin = await as('admin');
  const committee = await as('committee');
  const sec = await as('sec-a');
  const mem = await as('member-a');
  // remind the secretary of every requirement whose period ends within 90 days (the month's always does)
  assert.equal((await admin.patch('/api/v1/settings', { 'life.todo_warn_days': 90 })).status, 200);
  // an activity tomorrow both attend; the member asks for leave
  const t0 = Date.now() + 26 * 3600 * 1000;
  let r = await sec.post('/api/v1/activities', { org_id: ORG.branchA, kind: 'theme_day', title: '主题党日：走访企业',
    place: '三楼会议室', starts_at: iso8(t0), ends_at: iso8(t0 + 90 * MIN) });
  assert.equal(r.status, 201, r.text);
  assert.equal((await sec.post(`/api/v1/activities/${r.body.id}/notice`)).status, 200);
  assert.equal((await mem.post(`/api/v1/activities/${r.body.id}/leave`, { reason: '外出培训' })).status, 201);
  // a claim of the member to approve; the secretary's own claim, approved by the committee
  assert.equal((await mem.post('/api/v1/points/claims', { rule_code: 'article_published', description: '发表理论文章一篇', occurred_on: shanghaiDate(-1) })).status, 201);
  r = await sec.post('/api/v1/points/claims', { rule_code: 'lecture_given', description: '讲授专题党课', occurred_on: shanghaiDate(-2) });
  assert.equal(r.status, 201, r.text);
  assert.equal((await committee.post(`/api/v1/points/claims/${r.body.id}/decision`, { approve: true })).status, 200);
  // a list item the secretary answers for, due in three days
  r = await committee.post('/api/v1/lists', { kind: 'model_organ', title: '模范机关创建工作清单', year: Number(shanghaiDate(0).slice(0, 4)) });
  assert.equal(r.status, 201, r.text);
  r = await committee.post(`/api/v1/lists/${r.body.id}/items`, { title: '开展专题学习', category: '学习型', org_id: ORG.branchA,
    owners: [PERSON.secA], due_on: shanghaiDate(3) });
  assert.equal(r.status, 201, r.text);
  const todos = await sec.get('/api/v1/todos');
  const types = new Set(todos.body.items.map((i) => i.link && i.link.type));
  assert.deepEqual([...TODO_LINK_TYPES].filter((x) => !types.has(x)), [], 'the fixture makes every link type');
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** What each landing screen shows, per app. */
const LANDS = {
  admin: {
    activity: '[data-test="activity-title"]',
    leave: '[data-test="leave-table"], [data-test="activity-title"]',
    compliance: '[data-test="compliance-table"]',
    points_claims: '[data-test="claims-table"]',
    points_claim: '[data-test="claims-scope"]',
    list_item: '[data-test="item-drawer"]',
  },
  mobile: {
    activity: '[data-test="activity-title"]',
    leave: '[data-test="leave-decisions"]',
    compliance: '[data-test="m-compliance-org"]',
    points_claims: '[data-test="approval"]',
    points_claim: '[data-test="claim-form"]',
    list_item: '[data-test="m-status"]',
  },
};

for (const [app, kind, base] of [['admin', 'desktop', '/admin'], ['mobile', 'phone', '/m']]) {
  test(`${app}: every to-do link type leads to its screen`, async (t) => {
    await withPage(t, browser, kind, server.url, async (page) => {
      await signInAs(page, base, 'sec-a', PASSWORD);
      page.djErrors.length = 0; // the 401 of the session check before signing in
      for (const type of TODO_LINK_TYPES) {
        await page.goto(`${base}/`);
        await page.locator('[data-test="todo-item"]').first().waitFor();
        // open every group, so no to-do hides behind 查看全部
        for (const more of await page.locator('[data-test="todo-more"]').all()) await more.click();
        const item = page.locator(`[data-test="todo-item"][data-link-type="${type}"]`).first();
        assert.ok(await item.count(), `${app}: a to-do of type ${type} is shown`);
        if (type === 'activity' && app === 'admin') await snap(page, `todos-${app}-home`);
        const link = app === 'admin' ? item.locator('a').first() : item;
        await link.click();
        await page.waitForURL((u) => u.pathname !== `${base}/`, { timeout: 5000 })
          .catch(() => { throw new Error(`${app}: the ${type} to-do leads nowhere`); });
        await page.locator(LANDS[app][type]).first().waitFor({ timeout: 8000 });
        assert.equal(page.djErrors.length, 0, page.djErrors.join('\n'));
      }
      if (app === 'mobile') {
        await page.goto(`${base}/`);
        await page.locator('[data-test="todo-item"]').first().waitFor();
        await snap(page, 'todos-mobile-home');
      }
    });
  });
}

test('the home groups to-dos by kind with their counts', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.locator('[data-test="todo-group"]').first().waitFor();
    const groups = await page.locator('[data-test="todo-group"]').evaluateAll((els) => els.map((e) => [
      e.dataset.kind, e.querySelector('[data-test="todo-count"]').textContent.trim(), e.querySelectorAll('[data-test="todo-item"]').length]));
    const kinds = groups.map((g) => g[0]);
    assert.equal(new Set(kinds).size, kinds.length, 'one group per kind');
    for (const [, count, shown] of groups) assert.ok(Number.parseInt(count, 10) >= shown);
    assert.ok(kinds.includes('leave_decision') && kinds.includes('claims_to_approve'));
  });
});
