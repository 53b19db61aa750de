// 组织关系转接 in the browser, on a server whose clock is pinned: the committee office's
// list with an expired letter in red, a 介绍信 drafted and issued from the screens
// (the dues check, then the committee's reason), the printable letter with its 存根
// and 回执, the 流动党员 register with a lost-contact warning, and the member's phone
// view of their own letter (where to report, by when). Screenshots in tests/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, ORG, PERSON } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

const NOW = '2027-03-15T10:00:00+08:00';
let server;
let browser;

async function ok(r, status = 201) {
  assert.equal(r.status, status, r.text);
  return r.body;
}

before(async () => {
  assertWebBuilt();
  server = await startServer({ env: { DJ_NOW: NOW } });
  seedAgency(server.db);
  const as = async (login) => { const c = server.client(); await c.login(login); return c; };
  const com = await as('committee');
  const sec = await as('sec-a');
  // an expired letter of 吴刚 (issued in November), a 流动党员 of branch A without contact since August
  const t = await ok(await com.post('/api/v1/transfers/out', { person_id: 9, outside_org: '中共广州市某局机关委员会', reason: '退休异地安置' }));
  await ok(await com.post(`/api/v1/transfers/${t.id}/issue`, { issued_on: '2026-11-01' }), 200);
  const f = await ok(await sec.post('/api/v1/transfers/flow', { person_id: 6, place: '四川省成都市', since: '2026-01-01', card_no: '川流字第0088号' }));
  await ok(await sec.post(`/api/v1/transfers/flow/${f.id}/contacts`, { contacted_on: '2026-08-01', way: 'visit' }));
  // dues owed by 周丽 since December
  await ok(await com.post('/api/v1/dues/bases', { person_id: PERSON.memberB, effective_month: '2026-12', category: 'employed', base_fen: 600000 }));
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the committee office: the list, a letter issued after the dues check, the printable 介绍信', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/transfers');
    const table = page.locator('[data-test="tr-table"]');
    await table.getByText('吴刚').waitFor();
    assert.match(await page.locator('[data-test="tr-warnings"]').innerText(), /1 份介绍信已过期/);
    assert.match(await table.innerText(), /已过期/);
    assert.doesNotMatch(await table.innerText(), /expired|issued|draft/);
    await snap(page, 'transfers-list');

    // a letter out for 周丽: drafted, then issued
    await page.locator('[data-test="tr-new-out"]').click();
    // the remote search refreshes its options while they show: pick until the select holds the name
    const pick = page.locator('[data-test="trc-person"]');
    for (let i = 0; i < 5 && !/周丽/.test(await pick.innerText()); i++) {
      await pick.click();
      await page.keyboard.type('周丽');
      const opt = page.getByRole('option', { name: /周丽/ });
      await opt.waitFor();
      await page.waitForTimeout(400);
      await opt.click().catch(() => {});
      await page.waitForTimeout(200);
    }
    assert.match(await pick.innerText(), /周丽/);
    await page.locator('[data-test="trc-outside"]').fill('中共江门市财政局机关委员会');
    await page.locator('[data-test="trc-reason"]').fill('工作调动');
    await page.locator('[data-test="trc-save"]').click();
    await page.waitForURL(/\/admin\/transfers\/\d+$/);
    const dues = page.locator('[data-test="trd-dues"]');
    await dues.waitFor();
    assert.match(await dues.innerText(), /尚欠 3 个月党费（自 2026年12月 起）/);
    await page.locator('[data-test="trd-issue"]').click();
    await page.locator('[data-test="trd-send"]').click();
    assert.match(await page.locator('[data-test="trd-error"]').innerText(), /由机关党委填写理由/);
    await page.locator('[data-test="trd-override"]').fill('已随转出当月工资补扣');
    await page.locator('[data-test="trd-send"]').click();
    await page.locator('[data-test="trd-letter"]').getByText('介字〔2027〕第001号').waitFor();
    assert.equal((await page.locator('[data-test="trd-state"]').innerText()).trim(), '已开具');
    // the scanned 回执 will attach here (the file store's subject "transfer")
    assert.match(await page.locator('[data-test="trd-scans"]').innerText(), /回执扫描件/);
    await snap(page, 'transfers-detail');

    // the printable letter: stub, letter and 回执 with the number, the dues month, the validity
    const id = page.url().match(/(\d+)$/)[1];
    await page.goto(`/admin/transfers/${id}/print`);
    const stub = page.locator('[data-test="letter-stub"]');
    await stub.waitFor();
    assert.match(await stub.innerText(), /介字〔2027〕第001号/);
    assert.match(await stub.innerText(), /周丽 同志系中共正式党员/);
    const body = await page.locator('[data-test="letter-body"]').innerText();
    assert.match(body, /中共江门市财政局机关委员会：/);
    assert.match(body, /有效期至2027年6月15日/);
    assert.match(await page.locator('[data-test="letter-receipt"]').innerText(), /党员组织关系已转达我处/);
    // beside the print button, the server-made PDF of the same letter
    const pdf = page.locator('[data-test="letter-pdf"]');
    assert.equal(await pdf.innerText(), '下载 PDF');
    const res = await page.request.get(new URL(await pdf.getAttribute('href'), page.url()).href);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    await snap(page, 'transfers-letter');
  });
});

test('a person\'s record: the membership history, the branch moved only by a transfer; the org tree\'s warnings', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/people/9');
    const h = page.locator('[data-test="mh-table"]');
    await h.getByText('第二党支部').waitFor();
    assert.match(await h.innerText(), /建档时已在册/);
    assert.match(await h.innerText(), /正式党员/);
    assert.doesNotMatch(await h.innerText(), /initial|branch|full/);
    await snap(page, 'transfers-person-history');
    await page.getByRole('button', { name: '编辑' }).click();
    await page.locator('[data-test="branch-locked"]').waitFor();
    assert.match(await page.locator('[data-test="branch-locked"]').innerText(), /组织关系转接/);
    await page.goto('/admin/orgs');
    const w = page.locator('[data-test="transfer-warnings"]');
    await w.waitFor();
    assert.match(await w.innerText(), /1 份介绍信已过期/);
    assert.match(await w.innerText(), /1 名流动党员超过六个月没有联系记录/);
  });
});

test('the branch: 流动党员 with the lost-contact warning', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto('/admin/transfers/flow');
    const table = page.locator('[data-test="fl-table"]');
    await table.getByText('赵敏').waitFor();
    assert.match(await table.innerText(), /失联预警/);
    assert.match(await table.innerText(), /川流字第0088号/);
    await snap(page, 'transfers-flow');
  });
});

test('the member\'s phone: my letter, where to report and by when', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-b', PASSWORD);
    await page.goto('/m/transfer');
    const hero = page.locator('[data-test="transfer-hero"]');
    await hero.waitFor();
    assert.match(await hero.innerText(), /中共江门市财政局机关委员会/);
    assert.match(await page.locator('[data-test="transfer-when"]').innerText(), /请在 2027年6月15日 前报到/);
    assert.match(await page.locator('[data-test="transfer-when"]').innerText(), /还剩 92 天/);
    await snap(page, 'transfers-phone');
    // and the to-do on the home screen leads there
    await page.goto('/m/');
    await page.getByText(/持介绍信到中共江门市财政局机关委员会报到/).first().click();
    await page.waitForURL(/\/m\/transfer$/);
  });
});

test('the leaders\' cockpit lists the expired letter and the lost 流动党员 with Chinese labels', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'leader', PASSWORD);
    await page.goto('/admin/cockpit?warnings=1');
    const drawer = page.locator('[data-test="warnings-drawer"]');
    await drawer.getByText('介绍信过期').first().waitFor();
    const text = await drawer.innerText();
    assert.match(text, /吴刚的介绍信.*已过期/);
    assert.match(text, /流动党员失联/);
    assert.match(text, /赵敏（四川省成都市）超过六个月没有联系记录/);
    assert.doesNotMatch(text, /transfer_expired|flow_lost_contact|receipt_overdue/);
    await snap(page, 'transfers-cockpit-warnings');
  });
});
