// Organisations and people in the browser (issue 3): the admin console's
// organisation tree with its warnings panel and a node's officers; the roster's
// import of a CSV and an .xlsx file with an error row (dry run, errors table,
// nothing written, then a clean file imported); the phone's 我的 with the
// member's profile and pledge, and the branch page with its brand and members.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql, ORG } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';
import ExcelJS from '../../web/node_modules/exceljs/lib/exceljs.nodejs.js';

let server;
let browser;

import { shanghaiDate } from '../lib/clock.mjs';

/** '2026-03-01' → '2026年3月1日', as the screens write dates. */
const zhDate = (d) => { const [y, m, dd] = d.split('-').map(Number); return `${y}年${m}月${dd}日`; };

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  // data for the screens: officers, a brand, and a term about to end (a warning)
  sql(server.db, `
    INSERT INTO org_officers (org_id, post, person_id) VALUES (2, 'secretary', 1), (2, 'organization', 2), (2, 'discipline', 6),
      (3, 'secretary', 7);
    UPDATE orgs SET brand_name = '红色引擎', brand_slogan = '围绕中心抓党建，抓好党建促发展',
      brand_description = '党员领办重点文稿，每月开展一次微分享。' WHERE id = 2;
    UPDATE orgs SET term_start = '${shanghaiDate(-1065)}', term_end = '${shanghaiDate(30)}' WHERE id = 3;
    UPDATE people SET pledge = '带头学习，服务群众。' WHERE id = 1;`);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('desktop: the organisation tree, its warnings panel and a node\'s officers', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.locator('.el-menu').getByText('组织架构').click();
    await page.waitForURL((u) => u.pathname === '/admin/orgs');
    const tree = page.locator('[data-test="org-tree"]');
    await tree.getByText('第一党支部').waitFor();
    const names = await tree.locator('.a-orgs__node > span:first-child').allInnerTexts();
    assert.deepEqual(names, ['机关党委', '第一党支部', '第一党小组', '第二党支部', '机关工会', '机关妇委会', '机关团支部']);
    // the warnings panel names the branch whose term ends within 90 days
    const panel = page.locator('[data-test="warnings-panel"]');
    await panel.getByText('第二党支部').waitFor();
    assert.match(await panel.innerText(), /请做好换届准备/);
    assert.ok(await tree.locator('[data-org="3"]').getByText('1 条预警').isVisible());
    // a node's officers, term and brand
    await tree.getByText('第一党支部', { exact: true }).click();
    const detail = page.locator('[data-test="org-detail"]');
    await detail.locator('[data-test="officers"]').getByText('张建国').waitFor();
    const officers = await detail.locator('[data-test="officers"]').innerText();
    assert.match(officers, /书记\s*张建国/);
    assert.match(officers, /纪检委员\s*赵敏/);
    // the fixture's term: began two years ago, ends in a year
    assert.ok((await detail.locator('[data-test="term"]').innerText())
      .includes(`${zhDate(shanghaiDate(-730))} 至 ${zhDate(shanghaiDate(365))}`));
    assert.match(await detail.locator('[data-test="brand"]').innerText(), /红色引擎/);
    await snap(page, 'orgs-tree');
    // clicking a warning selects its organisation
    await panel.getByText('第二党支部').click();
    await detail.getByText('孙立军').waitFor();
    assert.match(await detail.innerText(), /请做好换届准备/);
  });
});

async function xlsxWithBadRow() {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  ws.addRow(['姓名', '性别', '出生日期', '手机号', '所在支部', '党员类别', '入党时间', '转正时间']);
  ws.addRow(['冯志远', '男', new Date(Date.UTC(1985, 5, 1)), '13900003001', '第一党支部', '正式党员', new Date(Date.UTC(2010, 6, 1)), new Date(Date.UTC(2011, 6, 1))]);
  ws.addRow(['韩雪', '女', new Date(Date.UTC(1990, 1, 3)), '13900003002', '第九党支部', '正式党员', new Date(Date.UTC(2014, 6, 1)), new Date(Date.UTC(2015, 6, 1))]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

test('desktop: roster import with an error row writes nothing; a clean file goes in', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/people');
    const table = page.locator('[data-test="people-table"]');
    await table.getByText('张建国').waitFor();
    assert.match(await page.locator('.a-people__footer').innerText(), /共 10 人/);
    const before = sql(server.db, 'SELECT COUNT(*) FROM people;').trim();

    await page.locator('[data-test="import-open"]').click();
    const bad = '姓名,性别,出生日期,手机号,所在支部,党员类别,入党时间,转正时间\r\n'
      + '钱学军,男,1980-03-05,13900001001,第一党支部,正式党员,2005-07-01,2006-07-01\r\n'
      + '孙梅,女,1981-02-30,13900001002,第二党支部,正式党员,2006-07-01,2007-07-01\r\n';
    await page.locator('[data-test="import-file"]').setInputFiles({ name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const errors = page.locator('[data-test="import-errors"]');
    await errors.getByText('出生日期').waitFor();
    const rows = await errors.locator('.el-table__body tr').allInnerTexts();
    assert.equal(rows.length, 1);
    assert.match(rows[0], /^3\s+出生日期\s+日期“1981-02-30”无效/);
    assert.ok(await page.locator('[data-test="import-commit"]').isDisabled());
    assert.equal(sql(server.db, 'SELECT COUNT(*) FROM people;').trim(), before);
    await snap(page, 'people-import-errors');

    // an Excel file is read in the browser and checked the same way
    await page.locator('[data-test="import-file"]').setInputFiles({
      name: '名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsxWithBadRow(),
    });
    await errors.getByText('所在支部').waitFor();
    assert.match(await errors.innerText(), /“第九党支部”：找不到该支部/);
    assert.ok(await page.locator('[data-test="import-commit"]').isDisabled());

    // a clean file: dry run passes, then the import
    const good = bad.replace('1981-02-30', '1981-02-28');
    await page.locator('[data-test="import-file"]').setInputFiles({ name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.locator('[data-test="import-ok"]').waitFor();
    const commit = page.locator('[data-test="import-commit"]');
    assert.match(await commit.innerText(), /正式导入 2 人/);
    await commit.click();
    await page.locator('[data-test="import-ok"]').getByText('已导入 2 人').waitFor();
    assert.equal(Number(sql(server.db, 'SELECT COUNT(*) FROM people;').trim()), Number(before) + 2);
    await page.locator('.el-dialog__headerbtn').click();
    await page.locator('.a-people__footer').getByText('共 12 人').waitFor();

    // search by name and open the record
    await page.locator('input[name="q"]').fill('钱学军');
    await page.getByRole('button', { name: '查询' }).click();
    await table.getByText('钱学军').click();
    await page.waitForURL((u) => /\/admin\/people\/\d+$/.test(u.pathname));
    assert.match(await page.locator('[data-test="person-record"]').innerText(), /13900001001/);
    // edit the record: a post in the agency and membership of the union (audited)
    await page.getByRole('button', { name: '编辑档案' }).click();
    await page.locator('.a-pform').getByText('机关工会').click();
    const saved = page.waitForResponse((r) => /\/api\/v1\/people\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
    await page.locator('[data-test="person-save"]').click();
    const patched = await saved;
    assert.equal(patched.status(), 200);
    assert.deepEqual(Object.keys(JSON.parse(patched.request().postData())), ['mass_orgs'], 'only what changed is sent');
    await page.locator('[data-test="person-record"]').getByText('机关工会').waitFor();
    await snap(page, 'people-record');

    // a new person through the dialog
    await page.goto('/admin/people');
    await page.locator('[data-test="person-new"]').click();
    const dialog = page.locator('.el-dialog').filter({ hasText: '新增人员' });
    await dialog.locator('input[name="name"]').fill('褚新民');
    await dialog.locator('input[name="phone"]').fill('13900004001');
    await dialog.locator('[data-test="person-org"]').click();
    await page.locator('.el-tree-select__popper:visible').getByText('第二党支部').click();
    await dialog.locator('[data-test="person-create"]').click();
    // a full member needs the dates: the server says which field
    await dialog.getByText('党员须填写入党时间').waitFor();
    // on a loaded machine a click may land while the dropdown still opens: pick until it shows
    for (let i = 0; i < 5; i++) {
      await dialog.locator('[data-test="person-status"]').click();
      await page.locator('.el-select-dropdown__item:visible').getByText('入党积极分子').click();
      if (await dialog.locator('[data-test="person-status"]').getByText('入党积极分子').isVisible()) break;
      await page.waitForTimeout(300);
    }
    await dialog.locator('[data-test="person-create"]').click();
    await page.waitForURL((u) => /\/admin\/people\/\d+$/.test(u.pathname));
    await page.locator('[data-test="person-name"]').getByText('褚新民').waitFor();
    assert.equal(sql(server.db, "SELECT org_id || '|' || party_status FROM people WHERE phone = '13900004001';").trim(), '3|activist');
  });
});

test('phone: 我的 shows the member\'s profile, the pledge is edited, the branch page lists members', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    await page.goto('/m/me');
    const profile = page.locator('[data-test="my-profile"]');
    await profile.locator('[data-test="my-branch"]').getByText('第一党支部').waitFor();
    assert.match(await profile.innerText(), /正式党员/);
    assert.match(await profile.innerText(), /党龄\s*1\d 年/);
    await profile.locator('textarea[name="pledge"]').fill('立足岗位做表率，办好每一份文稿。');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/people/2') && r.request().method() === 'PATCH');
    await profile.locator('[data-test="pledge-save"]').click();
    assert.equal((await saved).status(), 200);
    assert.equal(sql(server.db, 'SELECT pledge FROM people WHERE id = 2;').trim(), '立足岗位做表率，办好每一份文稿。');
    await snap(page, 'mobile-me-profile');

    await profile.locator('[data-test="my-branch"]').click();
    await page.waitForURL((u) => u.pathname === `/m/branch/${ORG.branchA}`);
    const brand = page.locator('[data-test="branch-brand"]');
    await brand.getByText('红色引擎').waitFor();
    const members = page.locator('[data-test="branch-members"]');
    await members.getByText('立足岗位做表率，办好每一份文稿。').waitFor();
    const text = await members.innerText();
    assert.match(text, /张建国\s*书记/);
    assert.match(text, /带头学习，服务群众。/);
    assert.ok(!/1380000000\d/.test(text), 'no phone numbers on the public page');
    await snap(page, 'mobile-branch');
  });
});

test('desktop: the roster pages on by the last page\'s cursor and jumps back by its number', async (t) => {
  // 20 more members of branch B: the roster has two pages of 20
  const rows = Array.from({ length: 20 }, (_, i) => `('翻页${String(i + 1).padStart(2, '0')}', ${ORG.branchB}, 'full', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  sql(server.db, `INSERT INTO people (name, org_id, party_status, active, created_at, updated_at) VALUES ${rows.join(',')};`);
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/people');
    const table = page.locator('[data-test="people-table"]');
    await table.getByText('张建国').waitFor();
    const footer = page.locator('.a-people__footer');
    const total = (await footer.innerText()).match(/共 (\d+) 人/)[1];
    assert.ok(Number(total) > 20 && Number(total) <= 40, total);
    const first = await table.locator('.el-table__body tr').first().innerText();
    const next = page.waitForResponse((r) => r.url().includes('/api/v1/people?') && r.url().includes('cursor=kA'));
    await footer.locator('.btn-next').click();
    assert.equal((await next).status(), 200);
    await table.getByText('翻页20').waitFor();
    assert.match(await footer.innerText(), new RegExp(`共 ${total} 人`), 'the first page\'s total stays');
    assert.notEqual(await table.locator('.el-table__body tr').first().innerText(), first);
    await snap(page, 'people-page-2');
    await footer.locator('.el-pager li').first().click();
    await table.getByText('张建国').waitFor();
    assert.equal(await table.locator('.el-table__body tr').first().innerText(), first);
  });
});
