// 积分排名 at a city's size: the chart holds the 50 branches with the highest averages and
// says how many there are; the organisation picker is the caller's party tree, filterable,
// so a branch outside the chart is still one search away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, seedRankedBranches } from '../lib/fixtures.mjs';
import { shanghaiToday } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

let server, browser;
const YEAR = shanghaiToday().year;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  seedRankedBranches(server.db, YEAR, 60);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the rankings of 62 branches chart the 50 highest averages and say so; any branch can be picked', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/points/rankings');
    await page.locator('[data-test="rank-table"] .el-table__row').first().waitFor();
    await page.locator('[data-test="rank-chart"] canvas').waitFor();
    const shown = page.locator('[data-test="rank-branches-shown"]');
    await shown.waitFor();
    assert.equal((await shown.innerText()).trim(), '平均分最高的 50 个支部（共 62 个）');
    assert.match(await page.locator('[data-test="rank-table"] .el-table__row').first().innerText(), /测试党员59/);
    await page.waitForTimeout(1200); // the chart's entry animation, for the screenshot
    await snap(page, 'points-admin-rankings-city');

    // a branch whose average is not in the chart: found by typing its name
    await page.locator('.el-select[data-test="rank-org"]').click();
    await page.locator('.el-select[data-test="rank-org"] input').fill('测试支部3');
    await page.locator('.el-tree-select__popper:visible').getByText('测试支部3', { exact: true }).click();
    await page.locator('[data-test="rank-table"] .el-table__row', { hasText: '测试党员3' }).waitFor();
    assert.equal(await page.locator('[data-test="rank-table"] .el-table__row').count(), 1);
    await page.locator('[data-test="rank-branches-shown"]').waitFor({ state: 'detached' });
  });
});
