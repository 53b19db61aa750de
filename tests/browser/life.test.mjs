// Organisational life in the browser: a phone opens the address the projected QR
// code carries, signs in and is signed in to the meeting (once); the console's
// screens (list, detail, full-screen QR, compliance matrix, statistics) and the
// phone's (to-dos, activities, detail, my year) render with real data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, submitSignIn, signInAs, snap } from './lib.mjs';

let server;
let browser;
let activity;
let sec;

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  browser = await launchBrowser();
  sec = server.client();
  await sec.login('sec-a');
  const now = Date.now();
  const r = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'branch_assembly', title: '第四季度支部党员大会', place: '三楼会议室',
    starts_at: iso(now - 10 * 60000), ends_at: iso(now + 80 * 60000), agenda: '1. 学习文件精神\n2. 讨论发展党员',
  });
  assert.equal(r.status, 201, r.text);
  activity = r.body;
  assert.equal((await sec.post(`/api/v1/activities/${activity.id}/notice`)).status, 200);
  // a past month's theme day, held, so the matrix has green next to red
  const past = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'theme_day', title: '主题党日：重温入党誓词', place: '党员活动室',
    starts_at: iso(now - 40 * 86400000), ends_at: iso(now - 40 * 86400000 + 7200000),
  });
  await sec.post(`/api/v1/activities/${past.body.id}/notice`);
  await sec.post(`/api/v1/activities/${past.body.id}/hold`);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('phone: the QR code\'s address signs the member in, once', async (t) => {
  const { body: qr } = await sec.get(`/api/v1/activities/${activity.id}/qr`);
  const target = new URL(qr.url);
  assert.equal(target.pathname, `/m/checkin/${activity.id}`);
  await withPage(t, browser, 'phone', server.url, async (page) => {
    // not signed in yet: the page sends the member to sign in, then back
    await page.goto(target.pathname + target.search);
    await page.waitForURL((u) => u.pathname === '/m/login');
    const { status } = await submitSignIn(page, 'member-a', PASSWORD);
    assert.equal(status, 200);
    await page.waitForURL((u) => u.pathname === `/m/checkin/${activity.id}`);
    const result = page.locator('[data-test="checkin-result"] h1');
    await result.waitFor();
    assert.equal((await result.innerText()).trim(), '签到成功');
    await page.getByText('第四季度支部党员大会').waitFor();
    await snap(page, 'life-phone-checkin');
    assert.equal(sql(server.db, `SELECT COUNT(*) FROM attendance WHERE activity_id = ${activity.id};`).trim(), '1');

    // scanning again says 已签到 and records nothing new
    await page.goto(target.pathname + target.search);
    await page.locator('[data-test="checkin-result"] h1').waitFor();
    assert.equal((await page.locator('[data-test="checkin-result"] h1').innerText()).trim(), '已签到');
    assert.equal(sql(server.db, `SELECT COUNT(*) FROM attendance WHERE activity_id = ${activity.id};`).trim(), '1');

    // the activity's page shows it
    await page.getByRole('button', { name: '查看活动' }).click();
    await page.waitForURL((u) => u.pathname === `/m/activities/${activity.id}`);
    assert.match(await page.locator('[data-test="my-checkin"]').innerText(), /已于 \d\d:\d\d 签到/);
    await snap(page, 'life-phone-detail');

    // a forwarded, stale code does not work
    await page.goto(`/m/checkin/${activity.id}?t=0123456789abcdef0123`);
    await page.locator('[data-test="checkin-result"] h1').waitFor();
    assert.equal((await page.locator('[data-test="checkin-result"] h1').innerText()).trim(), '签到未成功');
  });
});

test('phone: to-dos, my activities, leave request and my year', async (t) => {
  const now = Date.now();
  const lecture = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'party_lecture', title: '书记讲党课', place: '机关礼堂', study_hours: 1.5,
    starts_at: iso(now + 2 * 86400000), ends_at: iso(now + 2 * 86400000 + 5400000),
  });
  await sec.post(`/api/v1/activities/${lecture.body.id}/notice`);
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-b', PASSWORD); // another branch: sees none of branch A's
    await page.locator('.m-home__hello').waitFor();
    assert.equal(await page.locator('[data-test="todo-item"]').count(), 0);
  });
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    await page.locator('[data-test="todo-item"]').first().waitFor();
    const todos = await page.locator('[data-test="todo-item"]').allInnerTexts();
    assert.ok(todos.some((s) => s.includes('书记讲党课')), todos.join(' | '));
    await snap(page, 'life-phone-home');

    await page.locator('.van-tabbar').getByText('活动').click();
    await page.waitForURL((u) => u.pathname === '/m/activities');
    await page.locator('[data-test="activity-item"]').first().waitFor();
    await snap(page, 'life-phone-activities');
    await page.locator('[data-test="activity-item"]', { hasText: '书记讲党课' }).click();
    await page.waitForURL((u) => u.pathname === `/m/activities/${lecture.body.id}`);
    await page.getByRole('button', { name: '请假' }).click();
    await page.locator('textarea[name="reason"]').fill('到省里参加培训');
    const sent = page.waitForResponse((r) => r.url().endsWith(`/activities/${lecture.body.id}/leave`));
    await page.getByRole('button', { name: '确认' }).click();
    assert.equal((await sent).status(), 201);
    await page.getByText('请假待审批').waitFor();

    await page.goto('/m/life');
    await page.locator('[data-test="study-hours"]').waitFor();
  });
  // the secretary decides it from the phone
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'sec-a', PASSWORD);
    await page.goto(`/m/activities/${lecture.body.id}`);
    const box = page.locator('[data-test="leave-decisions"]');
    await box.getByText('到省里参加培训').waitFor();
    const decided = page.waitForResponse((r) => /\/leaves\/\d+\/decision$/.test(r.url()));
    await box.getByRole('button', { name: '批准' }).click();
    assert.equal((await decided).status(), 200);
    await box.getByText('请假已批准').waitFor();
    await snap(page, 'life-phone-leave-decision');
  });
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    await page.goto('/m/life');
    await page.locator('[data-test="study-hours"]').waitFor();
    assert.match(await page.locator('[data-test="study-hours"]').innerText(), /\/ 32 学时/);
    await snap(page, 'life-phone-my-year');
  });
});

test('console: list, detail with quorum and hand sign-in, full-screen QR, compliance, statistics', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto('/admin/activities');
    await page.locator('[data-test="activity-table"] .el-table__row').first().waitFor();
    await snap(page, 'life-admin-list');

    // create one through the form: Beijing wall-clock time becomes UTC
    await page.locator('[data-test="activity-new"]').click();
    const form = page.locator('[data-test="activity-form"]');
    await form.waitFor();
    await form.locator('input[name="title"]').fill('十二月主题党日');
    await form.locator('input[name="place"]').fill('党员活动室');
    const range = form.locator('.el-range-input');
    await range.nth(0).click();
    await range.nth(0).fill('2026年12月10日 14:30');
    await range.nth(1).fill('2026年12月10日 16:30');
    await range.nth(1).press('Enter');
    await form.locator('input[name="place"]').click();
    await snap(page, 'life-admin-form');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/activities') && r.request().method() === 'POST');
    await page.locator('[data-test="activity-save"]').click();
    const answer = await created;
    assert.equal(answer.status(), 201);
    const body = await answer.json();
    assert.equal(body.starts_at, '2026-12-10T06:30:00Z');
    await page.waitForURL((u) => u.pathname === `/admin/activities/${body.id}`);
    assert.equal((await page.locator('[data-test="activity-title"]').innerText()).trim(), '十二月主题党日');
    await page.goto('/admin/activities');
    await page.locator('[data-test="activity-table"] .el-table__row').first().waitFor();
    await page.getByRole('radio', { name: '日历' }).click({ force: true });
    await page.locator('[data-test="activity-calendar"]').waitFor();
    await snap(page, 'life-admin-calendar');

    await page.goto(`/admin/activities/${activity.id}`);
    const quorum = page.locator('[data-test="quorum"]');
    await quorum.waitFor();
    assert.match(await quorum.innerText(), /表决权党员 1 \/ 4 人到会/);
    // sign two more in by hand: the quorum is reached
    for (const name of ['张建国', '王志强']) {
      const row = page.locator('[data-test="attendance-table"] .el-table__row', { hasText: name });
      const done = page.waitForResponse((r) => r.url().endsWith(`/activities/${activity.id}/checkin`));
      await row.getByRole('button', { name: '代为签到' }).click();
      assert.equal((await done).status(), 201);
    }
    await page.locator('[data-test="quorum-statement"]').getByText(/实到3人，超过半数，符合规定人数/).waitFor();
    await snap(page, 'life-admin-detail');

    await page.goto(`/admin/activities/${activity.id}/qr`);
    await page.locator('[data-test="qr-code"] svg').waitFor();
    // the count arrives after the code, with the quorum (the same answer): wait for the latter
    await page.locator('[data-test="qr-quorum"]').waitFor();
    assert.match(await page.locator('[data-test="qr-count"]').innerText(), /已签到 3 \/ 5 人/);
    assert.match(await page.locator('[data-test="qr-quorum"]').innerText(), /已过半数/);
    await snap(page, 'life-admin-qr');

    await page.goto('/admin/compliance');
    await page.locator('[data-test="compliance-table"] td[data-status]').first().waitFor();
    assert.ok(await page.locator('td[data-status="done"]').count() > 0);
    await snap(page, 'life-admin-compliance');

    await page.goto('/admin/life-stats');
    await page.locator('[data-test="stats-total"]').waitFor();
    await page.locator('[data-test="chart-kind"] canvas').waitFor();
    await snap(page, 'life-admin-stats');

    // the people expected can be adjusted: the activist 刘洋 is offered too
    await page.goto(`/admin/activities/${activity.id}`);
    await page.locator('[data-test="adjust-people"]').click();
    const transfer = page.locator('[data-test="people-transfer"]');
    await transfer.getByText('刘洋', { exact: false }).waitFor();
    await snap(page, 'life-admin-people');
  });
});
