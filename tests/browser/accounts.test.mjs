// Desktop: the 系统管理员 opens an account for a new colleague (one-time password
// shown once), the 安全管理员 grants it a role (三员分立) and changes a security
// setting that takes effect; a secretary's console home lists their to-dos.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, filledValue } from './lib.mjs';

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

test('desktop: create an account in 账号管理; it must change its password at first sign-in', async (t) => {
  const created = {};
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'admin', PASSWORD);
    await page.locator('.el-menu').getByText('账号管理').click();
    await page.locator('[data-test="users-table"]').getByText('admin').first().waitFor();
    // the system administrator grants nothing: no grant buttons, no role in the new-account form
    assert.equal(await page.locator('[data-test="grant"]').count(), 0);
    await page.locator('[data-test="new-user"]').click();
    const dialog = page.locator('.el-dialog');
    assert.equal(await dialog.locator('input[name="role"]').count(), 0);
    await dialog.locator('input[name="login"]').fill('wangwu');
    await dialog.locator('input[name="name"]').fill('王五');
    const password = await dialog.locator('input[name="password"]').inputValue();
    created.password = password;
    assert.match(password, /^(?=.*[A-Z])(?=.*[a-z])(?=.*\d).{12,}$/, 'a generated password meets the rule');
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/users' && r.request().method() === 'POST');
    await dialog.locator('[data-test="create-submit"]').click();
    assert.equal((await answer).status(), 201);
    await page.locator('.el-message-box').getByText(password).waitFor();
    await snap(page, 'accounts-created');
    await page.locator('.el-message-box').getByRole('button', { name: '确定', exact: false }).click();
    const row = page.locator('[data-test="users-table"] tr', { hasText: 'wangwu' });
    await row.getByText('待修改初始密码').waitFor();
  });
  // the security administrator grants a role on an organisation picked from the tree
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'secadmin', PASSWORD);
    await page.locator('.el-menu').getByText('账号管理').click();
    const row = page.locator('[data-test="users-table"] tr', { hasText: 'wangwu' });
    await row.waitFor();
    assert.equal(await page.locator('[data-test="new-user"]').count(), 0, 'opening accounts is not theirs');
    // nobody grants a role to themselves: no grant button on one's own row
    const own = page.locator('[data-test="users-table"] tr', { hasText: 'secadmin' });
    assert.equal(await own.locator('[data-test="grant"]').count(), 0);
    await row.locator('[data-test="grant"]').click();
    const grant = page.locator('.el-dialog', { hasText: '为 王五 授权' });
    await grant.locator('[data-test="org-picker"]').click();
    await page.locator('.el-tree-select__popper .el-tree-node__content', { hasText: '机关党委' }).first().click();
    const granted = page.waitForResponse((r) => /\/api\/v1\/users\/\d+\/grants$/.test(new URL(r.url()).pathname));
    await grant.locator('[data-test="grant-submit"]').click();
    assert.equal((await granted).status(), 204);
    await row.getByText('党员 · 机关党委').waitFor();
    await snap(page, 'accounts-secadmin');
  });
  // the new colleague signs in and is sent to change the one-time password
  const api = server.client();
  const s = await api.login('wangwu', created.password);
  assert.equal(s.user.must_change_password, true);
  assert.deepEqual(s.grants.map((g) => [g.role, g.org_id]), [['member', 1]]);
});

test('desktop: a security setting changed in 系统设置 by the security administrator is in force', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'secadmin', PASSWORD);
    await page.locator('.el-menu').getByText('系统设置').click();
    const input = page.locator('input[name="security.lockout_threshold"]');
    await input.waitFor();
    // the agency's own settings are the system administrator's
    assert.equal(await page.locator('input[name="agency.name"]').isDisabled(), true);
    assert.equal(await filledValue(input), '5');
    await input.fill('4');
    await input.blur();
    await page.locator('[data-test="settings-save"]').click();
    await page.getByText('设置已保存').waitFor();
    await snap(page, 'settings');
    await page.reload();
    await page.locator('input[name="security.lockout_threshold"]').waitFor();
    assert.equal(await filledValue(page.locator('input[name="security.lockout_threshold"]')), '4');
    const c = server.client();
    for (let i = 0; i < 4; i++) await c.post('/api/v1/session', { login: 'admin', password: 'Wrong#Pass1' });
    const fifth = await c.post('/api/v1/session', { login: 'admin', password: PASSWORD });
    assert.equal(fifth.status, 429, 'after four failures the next attempt waits');
  });
});

test('desktop: the console home lists the user\'s to-dos and leads to where each is done', async (t) => {
  seedAgency(server.db);
  // a member's claim waits for the secretary of branch 2
  const member = server.client();
  await member.login('member-a');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const claim = await member.post('/api/v1/points/claims', { rule_code: 'article_published', description: '在市报发表理论文章一篇', occurred_on: today });
  assert.equal(claim.status, 201, claim.text);
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    const todos = page.locator('[data-test="admin-todos"]');
    await todos.getByText('1 条积分申报待审批').click();
    await page.waitForURL((u) => u.pathname === '/admin/points/claims');
    await page.getByText('在市报发表理论文章一篇').first().waitFor();
  });
});
