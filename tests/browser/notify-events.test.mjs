// The events of the other subjects in the inbox on screen (issues 18, 19): a member's
// phone lists a 学习任务 and a 通知公告 with their kinds in Chinese (no event code on
// screen), and the assignment's message opens 学习园地; a secretary's console inbox
// lists a 流动党员 to contact and opens the register.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, ORG } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

let server;
let browser;
const errors = (page) => page.djErrors.filter((e) => !/Loading the font '[^']*alicdn\.com/.test(e));

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  const as = async (login) => { const c = server.client(); await c.login(login); return c; };
  const committee = await as('committee');
  const sec = await as('sec-a');
  const col = (await committee.get('/api/v1/study/columns')).body.items[0].id;
  let r = await committee.post('/api/v1/study/materials', { org_id: ORG.committee, column_id: col, kind: 'article', title: '党章学习', body: '<p>坚持党的全面领导</p>' });
  assert.equal(r.status, 201, r.text);
  assert.equal((await committee.post(`/api/v1/study/materials/${r.body.id}/publish`, {})).status, 200);
  r = await sec.post('/api/v1/study/assignments', { org_id: ORG.branchA, title: '十二月集中学习', due_on: shanghaiDate(10), material_ids: [r.body.id], org_ids: [ORG.branchA] });
  assert.equal(r.status, 201, r.text);
  r = await committee.post('/api/v1/study/notices', { org_id: ORG.committee, title: '关于开展主题党日的通知', body: '请各支部按时开展。', read_by: shanghaiDate(5) });
  assert.equal(r.status, 201, r.text);
  r = await sec.post('/api/v1/transfers/flow', { person_id: 3, place: '广东省珠海市', since: shanghaiDate(-30), contact: '微信', reason: '借调' });
  assert.equal(r.status, 201, r.text);
  // the 流动党员's message is a scan's (every 5 s): wait for it before the screens are opened
  for (let i = 0; i < 100 && !(await sec.get('/api/v1/inbox')).body.items.some((m) => /流动党员/.test(m.title)); i++) {
    await new Promise((res) => setTimeout(res, 200));
  }
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('phone: a 学习任务 and a 通知公告 in the inbox, in Chinese; the task opens 学习园地', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    page.djErrors.length = 0;
    await page.goto('/m/inbox');
    const items = page.locator('[data-test="inbox-item"]');
    await items.nth(1).waitFor();
    const text = await page.locator('.m-inbox').textContent();
    assert.match(text, /学习任务：十二月集中学习/);
    assert.match(text, /通知公告：关于开展主题党日的通知/);
    assert.doesNotMatch(text, /study_assignment|study_notice|\.made|\.published/, 'no code on screen');
    await snap(page, 'notify-events-phone-inbox');
    await items.filter({ hasText: '学习任务：十二月集中学习' }).click();
    await page.waitForURL(/\/m\/study$/);
    assert.deepEqual(errors(page), []);
  });
});

test('console: the secretary\'s 流动党员 to contact opens the register', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    page.djErrors.length = 0;
    await page.goto('/admin/inbox');
    const item = page.locator('[data-test="inbox-item"]').filter({ hasText: '流动党员本季度联系' });
    await item.waitFor();
    assert.match(await item.textContent(), /流动党员/);
    assert.doesNotMatch(await page.locator('body').textContent(), /flow_member|contact_due/, 'no code on screen');
    await snap(page, 'notify-events-admin-inbox');
    await page.locator('tr').filter({ hasText: '流动党员本季度联系' }).locator('[data-test^="inbox-open-"]').click();
    await page.waitForURL(/\/admin\/transfers\/flow\?id=\d+$/);
    assert.deepEqual(errors(page), []);
  });
});
