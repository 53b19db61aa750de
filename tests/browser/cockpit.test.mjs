// The leaders' cockpit at a city's size: thousands of branches are not a chart, so the heatmap
// keeps the branches owing the most months and says how many there are; the warnings drawer
// says it lists the first 200 of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

let server, browser;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  // 210 more branches whose term has ended: one 换届 warning each, whatever the date
  const rows = [];
  for (let i = 0; i < 210; i++) {
    const id = 5000 + i;
    rows.push(`(${id}, 1, 'branch', '第${i + 10}党支部', '/1/${id}/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',`
      + ` '${shanghaiDate(-1000)}', '${shanghaiDate(-10)}')`);
  }
  sql(server.db, `INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at, term_start, term_end) VALUES ${rows.join(',\n')};`);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the cockpit of 212 branches shows 50 rows of the heatmap and says so; the drawer lists the first 200 warnings', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/cockpit');
    await page.locator('[data-test="chart-heatmap"]').waitFor();
    const shown = page.locator('[data-test="heat-shown"]');
    await shown.waitFor();
    assert.equal((await shown.innerText()).trim(), '未落实月份最多的 50 个支部（共 212 个）');
    const box = await page.locator('[data-test="chart-heatmap"]').boundingBox();
    assert.ok(box.height < 80 + 26 * 51, `the chart is sized for 50 rows: ${box.height}`);
    await snap(page, 'cockpit-city');
    await page.locator('[data-test="warnings-all"]').click();
    const note = page.locator('[data-test="warnings-shown"]');
    await note.waitFor();
    assert.equal((await note.innerText()).trim(), '列出前 200 条，逾期清单在前。');
    await page.locator('[data-test="warnings-drawer"] .el-table__row').first().waitFor();
    assert.equal(await page.locator('[data-test="warnings-drawer"] .el-table__row').count(), 200);
    const title = await page.locator('[data-test="warnings-drawer"] .el-drawer__title').innerText();
    const total = Number((title.match(/全部预警（(\d+) 条）/) || [])[1]);
    assert.ok(total >= 210, title);
  });
});
