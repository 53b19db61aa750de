// A wrong password: the sign-in screen shows the server's own Chinese message,
// on the phone and on the desktop, and nobody is signed in.
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
