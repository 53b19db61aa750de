// Each section is its own lazy chunk: a phone on /m/ never downloads Element
// Plus, the console on /admin/ never downloads Vant; `/` picks the section.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { assertWebBuilt, launchBrowser, withPage } from './lib.mjs';

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

/** Loads `path` and returns the text of every script and stylesheet it fetched. */
async function assetsOf(page, path) {
  const bodies = [];
  page.on('response', (r) => {
    const p = new URL(r.url()).pathname;
    if (/\.(js|css)$/.test(p)) bodies.push(r.text().then((text) => ({ p, text })));
  });
  await page.goto(path);
  await page.locator('input[name="password"]').waitFor();
  await page.waitForLoadState('networkidle');
  return Promise.all(bodies);
}

test('phone: / goes to the mobile app, which loads Vant and not Element Plus', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    const assets = await assetsOf(page, '/');
    assert.equal(new URL(page.url()).pathname, '/m/login');
    assert.ok(assets.some((a) => a.text.includes('.van-button')), 'Vant styles are loaded');
    const ep = assets.filter((a) => a.text.includes('.el-button'));
    assert.deepEqual(ep.map((a) => a.p), [], 'no Element Plus asset on the phone');
  });
});

test('desktop: / goes to the console, which loads Element Plus and not Vant', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    const assets = await assetsOf(page, '/');
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    assert.ok(assets.some((a) => a.text.includes('.el-button')), 'Element Plus styles are loaded');
    const vant = assets.filter((a) => a.text.includes('.van-button'));
    assert.deepEqual(vant.map((a) => a.p), [], 'no Vant asset in the console');
  });
});
