// Photos and documents in the browser (issue 14): the secretary picks a large photo on the
// phone for an activity; it is shrunk in the browser to about 2 megapixels, survives a
// connection that drops the first answer without being stored twice, and its thumbnail
// shows; on the PC the same activity shows the thumbnail, a PDF dropped on the upload box
// gets its progress bar and its card, and a photo opens in the preview dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

let server;
let browser;
let activity;
const work = mkdtempSync(path.join(tmpdir(), 'dj-bfiles-'));
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const photo = path.join(work, '会场照片.jpg');
const pdf = path.join(work, '会议记录.pdf');

before(async () => {
  assertWebBuilt();
  // a 12-megapixel photo, as a phone takes it
  execFileSync(path.join(path.dirname(BIN), 'tests/tools/mkimage'), [photo, '4000', '3000', '92', '7']);
  writeFileSync(pdf, '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  server = await startServer();
  seedAgency(server.db);
  browser = await launchBrowser();
  const sec = server.client();
  await sec.login('sec-a');
  const now = Date.now();
  const r = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'theme_day', title: '主题党日：走进革命纪念馆', place: '市革命纪念馆',
    starts_at: iso(now - 30 * 60000), ends_at: iso(now + 90 * 60000),
  });
  assert.equal(r.status, 201, r.text);
  activity = r.body;
  assert.equal((await sec.post(`/api/v1/activities/${activity.id}/notice`)).status, 200);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  rmSync(work, { recursive: true, force: true });
});

const stored = () => sql(server.db, `SELECT f.name || '|' || f.size FROM file_links l JOIN files f ON f.id = l.file_id
  WHERE l.subject = 'activity' AND l.record_id = ${activity.id} ORDER BY f.id;`).trim().split('\n').filter(Boolean);

test('phone: a photo is shrunk, survives a lost answer without a second copy, and shows its thumbnail', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'sec-a', PASSWORD);
    // the first upload reaches the server, but its answer is lost on the way back
    let posts = 0;
    const keys = [];
    await page.route('**/api/v1/files?*', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts++;
      keys.push(route.request().headers()['idempotency-key']);
      if (posts === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.goto(`/m/activities/${activity.id}`);
    await page.locator('[data-test="activity-files"]').waitFor();
    await snap(page, 'files-mobile-before');
    await page.locator('[data-test="pick-photo"] input[type="file"]').setInputFiles(photo);
    const thumb = page.locator('[data-test="m-thumb"]');
    await thumb.waitFor({ timeout: 30000 });
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-test="m-thumb"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.ok(posts >= 2, 'the upload was retried');
    assert.equal(new Set(keys).size, 1, 'under one Idempotency-Key');
    const rows = stored();
    assert.equal(rows.length, 1, `stored once: ${rows}`);
    const [name, size] = rows[0].split('|');
    assert.equal(name, '会场照片.jpg');
    assert.ok(Number(size) < statSync(photo).size / 2, `shrunk from ${statSync(photo).size} to ${size} bytes`);
    assert.equal(sql(server.db, 'SELECT COUNT(*) FROM files;').trim(), '1');
    await snap(page, 'files-mobile-photo');
  });
});

test('PC: the phone\'s photo shows, a PDF dropped on the box uploads with its progress, a photo previews', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto(`/admin/activities/${activity.id}`);
    await page.getByRole('tab', { name: /附件/ }).click();
    const box = page.locator('[data-test="files-activity"]');
    await box.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-test="files-activity"] [data-test="thumb"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    // a PDF as 会议记录
    await page.locator('[data-test="upload-kind"]').getByText('会议记录').click();
    await page.locator('[data-test="file-drop"] input[type="file"]').setInputFiles(pdf);
    await page.locator('[data-test="file-会议记录.pdf"]').waitFor();
    assert.match(await page.locator('[data-test="file-会议记录.pdf"]').innerText(), /会议记录/);
    const kinds = sql(server.db, `SELECT l.kind FROM file_links l JOIN files f ON f.id = l.file_id WHERE f.name = '会议记录.pdf';`).trim();
    assert.equal(kinds, 'minutes');
    await snap(page, 'files-admin-activity');
    await page.locator('[data-test="file-会场照片.jpg"] button').first().click();
    const dialog = page.locator('.a-files__dialog img');
    await dialog.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('.a-files__dialog img');
      return img && img.complete && img.naturalWidth > 0;
    });
    const w = await dialog.evaluate((img) => img.naturalWidth * img.naturalHeight);
    assert.ok(w > 1.5e6 && w <= 2.1e6, `about 2 megapixels after the phone shrank it: ${w}`);
    await snap(page, 'files-admin-preview');
  });
});

test('a claim\'s evidence photo from the phone shows in the PC approval queue; a person\'s photo on the record', async (t) => {
  const small = path.join(work, '获奖证书.jpg');
  execFileSync(path.join(path.dirname(BIN), 'tests/tools/mkimage'), [small, '1200', '900', '85', '9']);
  let claimId;
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    await page.goto('/m/points');
    await page.locator('.van-tab').filter({ hasText: '积分申报' }).click();
    await page.locator('input[name="rule_code"]').click();
    await page.locator('.van-picker__confirm').click();
    await page.locator('textarea[name="description"]').fill('获评市直机关优秀共产党员');
    await page.locator('[data-test="m-files-claim"] [data-test="pick-photo"] input[type="file"]').setInputFiles(small);
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-test="m-files-claim"] [data-test="m-thumb"]');
      return img && img.complete && img.naturalWidth > 0;
    }, null, { timeout: 30000 });
    await snap(page, 'files-mobile-claim');
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/points/claims' && r.request().method() === 'POST');
    await page.locator('[data-test="claim-form"] button[type="submit"]').click();
    claimId = (await (await answer).json()).id;
    await page.locator(`[data-test="claim-status-${claimId}"]`).waitFor();
    await page.waitForFunction(async (id) => {
      const r = await fetch(`/api/v1/files?subject=claim&record=${id}`);
      return r.ok && (await r.json()).items.length === 1;
    }, claimId);
  });
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto('/admin/points/claims');
    await page.waitForFunction((id) => {
      const img = document.querySelector(`[data-test="evidence-${id}"] img`);
      return img && img.complete && img.naturalWidth > 0;
    }, claimId);
    await snap(page, 'files-admin-claims');
    // the secretary files a member's photo on the roster record
    await page.goto('/admin/people/2');
    await page.locator('[data-test="files-person"]').waitFor();
    await page.locator('[data-test="files-person"] [data-test="file-drop"] input[type="file"]').setInputFiles(small);
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-test="files-person"] [data-test="thumb"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    await snap(page, 'files-admin-person');
  });
});
