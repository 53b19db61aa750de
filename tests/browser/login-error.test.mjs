// A wrong password: the sign-in screen shows the server's own Chinese message,
// on the phone and on the desktop, and nobody is signed in; a locked account
// (too many failures) shows the server's lock message too.
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

test('phone: a locked account shows the server\'s lock message', async (t) => {
  // Fail through the API until the server locks the account (5 failures by default).
  const api = server.client();
  let status = 0;
  for (let i = 0; i < 10 && status !== 423; i++) {
    ({ status } = await api.post('/api/v1/session', { login: 'admin', password: 'Wrong#Password1' }));
  }
  assert.equal(status, 423, 'the account gets locked');

  await withPage(t, browser, 'phone', server.url, async (page) => {
    await page.goto('/m/login');
    const { status: s, body } = await submitSignIn(page, 'admin', 'Wrong#Password1');
    assert.equal(s, 423);
    assert.equal(body.error.code, 'locked');
    await page.locator('[role="alert"]', { hasText: body.error.message }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/m/login');
  });
});
