// A wrong password: the sign-in screen shows the server's own Chinese message,
// on the phone and on the desktop, and nobody is signed in; attempts held back
// after too many failures show the server's message with the seconds to wait.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { sql } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, submitSignIn, sessionStatus, snap } from './lib.mjs';

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

for (const [kind, section] of [['phone', '/m'], ['desktop', '/admin']]) {
  test(`${kind}: a wrong password shows the server's message`, async (t) => {
    await withPage(t, browser, kind, server.url, async (page) => {
      await page.goto(`${section}/login`);
      const { status, body } = await submitSignIn(page, 'admin', 'Wrong#Password1');
      assert.equal(status, 401);
      assert.equal(body.error.code, 'bad_credentials');
      const message = body.error.message;
      assert.match(message, /[\u4e00-\u9fff]/, 'the message is Chinese');

      const alert = page.locator('[role="alert"]', { hasText: message });
      await alert.waitFor();
      assert.ok(await alert.isVisible());
      assert.equal(new URL(page.url()).pathname, `${section}/login`);
      assert.equal(await sessionStatus(page), 401);
    });
  });
}

test('phone: a delayed sign-in shows the server\'s message with the seconds to wait', async (t) => {
  // Fail through the API until the server holds further attempts back (5 failures by default).
  const api = server.client();
  let status = 0;
  for (let i = 0; i < 10 && status !== 429; i++) {
    ({ status } = await api.post('/api/v1/session', { login: 'admin', password: 'Wrong#Password1' }));
  }
  assert.equal(status, 429, 'attempts are held back');

  await withPage(t, browser, 'phone', server.url, async (page) => {
    await page.goto('/m/login');
    const { status: s, body } = await submitSignIn(page, 'admin', 'Wrong#Password1');
    assert.equal(s, 429);
    assert.equal(body.error.code, 'throttled');
    assert.match(body.error.message, /请 \d+ 秒后再试/);
    await page.locator('[role="alert"]', { hasText: body.error.message }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/m/login');
  });
});

for (const [kind, section, home] of [['phone', '/m', '/m'], ['desktop', '/admin', '/admin']]) {
  test(`${kind}: when the server is too busy to check the password, the screen says so and tries again by itself`, async (t) => {
    sql(server.db, 'DELETE FROM login_throttle;'); // the delays of the tests above
    await withPage(t, browser, kind, server.url, async (page) => {
      // the first sign-in is answered 503 "busy" with Retry-After: 2, as during a flood of guesses
      let posts = 0;
      await page.route('**/api/v1/session', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        posts++;
        if (posts > 1) return route.continue();
        return route.fulfill({
          status: 503,
          headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '2' },
          body: JSON.stringify({ error: { code: 'busy', message: '登录的人较多，请稍后再试' } }),
        });
      });
      await page.goto(`${section}/login`);
      await page.locator('input[name="login"]').fill('admin');
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('button[type="submit"]').click();
      await page.locator('button[type="submit"]', { hasText: '登录的人较多，2 秒后自动重试' }).waitFor();
      await snap(page, `login-queued-${kind}`);
      await page.waitForURL((u) => !u.pathname.endsWith('/login'), { timeout: 15000 });
      assert.equal(posts, 2, 'sent once more after the wait');
      assert.ok(new URL(page.url()).pathname.startsWith(home));
      assert.equal(await sessionStatus(page), 200);
      assert.equal(await page.locator('[role="alert"]').count(), 0, 'no error shown');
    });
  });
}
