// A wrong password: the sign-in screen shows the server's own Chinese message,
// on the phone and on the desktop, and nobody is signed in; attempts held back
// after too many failures show the server's message with the seconds to wait.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { assertWebBuilt, launchBrowser, withPage, submitSignIn, sessionStatus } from './lib.mjs';

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
