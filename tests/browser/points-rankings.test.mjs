// 积分排名 at a city's size: the chart holds the 50 branches with the highest averages and
// says how many there are; the organisation picker is the caller's party tree, filterable,
// so a branch outside the chart is still one search away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql } from '../lib/fixtures.mjs';
import { shanghaiToday } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

let server, browser;
const YEAR = shanghaiToday().year;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  // 60 more branches, one full member each, who earned 10 × i points this year
  const orgs = [], people = [], totals = [];
  for (let i = 0; i < 60; i++) {
    const id = 6000 + i;
    orgs.push(`(${id}, 1, 'branch', '测试支部${i}', '/1/${id}/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
    people.push(`(${id}, '测试党员${i}', ${id}, 'full', '2020-01-01', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
    totals.push(`(${id}, '${YEAR}', ${id}, 1, ${10 * i}, 1)`);
  }
  sql(server.db, `INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES ${orgs.join(',')};
    INSERT INTO people (id, name, org_id, party_status, joined_on, active, created_at, updated_at) VALUES ${people.join(',')};
    INSERT INTO points_totals (person_id, period, branch_id, agency_id, total, entries) VALUES ${totals.join(',')};`);
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
