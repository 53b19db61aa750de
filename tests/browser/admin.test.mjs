// Desktop (1440×900): the 审计管理员 signs in on /admin/, sees the side menu and the
// audit log with the sign-in's own record, changes the password, signs in with the new one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import {
  assertWebBuilt, launchBrowser, withPage, signInAs, submitSignIn, submitChangePassword,
  sessionStatus, NEW_PASSWORD,
} from './lib.mjs';

let server;
let browser;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('desktop: menu, audit log shows the login, change password, sign in again', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    // `/` sends a desktop browser to the console, which asks us to sign in.
    await page.goto('/');
    await page.waitForURL((u) => u.pathname === '/admin/login');

    const first = await signInAs(page, '/admin', 'auditor', PASSWORD);
    let password = first.password;
    await page.locator('.a-dash').waitFor();

    // Header shows who is signed in; the menu has the home and audit screens.
    const name = first.user.name || first.user.login;
    assert.ok((await page.locator('[data-test="user-menu"]').innerText()).includes(name));
    const menu = page.locator('.el-menu');
    await menu.getByText('首页').waitFor();
    await menu.getByText('审计日志').click();
    await page.waitForURL((u) => u.pathname === '/admin/audit');

    // The server audits every sign-in with action `login`: our own is listed.
    const table = page.locator('[data-test="audit-table"]');
    const loginRow = table.locator('.el-table__row')
      .filter({ has: page.locator('td.col-login', { hasText: /^\s*auditor\s*$/ }) })
      .filter({ has: page.locator('td.col-action', { hasText: /(^|[^\w])login\s*$/ }) })
      .first();
    await loginRow.waitFor();
    // A row expands to show before / after side by side.
    await loginRow.locator('.el-table__expand-icon').click();
    await page.locator('.a-audit__diff').first().waitFor();
    assert.ok(await page.getByText('修改后').first().isVisible());

    // Filtering by action keeps the login records only.
    await page.locator('input[name="action"]').fill('login');
    const filtered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/audit'
      && new URL(r.url()).searchParams.get('action') === 'login');
    await page.getByRole('button', { name: '查询' }).click();
    const body = await (await filtered).json();
    assert.ok(body.items.length >= 1, 'at least one login record');
    assert.ok(body.items.every((it) => it.action === 'login'));

    // Change the password from the user menu.
    const newer = password === NEW_PASSWORD ? `${NEW_PASSWORD}x` : NEW_PASSWORD;
    await page.locator('[data-test="user-menu"]').click();
    await page.locator('.el-dropdown-menu__item', { hasText: '修改密码' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/password');
    const changed = await submitChangePassword(page, password, newer);
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    password = newer;
    await page.waitForURL((u) => u.pathname !== '/admin/password');

    // Sign out (if the change did not already end the session) …
    if (new URL(page.url()).pathname !== '/admin/login') {
      await page.locator('[data-test="user-menu"]').click();
      await page.locator('.el-dropdown-menu__item', { hasText: '退出登录' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/login');
    }
    assert.equal(await sessionStatus(page), 401);

    // … the old password no longer works, the new one does.
    const old = await submitSignIn(page, 'auditor', PASSWORD);
    assert.notEqual(old.status, 200);
    await page.locator('[role="alert"]', { hasText: old.body.error.message }).waitFor();
    const again = await submitSignIn(page, 'auditor', password);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    await page.waitForURL((u) => u.pathname === '/admin/');
    await page.locator('.a-dash').waitFor();
  });
});
