// Points (issue 5): a member claims points on the phone, the branch secretary approves
// the claim in the admin console, and the member's score and rank change. Also opens
// every points screen once (screenshots in tests/out/ for looking at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, filledValue } from './lib.mjs';

let server;
let browser;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  // attendance earlier today: person 9 (branch 3) twice, member-b (person 8) once
  const shDay = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const at = new Date(Date.parse(`${shDay}T00:05:00+08:00`)).toISOString().replace(/\.\d+Z$/, 'Z');
  sql(server.db, `INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at) VALUES
    (9, 501, 'attendance', 'branch_assembly', 1, '${at}'), (9, 502, 'attendance', 'theme_day', 1, '${at}'),
    (8, 501, 'attendance', 'branch_assembly', 1, '${at}'), (2, 501, 'attendance', 'branch_assembly', 1, '${at}');`);
  const committee = server.client();
  await committee.login('committee');
  const r = await committee.post('/api/v1/points/sync', {});
  assert.equal(r.body.awarded, 4);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function scoreAndRank(page) {
  await page.goto('/m/points');
  await page.locator('[data-test="score"]').waitFor();
  return {
    score: (await page.locator('[data-test="score"]').innerText()).trim(),
    rank: (await page.locator('[data-test="rank-branch"]').innerText()).trim(),
  };
}

test('a member claims, the secretary approves, the member\'s score and rank change', async (t) => {
  let claimId;
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-b', PASSWORD);
    const before = await scoreAndRank(page);
    assert.equal(before.score, '61');
    assert.equal(before.rank, '第 2 名');
    await page.locator('.van-cell').filter({ hasText: '参加支部党员大会' }).first().waitFor();
    await snap(page, 'points-mobile-history');

    await page.locator('.van-tab').filter({ hasText: '红榜' }).click();
    await page.locator('.m-hr__name').first().waitFor();
    await snap(page, 'points-mobile-honour-roll');

    await page.locator('.van-tab').filter({ hasText: '积分申报' }).click();
    await page.locator('input[name="rule_code"]').click();
    await page.locator('.van-picker__confirm').click();
    assert.match(await filledValue(page.locator('input[name="rule_code"]')), /发表党建或业务文章/);
    await page.locator('textarea[name="description"]').fill('在《江门日报》理论版发表署名文章一篇');
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/points/claims' && r.request().method() === 'POST');
    await page.locator('[data-test="claim-form"] button[type="submit"]').click();
    const res = await answer;
    assert.equal(res.status(), 201);
    claimId = (await res.json()).id;
    await page.locator(`[data-test="claim-status-${claimId}"]`).filter({ hasText: '待审批' }).waitFor();
    await snap(page, 'points-mobile-claims');
  });

  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-b', PASSWORD);
    await page.goto('/admin/points/claims');
    await page.locator(`[data-test="approve-${claimId}"]`).waitFor();
    await snap(page, 'points-admin-approval-queue');
    await page.locator(`[data-test="approve-${claimId}"]`).click();
    const answer = page.waitForResponse((r) => r.url().includes(`/api/v1/points/claims/${claimId}/decision`));
    await page.locator('.el-message-box__btns .el-button--primary').click();
    assert.equal((await answer).status(), 200);
    await page.locator(`[data-test="approve-${claimId}"]`).waitFor({ state: 'detached' });
  });

  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-b', PASSWORD);
    const after = await scoreAndRank(page);
    assert.equal(after.score, '64');
    assert.equal(after.rank, '第 1 名');
    await page.locator('.van-tab').filter({ hasText: '积分申报' }).click();
    await page.locator(`[data-test="claim-status-${claimId}"]`).filter({ hasText: '已通过' }).waitFor();
  });
});

test('admin screens: rankings with the chart, a member\'s ledger, rules, verify', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/points/rankings');
    await page.locator('[data-test="rank-table"] .el-table__row').first().waitFor();
    await page.locator('[data-test="rank-chart"] canvas').waitFor();
    const first = await page.locator('[data-test="rank-table"] .el-table__row').first().innerText();
    assert.match(first, /周丽|吴刚/);
    await page.waitForTimeout(1200); // let the chart's entry animation finish for the screenshot
    await snap(page, 'points-admin-rankings');

    await page.goto('/admin/points/ledger?person=9');
    await page.locator('[data-test="ledger-table"] .el-table__row').first().waitFor();
    assert.equal(await page.locator('[data-test="ledger-table"] .el-table__row').count(), 2);
    await snap(page, 'points-admin-ledger');

    await page.goto('/admin/points/rules');
    await page.locator('[data-test="rules-table"] .el-table__row').first().waitFor();
    assert.ok(await page.locator('[data-test="rules-table"]').getByText('参加支部党员大会').count() > 0);
    await snap(page, 'points-admin-rules');

    await page.goto('/admin/points/verify');
    const result = page.locator('[data-test="verify-result"]');
    await result.waitFor();
    assert.match(await result.innerText(), /台账完整/);
    await snap(page, 'points-admin-verify');
  });
});
