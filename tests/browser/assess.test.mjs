// With the demo agency: the leaders' dashboard draws its ECharts charts and shows the
// API's numbers, 大屏模式 fills the screen; the assessment results open a branch's
// breakdown with formulas; on a phone the brand wall lists the branches' brands and
// opens a brand page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, apiFromPage } from './lib.mjs';

const LEADER = process.env.DJ_TEST_LEADER || 'demo-leader';
const COMMITTEE = process.env.DJ_TEST_COMMITTEE || 'demo-committee';
const MEMBER = process.env.DJ_TEST_MEMBER || 'demo-member';

let server;
let browser;

before(async () => {
  assertWebBuilt();
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const number = (s) => Number(String(s).replace(/[^\d.]/g, ''));

test('desktop: the dashboard draws its charts and its numbers match the API', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', LEADER, PASSWORD);
    await page.goto('/admin/cockpit');
    const root = page.locator('[data-test="cockpit"]');
    await root.waitFor();
    // the API's answer, read by the page itself once the cockpit is drawn (two replays lost the body of
    // the answer the screen had received: 'No resource with given identifier found')
    const answer = await apiFromPage(page, '/api/v1/dashboard');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const api = answer.body;
    // the members pie is always there; each chart draws into a canvas
    await page.locator('[data-test="chart-status"] canvas').waitFor();
    for (const part of ['activities', 'points', 'compliance', 'lists']) {
      if (!api[part].available) continue;
      const sel = { activities: 'chart-kinds', points: 'chart-points', compliance: 'chart-heatmap', lists: 'chart-lists' }[part];
      await page.locator(`[data-test="${sel}"] canvas`).waitFor();
    }
    const charts = 1 + (api.activities.available ? 1 : 0) + (api.points.available ? 2 : 0)
      + (api.compliance.available ? 1 : 0) + (api.lists.available ? 1 : 0);
    await page.waitForFunction((n) => document.querySelectorAll('[data-test="cockpit"] canvas').length >= n, charts);
    assert.equal(number(await page.locator('[data-test="kpi-party-members"] .ck__kpi-value').innerText()),
      api.members.party_members);
    assert.equal(number(await page.locator('[data-test="kpi-branches"] .ck__kpi-value').innerText()), api.orgs.branches);
    assert.equal(number(await page.locator('[data-test="kpi-warnings"] .ck__kpi-value').innerText()), api.warnings.count);
    if (api.activities.available) {
      assert.equal(number(await page.locator('[data-test="kpi-study"] .ck__kpi-value').innerText()), api.activities.study);
    }
    // the latest ranking is the demo's computed round
    assert.ok(api.assessment.items.length > 0);
    const first = page.locator('[data-test="ranking"] li').first();
    assert.ok((await first.innerText()).includes(api.assessment.items[0].org_name));
    await snap(page, 'cockpit');

    // 大屏模式: fixed over the whole window, still drawing
    await page.locator('[data-test="screen-toggle"]').click();
    await page.waitForURL((u) => u.searchParams.get('screen') === '1');
    const box = await root.boundingBox();
    assert.ok(box.width >= 1400 && box.height >= 880, JSON.stringify(box));
    await page.locator('[data-test="chart-status"] canvas').waitFor();
    assert.ok((await page.locator('.ck__updated').innerText()).includes('自动刷新'));
    await snap(page, 'cockpit-screen');
  });
});

test('desktop: results list the ranking and open a branch with formulas and evidence', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', COMMITTEE, PASSWORD);
    await page.goto('/admin/assess');
    const table = page.locator('[data-test="periods-table"]');
    await table.locator('.el-table__row').first().waitFor();
    assert.equal(await table.locator('.el-table__row').count(), 2);
    await table.locator('.el-table__row').first().getByRole('link').first().click();
    await page.waitForURL((u) => /\/admin\/assess\/periods\/\d+$/.test(u.pathname));
    const rows = page.locator('[data-test="results-table"] .el-table__row');
    await rows.first().waitFor();
    await snap(page, 'assess-results');
    await rows.first().click();
    const detail = page.locator('[data-test="branch-detail"]');
    await detail.waitFor();
    await detail.locator('.el-collapse-item').first().click();
    await detail.getByText('计算公式').first().waitFor();
    await snap(page, 'assess-branch-detail');
  });
});

test('phone: the brand wall lists every branch and opens a brand page', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', MEMBER, PASSWORD);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/brands');
    await page.goto('/m/brands');
    const api = await (await answer).json();
    // last year's demo round is final: its 先进党支部 list heads the wall
    await page.locator('[data-test="publicity"]').first().waitFor();
    const cards = page.locator('[data-test="brand-card"]');
    await cards.first().waitFor();
    assert.equal(await cards.count(), api.items.length);
    const withBrand = api.items.find((b) => b.brand_name) || api.items[0];
    const card = cards.filter({ hasText: withBrand.brand_name || withBrand.name }).first();
    // fits the phone: no horizontal scrolling
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
    await snap(page, 'brand-wall');
    await card.click();
    await page.waitForURL((u) => u.pathname === `/m/brands/${withBrand.org_id}`);
    const hero = page.locator('[data-test="brand-hero"]');
    await hero.waitFor();
    if (withBrand.brand_name) assert.ok((await hero.innerText()).includes(withBrand.brand_name));
    await snap(page, 'brand-page');
  });
});
