// 三员分立 in the console (issue 12, item 6): the 系统管理员, the 安全管理员 and the 审计管理员
// each see their own screens and nothing of party work; the Content-Security-Policy the
// server sends does not break a screen (no violation reported while they are used).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

let server;
let browser;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const PARTY_WORK = ['组织与党员', '组织生活', '工作清单', '积分管理', '量化考评', '领导驾驶舱'];

async function menuTexts(page) {
  // open every group so that its items are listed
  for (const sub of await page.locator('.el-menu > .el-sub-menu:not(.is-opened) > .el-sub-menu__title').all()) await sub.click();
  return (await page.locator('.el-menu').first().innerText()).split('\n').map((s) => s.trim()).filter(Boolean);
}

function noCspViolation(page) {
  // Vant's icon font names a copy on alicdn.com after its own inline one: blocking that
  // third-party request is the point (the inline copy draws the icons)
  const csp = page.djErrors.filter((e) => /Content Security Policy|Content-Security-Policy/i.test(e)
    && !/Loading the font '[^']*alicdn\.com/.test(e));
  assert.deepEqual(csp, [], 'the pages keep to the Content-Security-Policy');
}

test('the 系统管理员 sees accounts and settings, changes the agency\'s settings only', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'admin', PASSWORD);
    const menu = await menuTexts(page);
    for (const item of ['账号管理', '系统设置']) assert.ok(menu.includes(item), `${item} in ${menu}`);
    for (const item of ['审计日志', ...PARTY_WORK]) assert.ok(!menu.includes(item), `no ${item} in ${menu}`);
    await page.locator('.el-menu').getByText('系统设置').click();
    await page.locator('input[name="agency.name"]').waitFor();
    assert.equal(await page.locator('input[name="agency.name"]').isDisabled(), false);
    assert.equal(await page.locator('input[name="security.lockout_threshold"]').isDisabled(), true);
    await snap(page, 'separation-sysadmin-settings');
    // a party-work screen typed into the address bar sends them home
    await page.goto('/admin/people');
    await page.waitForURL((u) => u.pathname === '/admin/');
    noCspViolation(page);
  });
});

test('the 安全管理员 grants roles and lifts sign-in delays, but opens no account', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'secadmin', PASSWORD);
    const menu = await menuTexts(page);
    for (const item of ['账号管理', '系统设置']) assert.ok(menu.includes(item), `${item} in ${menu}`);
    for (const item of ['审计日志', ...PARTY_WORK]) assert.ok(!menu.includes(item), `no ${item} in ${menu}`);
    await page.locator('.el-menu').getByText('账号管理').click();
    const table = page.locator('[data-test="users-table"]');
    await table.getByText('sec-a').waitFor();
    assert.equal(await page.locator('[data-test="new-user"]').count(), 0);
    assert.ok(await table.locator('[data-test="grant"]').count() > 0);
    await page.locator('[data-test="separation-hint"]').waitFor();
    await snap(page, 'separation-secadmin-users');
    noCspViolation(page);
  });
});

test('the 审计管理员 reads and exports the audit log, and nothing else', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'auditor', PASSWORD);
    const menu = await menuTexts(page);
    assert.ok(menu.includes('审计日志'), menu.join(','));
    for (const item of ['账号管理', '系统设置', ...PARTY_WORK]) assert.ok(!menu.includes(item), `no ${item} in ${menu}`);
    await page.locator('.el-menu').getByText('审计日志').click();
    await page.locator('[data-test="audit-table"] .el-table__row').first().waitFor();
    const csv = await page.locator('[data-test="audit-export"]').getAttribute('href');
    assert.equal(csv, '/api/v1/audit/export');
    assert.equal(await page.locator('[data-test="audit-checkpoints"]').getAttribute('href'), '/api/v1/audit/checkpoints');
    const file = await page.request.get('/api/v1/audit/checkpoints');
    assert.equal(file.status(), 200);
    assert.equal((await file.json()).kind, 'dangjian-checkpoints');
    await snap(page, 'separation-auditor-audit');
    noCspViolation(page);
  });
});

test('a branch secretary\'s screens work under the Content-Security-Policy (charts, tables, dialogs)', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    for (const [path, ready] of [['/admin/cockpit', 'canvas'], ['/admin/people', '.el-table'], ['/admin/orgs', '.el-tree'],
      ['/admin/activities', '.el-table'], ['/admin/points/rankings', '.el-table']]) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
    }
    noCspViolation(page);
  });
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    for (const path of ['/m/', '/m/activities', '/m/points', '/m/me']) {
      await page.goto(path);
      await page.locator('.van-tabbar').waitFor();
    }
    await snap(page, 'separation-member-phone');
    noCspViolation(page);
  });
});
