// Phone (390×844): sign in as admin on /m/, see the greeting with the user's
// name on the home screen, sign out from 我的.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, sessionStatus } from './lib.mjs';

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

test('phone: sign in on /m/, home greets the user by name, sign out', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await page.goto('/m/');
    await page.waitForURL((u) => u.pathname === '/m/login');

    const { user } = await signInAs(page, '/m', 'admin', PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/m/');

    const hello = page.locator('.m-home__hello');
    await hello.waitFor();
    const name = user.name || user.login;
    assert.ok((await hello.innerText()).includes(name), `greeting should name ${name}`);
    // Today's date in the UI's format, e.g. 2026年11月27日.
    assert.match(await page.locator('.m-home__today').innerText(), /\d{4}年\d{1,2}月\d{1,2}日/);
    // The bottom tab bar: 首页 · 学习 · 活动 · 积分 · 我的.
    const tabs = await page.locator('.van-tabbar-item').allInnerTexts();
    assert.deepEqual(tabs.map((s) => s.trim()), ['首页', '学习', '活动', '积分', '我的']);

    await page.locator('.van-tabbar').getByText('我的').click();
    await page.waitForURL((u) => u.pathname === '/m/me');
    const signOut = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/session'
      && r.request().method() === 'DELETE');
    await page.getByRole('button', { name: '退出登录' }).click();
    assert.equal((await signOut).status(), 204);
    await page.waitForURL((u) => u.pathname === '/m/login');
    assert.equal(await sessionStatus(page), 401);

    // Signed out for real: the app sends us back to sign in.
    await page.goto('/m/');
    await page.waitForURL((u) => u.pathname === '/m/login');
  });
});

test('phone: "today" is the server\'s day, not the phone\'s', async (t) => {
  // the server's clock stands on 5 May 2031 (a test build reads DJ_NOW); the phone's is the real one
  const other = await startServer({ env: { DJ_NOW: '2031-05-05T09:30:00+08:00' } });
  try {
    await withPage(t, browser, 'phone', other.url, async (page) => {
      await page.goto('/m/');
      await page.waitForURL((u) => u.pathname === '/m/login');
      await signInAs(page, '/m', 'admin', PASSWORD);
      const today = page.locator('.m-home__today');
      await today.waitFor();
      assert.match(await today.innerText(), /2031年5月5日/);
    });
  } finally {
    await other.stop();
  }
});
