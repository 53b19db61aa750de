// Work lists in the browser: a member posts progress on an item from a phone
// (我的事项 → 事项详情 → 提交进展) and the committee office sees it on the
// item's timeline in the admin console; the board view, the report page with
// its download links, and the inspections page render; a leader reads the
// report but is offered nothing to change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, ORG, PERSON } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

let server;
let browser;
let list;
let item;

const shDate = (days) => new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10);

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  const c = server.client();
  await c.login('committee');
  list = (await c.post('/api/v1/lists', { kind: 'model_organ', title: '模范机关创建工作清单（浏览器测试）', year: 2026 })).body;
  item = (await c.post(`/api/v1/lists/${list.id}/items`, {
    title: '开展“党建+微分享”活动', category: '学习型', org_id: ORG.branchA, owners: [PERSON.memberA], due_on: shDate(3),
  })).body;
  await c.post(`/api/v1/lists/${list.id}/items`, {
    title: '规范三会一课记录', category: '政治型', org_id: ORG.branchB, owners: [PERSON.memberB], due_on: shDate(-2),
  });
  await c.post('/api/v1/inspections', {
    org_id: ORG.branchB, on_date: shDate(-5), title: '点穴式专项检查', inspectors: ['陈志明'],
    findings: [{ title: '党费台账未及时更新', due_on: shDate(10) }],
  });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('phone: a member posts progress, the committee sees it on the admin timeline', async (t) => {
  const text = `已组织支部党员开展微分享 ${Date.now()}`;
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    await page.locator('[data-test="my-items-link"]').click();
    await page.waitForURL((u) => u.pathname === '/m/items');
    const cell = page.locator('[data-test="my-item"]', { hasText: '开展“党建+微分享”活动' });
    await cell.waitFor();
    assert.match(await cell.innerText(), /剩 3 天/);
    await snap(page, 'lists-mobile-my-items');
    await cell.click();
    await page.waitForURL((u) => u.pathname === `/m/items/${item.id}`);
    await page.locator('textarea[name="update-body"]').fill(text);
    await page.locator('input[name="evidence"]').fill('活动照片.jpg');
    const posted = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/items/${item.id}/updates`);
    await page.locator('[data-test="m-submit"]').click();
    assert.equal((await posted).status(), 201);
    await page.getByText(text).waitFor();
    assert.equal((await page.locator('[data-test="m-status"]').innerText()).trim(), '进行中');
    await snap(page, 'lists-mobile-item');
  });
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto(`/admin/lists/${list.id}?item=${item.id}`);
    const timeline = page.locator('[data-test="timeline"]');
    await timeline.waitFor();
    assert.match(await timeline.innerText(), new RegExp(text));
    assert.match(await timeline.innerText(), /活动照片\.jpg/);
    assert.match(await timeline.innerText(), /李红梅/);
    await snap(page, 'lists-admin-drawer');
    // edit the item from its drawer
    await page.locator('[data-test="edit-item"]').click();
    await page.locator('input[name="item-title"]').fill('开展“党建+微分享”活动（每月一次）');
    const saved = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/items/${item.id}` && r.request().method() === 'PATCH');
    await page.locator('[data-test="item-submit"]').click();
    assert.equal((await saved).status(), 200);
    await page.locator('.el-drawer__header').getByText('（每月一次）').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-test="item-drawer"]').waitFor({ state: 'hidden' });
    // the table shows both items; the overdue one says so
    const table = page.locator('[data-test="items-table"]');
    await table.getByText('规范三会一课记录').waitFor();
    assert.match(await table.innerText(), /已逾期/);
    await snap(page, 'lists-admin-table');
    // the board: one column per status
    await page.locator('[data-test="view-switch"]').getByText('看板').click();
    const board = page.locator('[data-test="items-board"]');
    await board.locator('[data-test="board-card"]').first().waitFor();
    assert.match(await board.innerText(), /已逾期\s*1/);
    await snap(page, 'lists-admin-board');
  });
});

test('desktop: lists, report with downloads, inspections; a leader reads only', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/lists');
    await page.locator('[data-test="lists-table"]').getByText('模范机关创建工作清单（浏览器测试）').waitFor();
    await snap(page, 'lists-admin-index');
    // import a spreadsheet: check first, then import
    await page.goto(`/admin/lists/${list.id}`);
    await page.locator('[data-test="open-import"]').click();
    await page.locator('[data-test="import-file"]').setInputFiles({
      name: '清单.csv', mimeType: 'text/csv',
      buffer: Buffer.from('\ufeff事项名称,类别,责任人,完成时限\n开展青年干部读书班,学习型,李红梅,2026/12/31\n', 'utf8'),
    });
    await page.locator('[data-test="import-check"]').click();
    await page.getByText('检查通过，可以导入').waitFor();
    const imported = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/lists/${list.id}/import`);
    await page.locator('[data-test="import-commit"]').click();
    assert.equal((await imported).status(), 200);
    await page.locator('[data-test="items-table"]').getByText('开展青年干部读书班').waitFor();
    await page.goto(`/admin/lists/${list.id}/report`);
    const title = page.locator('[data-test="report-title"]');
    await title.waitFor();
    assert.match(await title.innerText(), /《模范机关创建工作清单（浏览器测试）》\d{4}年第.季度推进情况报告/);
    const pdf = await page.locator('[data-test="download-pdf"]').getAttribute('href');
    assert.match(pdf, new RegExp(`/api/v1/lists/${list.id}/report\\?quarter=\\d{4}-Q\\d&format=pdf`));
    const r = await page.evaluate((u) => fetch(u).then((x) => x.headers.get('content-type')), pdf);
    assert.equal(r, 'application/pdf');
    await snap(page, 'lists-admin-report');
    await page.goto('/admin/inspections');
    await page.locator('[data-test="inspections-table"]').getByText('点穴式专项检查').waitFor();
    await page.locator('[data-test="new-inspection"]').click();
    await page.locator('[data-test="inspection-form"]').waitFor();
    await snap(page, 'lists-admin-inspections');
  });
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'leader', PASSWORD);
    await page.goto('/admin/lists/report');
    await page.locator('[data-test="report-title"]').waitFor();
    assert.match(await page.locator('[data-test="report-title"]').innerText(), /各项工作清单推进情况汇总报告/);
    await snap(page, 'lists-leader-report');
    await page.goto(`/admin/lists/${list.id}`);
    await page.locator('[data-test="list-title"]').waitFor();
    assert.equal(await page.locator('[data-test="new-item"]').count(), 0);
    assert.equal(await page.locator('[data-test="open-import"]').count(), 0);
  });
});
