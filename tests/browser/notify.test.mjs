// Notifications on screen (issue 18): a member's phone shows the unread badge on the
// tab bar and the home's bell, the inbox lists the notice and opens the meeting; the
// console's header bell counts and its inbox opens the screen; a secretary's phone
// 工作台 counts what waits; a member opened from 企业微信/粤政易 signs in without a
// password (against a fake work-app server started here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { startFakeWecom } from '../lib/fake-wecom.mjs';
import { seedAgency, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate, iso8 } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, apiFromPage } from './lib.mjs';

let server;
let browser;
let fake;
let activityId;
const MIN = 60 * 1000;
// Vant's icon font names a copy on alicdn.com after its inline one; the CSP blocks it (tests/browser/separation.test.mjs)
const errors = (page) => page.djErrors.filter((e) => !/Loading the font '[^']*alicdn\.com/.test(e));

before(async () => {
  assertWebBuilt();
  fake = await startFakeWecom({ users: { 'CODE-LI': 'lihongmei' } });
  server = await startServer();
  seedAgency(server.db);
  const as = async (login) => { const c = server.client(); await c.login(login); return c; };
  const admin = await as('admin');
  assert.equal((await admin.patch('/api/v1/settings', { 'notify.quiet_start_hour': 0, 'notify.quiet_end_hour': 0 })).status, 200);
  assert.equal((await admin.put('/api/v1/notify/channels/wecom', {
    enabled: true, api_base: fake.url, oauth_base: fake.url, corpid: fake.corpId, agentid: '1000002',
    app_url: server.url, timeout_seconds: 2, secret: fake.secret,
  })).status, 200);
  const committee = await as('committee');
  assert.equal((await committee.put('/api/v1/notify/bindings', { person_id: PERSON.memberA, wecom_userid: 'lihongmei' })).status, 200);
  const sec = await as('sec-a');
  const mem = await as('member-a');
  const t0 = Date.now() + 26 * 3600 * 1000;
  const r = await sec.post('/api/v1/activities', { org_id: ORG.branchA, kind: 'theme_day', title: '主题党日：走访企业',
    place: '三楼会议室', starts_at: iso8(t0), ends_at: iso8(t0 + 90 * MIN) });
  assert.equal(r.status, 201, r.text);
  activityId = r.body.id;
  assert.equal((await sec.post(`/api/v1/activities/${activityId}/notice`)).status, 200);
  // what waits for the secretary: a leave request and a claim
  assert.equal((await mem.post(`/api/v1/activities/${activityId}/leave`, { reason: '外出培训' })).status, 201);
  assert.equal((await mem.post('/api/v1/points/claims', { rule_code: 'article_published', description: '发表理论文章一篇', occurred_on: shanghaiDate(-1) })).status, 201);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (fake) await fake.stop();
});

test('phone: the unread badge, the inbox and the message that opens the meeting', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    page.djErrors.length = 0;
    const badge = page.locator('[data-test="tab-m-home"] .van-badge');
    await badge.waitFor();
    assert.equal((await badge.textContent()).trim(), '1');
    await snap(page, 'notify-phone-home-badge');
    await page.locator('[data-test="inbox-link"]').click();
    await page.waitForURL(/\/m\/inbox$/);
    const item = page.locator('[data-test="inbox-item"]').first();
    await item.waitFor();
    assert.equal(await item.getAttribute('data-unread'), '1');
    assert.match(await item.textContent(), /主题党日通知：主题党日：走访企业/);
    assert.match(await item.textContent(), /会议通知/, 'the kind in Chinese');
    assert.doesNotMatch(await item.textContent(), /activity\.noticed/, 'no code on screen');
    await snap(page, 'notify-phone-inbox');
    await item.click();
    await page.waitForURL(new RegExp(`/m/activities/${activityId}$`));
    await page.locator('[data-test="activity-title"]').waitFor();
    await page.goto('/m/');
    await page.locator('[data-test="inbox-link"]').waitFor();
    assert.equal(await page.locator('[data-test="tab-m-home"] .van-badge').count(), 0, 'read: no badge');
    assert.deepEqual(errors(page), []);
  });
});

test('console: the header bell counts, the inbox opens the screen', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    page.djErrors.length = 0;
    const badge = page.locator('[data-test="inbox-badge"] sup');
    await badge.waitFor();
    assert.equal((await badge.textContent()).trim(), '1');
    await page.locator('[data-test="inbox-bell"]').click();
    await page.waitForURL(/\/admin\/inbox$/);
    await page.locator('[data-test="inbox-item"]').first().waitFor();
    await snap(page, 'notify-admin-inbox');
    await page.locator('[data-test^="inbox-open-"]').first().click();
    await page.waitForURL(new RegExp(`/admin/activities/${activityId}$`));
    await page.locator('[data-test="activity-title"]').waitFor();
    await page.locator('[data-test="inbox-badge"] sup').waitFor({ state: 'hidden' });
    assert.deepEqual(errors(page), []);
  });
});

test('phone: the secretary\'s 工作台 counts what waits and leads to it', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'sec-a', PASSWORD);
    page.djErrors.length = 0;
    await page.locator('[data-test="workbench-link"]').click();
    await page.waitForURL(/\/m\/workbench$/);
    const n = async (key) => (await page.locator(`[data-test="tile-${key}"] strong`).textContent()).trim();
    await page.locator('[data-test="wb-todo"]').first().waitFor();
    assert.equal(await n('leave'), '1');
    assert.equal(await n('claims'), '1');
    await snap(page, 'notify-phone-workbench');
    // every to-do on the workbench leads somewhere
    const links = await page.locator('[data-test="wb-todo"]').evaluateAll((els) => els.map((e) => [e.dataset.linkType, e.dataset.link || '']));
    assert.ok(links.length >= 2, JSON.stringify(links));
    assert.deepEqual(links.filter(([, to]) => !to), [], 'every to-do leads to a screen');
    await page.locator('[data-test="tile-leave"]').click();
    await page.locator('[data-test="leave-decisions"]').waitFor();
    await page.goBack();
    await page.locator('[data-test="tile-claims"]').click();
    await page.waitForURL(/\/m\/approvals$/);
    await page.locator('[data-test="approval"]').first().waitFor();
    assert.deepEqual(errors(page), []);
  });
});

test('phone: a member signs in through 企业微信/粤政易 without a password', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await page.goto('/m/login');
    const button = page.locator('[data-test="wecom-login"]');
    await button.waitFor();
    await snap(page, 'notify-phone-login-wecom');
    await button.click();
    // the fake work app sends the phone back with a code; the page signs in and goes home
    await page.waitForURL((u) => u.pathname === '/m/' || u.pathname === '/m', { timeout: 10000 });
    await page.locator('[data-test="inbox-link"]').waitFor();
    const who = await apiFromPage(page, '/api/v1/session');
    assert.equal(who.status, 200, JSON.stringify(who.body));
    assert.equal(who.body.user.login, 'member-a');
  });
});

test('console: the channel\'s settings never show the secret; the committee binds accounts', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'admin', PASSWORD);
    page.djErrors.length = 0;
    await page.goto('/admin/notify');
    const secret = page.locator('input[data-test="wecom-secret"], [data-test="wecom-secret"] input').first();
    await secret.waitFor();
    assert.equal(await secret.inputValue(), '');
    assert.match(await secret.getAttribute('placeholder'), /已设置/);
    await page.locator('[data-test="outbox-counts"]').waitFor();
    assert.ok(!(await page.content()).includes(fake.secret), 'the secret is nowhere in the page');
    await snap(page, 'notify-admin-channel');
    assert.deepEqual(errors(page), []);
  });
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/notify');
    const row = page.locator('[data-test="bindings-table"] .el-table__row').first();
    await row.waitFor();
    assert.match(await row.textContent(), /李红梅.*lihongmei/);
    assert.equal(await page.locator('[data-test="wecom-form"]').count(), 0, 'the channel is the system administrator\'s');
    await snap(page, 'notify-admin-bindings');
  });
});
