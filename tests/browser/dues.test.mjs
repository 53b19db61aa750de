// Party dues (issue 16) in the browser: a member opens 我的党费 from 我的 on the phone and
// reports a bank transfer; the branch secretary confirms it on the PC's monthly sheet,
// records a payment by clicking a month, and imports an Excel payroll file (read in the
// page) whose dry run shows the unmatched row and the short payment. Then the demo
// agency's screens (sheet, arrears, summary, the phone), saved in tests/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency } from '../lib/fixtures.mjs';
import { shanghaiToday } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, filledValue, OUT, ROOT } from './lib.mjs';

const pad = (n) => String(n).padStart(2, '0');
function monthAt(k) {
  const { year, month } = shanghaiToday();
  const i = year * 12 + month - 1 + k;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}

let server, demo, browser;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  const sec = server.client();
  await sec.login('sec-a');
  // 李红梅 3456.50 (34.57 a month) and 张建国 6800.00 (102.00) from two months ago
  for (const [person, base] of [[2, 345650], [1, 680000], [6, 1200000]]) {
    const r = await sec.post('/api/v1/dues/bases', { person_id: person, category: 'employed', base_fen: base, effective_month: monthAt(-2) });
    assert.equal(r.status, 201, r.text);
  }
  demo = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (demo) await demo.stop();
});

test('a member reports a transfer on the phone, the secretary confirms it and records another month', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    await page.goto('/m/me');
    await page.locator('[data-test="my-dues-link"]').click();
    await page.waitForURL((u) => u.pathname === '/m/dues');
    await page.locator('[data-test="dues-this-month"]').waitFor();
    assert.match(await page.locator('[data-test="dues-this-month"]').innerText(), /34\.57/);
    assert.match(await page.locator('[data-test="dues-base"]').innerText(), /3,456\.50/);
    const states = await page.locator('[data-test="dues-months"] [data-state]').evaluateAll((els) => els.map((e) => e.dataset.state));
    assert.deepEqual(states, ['unpaid', 'unpaid', 'unpaid']);
    assert.match(await page.locator('[data-test="dues-owed"]').innerText(), /2 个月/);
    await snap(page, 'dues-mobile-my-dues');
    await page.locator('[data-test="dues-report"]').click();
    await page.locator('[data-test="report-ref"] input').fill('6222021300001234');
    assert.equal(await filledValue(page.locator('[data-test="report-amount"] input')), '34.57');
    await snap(page, 'dues-mobile-report');
    await page.locator('[data-test="report-submit"]').click();
    await page.locator('[data-test="dues-receipts"] .van-tag').filter({ hasText: '待确认' }).waitFor();
    await snap(page, 'dues-mobile-reported');
  });
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto('/admin/dues');
    await page.locator('[data-test="sheet-name-2"]').waitFor();
    const first = monthAt(-2);
    assert.equal((await page.locator(`[data-test="cell-2-${first}"]`).innerText()).trim(), '未交');
    await page.locator('.el-tabs__item').filter({ hasText: '待确认交纳' }).click();
    await page.locator('[data-test="dues-reports"] .el-table__row').first().waitFor();
    await snap(page, 'dues-admin-reports');
    await page.locator('[data-test^="confirm-"]').first().click();
    await page.locator('.el-message--success').waitFor();
    await page.locator('.el-tabs__item').filter({ hasText: '收缴表' }).click();
    await page.locator(`[data-test="cell-2-${first}"]`).filter({ hasText: '34.57' }).waitFor();
    // a click on last month records a cash payment for it
    await page.locator(`[data-test="cell-2-${monthAt(-1)}"]`).click();
    await page.locator('[data-test="payment-form"]').waitFor();
    // the dialog asks for the member's months as it opens and fills the amount when they arrive
    assert.equal(await filledValue(page.locator('input[data-test="payment-amount"]')), '34.57');
    // the dialog's opening transition over, so the click lands on the button
    await page.waitForFunction(() => !document.querySelector('[class*="dialog-fade-enter"]'));
    await snap(page, 'dues-admin-record');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/dues/payments') && r.request().method() === 'POST');
    await page.locator('[data-test="payment-save"]').click();
    assert.equal((await saved).status(), 201);
    await page.locator(`[data-test="cell-2-${monthAt(-1)}"]`).filter({ hasText: '34.57' }).waitFor();
    assert.match(await page.locator('[data-test="dues-xlsx"]').getAttribute('href'), /format=xlsx/);
    await snap(page, 'dues-admin-sheet');
  });
});

test('the secretary imports an Excel payroll file: the dry run shows the unmatched row and the short payment', async (t) => {
  // an .xlsx written with ExcelJS, the library the page reads it with
  const require = createRequire(path.join(ROOT, 'web/package.json'));
  const ExcelJS = require('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('党费代扣');
  ws.addRows([['姓名', '工号', '代扣金额'], ['张建国', '', 102], ['李红梅', '', 20], ['赵敏', '', 240], ['钱多多', '', 50]]);
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'dues-payroll.xlsx');
  await wb.xlsx.writeFile(file);
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto('/admin/dues/import');
    await page.locator('[data-test="import-file"]').setInputFiles(file);
    await page.locator('[data-test="import-unmatched"]').waitFor();
    assert.match(await page.locator('[data-test="import-unmatched"]').innerText(), /钱多多/);
    assert.match(await page.locator('[data-test="import-differences"]').innerText(), /李红梅[\s\S]*少扣/);
    assert.match(await page.locator('[data-test="import-summary"]').innerText(), /匹配成功 3 人/);
    await snap(page, 'dues-admin-import');
    await page.locator('[data-test="import-commit"]').click();
    await page.locator('[data-test="import-done"]').waitFor();
    assert.match(await page.locator('[data-test="import-done"]').innerText(), /3 笔/);
  });
});

test('the demo agency: the sheet, arrears with the 3- and 6-month warnings, the summary, 我的党费', async (t) => {
  await withPage(t, browser, 'desktop', demo.url, async (page) => {
    await signInAs(page, '/admin', 'demo-committee', PASSWORD);
    await page.goto('/admin/dues/arrears');
    await page.locator('[data-test="arrears-table"] .el-table__row').first().waitFor();
    const text = await page.locator('[data-test="arrears-table"]').innerText();
    assert.match(text, /党章第九条/);
    assert.match(text, /6 个月/);
    assert.match(text, /3 个月/);
    assert.match(await page.locator('[data-test="arrears-flag"]').innerText(), /1 人/);
    await snap(page, 'dues-admin-arrears');
    await page.goto('/admin/dues/summary');
    await page.locator('[data-test="summary-branches"] .el-table__row').nth(5).waitFor();
    await page.locator('[data-test="remittances"] .el-table__row').first().waitFor();
    await snap(page, 'dues-admin-summary');
    await page.goto('/admin/dues');
    await page.locator('[data-test="dues-sheet"] .el-table__row').nth(5).waitFor();
    await snap(page, 'dues-admin-demo-sheet');
    await page.goto('/admin/dues/bases');
    await page.locator('[data-test="declarations"] .el-table__row').first().waitFor();
    await snap(page, 'dues-admin-bases');
    await page.goto('/admin/');
    await page.locator('a, span').filter({ hasText: '名党员连续 3 个月以上未交党费' }).first().waitFor();
  });
  await withPage(t, browser, 'phone', demo.url, async (page) => {
    await signInAs(page, '/m', 'demo-member', PASSWORD);
    await page.goto('/m/dues');
    await page.locator('[data-test="dues-months"]').waitFor();
    assert.equal(await page.locator('[data-test="dues-months"] [data-state]').count(), 12);
    await page.locator('[data-test="dues-receipts"] .van-cell').first().waitFor();
    await snap(page, 'dues-mobile-demo');
  });
});
