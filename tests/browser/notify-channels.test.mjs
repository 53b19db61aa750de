// The PC's 消息通道与账号绑定 page (issue 18): the SMS gateway and e-mail channels'
// settings with Chinese labels and write-only secrets; a secretary binds 企业微信
// accounts from an Excel .xlsx (read in the page, a dry run listing the unmatched
// rows, then bound); and a person's page sets their account and e-mail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { startServer, PASSWORD, ROOT } from '../lib/server.mjs';
import { seedAgency, sql, PERSON } from '../lib/fixtures.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, OUT } from './lib.mjs';

const SMS_SECRET = 'Sms-T0ken-browser-91';
const MAIL_PASSWORD = 'Mail-Pa55-browser-3';
let server;
let browser;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  const admin = server.client();
  await admin.login('admin');
  const s = await admin.put('/api/v1/notify/channels/sms', { url: 'https://sms.example.com/send', secret: SMS_SECRET, success_json: 'code=0' });
  assert.equal(s.status, 200, s.text);
  const m = await admin.put('/api/v1/notify/channels/email', { host: 'smtp.example.gov.cn', user: 'dj', password: MAIL_PASSWORD, from: 'dangjian@example.gov.cn' });
  assert.equal(m.status, 200, m.text);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('settings: the SMS and e-mail channels in Chinese, their secrets never shown', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'admin', PASSWORD);
    page.djErrors.length = 0;
    await page.goto('/admin/notify');
    const sms = page.locator('[data-test="sms-card"]');
    await sms.waitFor();
    const smsSecret = page.locator('[data-test="sms-secret"] input, input[data-test="sms-secret"]').first();
    await page.waitForFunction(() => {
      const i = document.querySelector('[data-test="sms-url"] input, input[data-test="sms-url"]');
      return i && i.value.includes('sms.example.com');
    });
    assert.equal(await smsSecret.inputValue(), '');
    assert.match(await smsSecret.getAttribute('placeholder'), /已设置/);
    for (const label of ['短信通道（短信网关）', '网关地址', '请求内容模板', '成功标志字段', '网关密钥（Token）']) {
      assert.ok((await sms.innerText()).includes(label), label);
    }
    const mail = page.locator('[data-test="email-card"]');
    const pw = page.locator('[data-test="email-password"] input, input[data-test="email-password"]').first();
    await page.waitForFunction(() => {
      const i = document.querySelector('[data-test="email-host"] input, input[data-test="email-host"]');
      return i && i.value === 'smtp.example.gov.cn';
    });
    assert.equal(await pw.inputValue(), '');
    assert.match(await pw.getAttribute('placeholder'), /已设置/);
    for (const label of ['电子邮件通道（SMTP）', 'SMTP 服务器', 'STARTTLS', '发件地址', 'CA 证书文件']) {
      assert.ok((await mail.innerText()).includes(label), label);
    }
    const html = await page.content();
    assert.ok(!html.includes(SMS_SECRET) && !html.includes(MAIL_PASSWORD), 'no secret in the page');
    // a bad address is refused with the field named
    const from = page.locator('[data-test="email-from"] input, input[data-test="email-from"]').first();
    await from.fill('not-an-address');
    await page.locator('[data-test="email-save"]').click();
    await mail.getByText('发件地址不是有效的电子邮箱').waitFor();
    await mail.scrollIntoViewIfNeeded();
    await snap(page, 'notify-channels-settings');
    assert.deepEqual(page.djErrors.filter((e) => !/status of 400/.test(e)), []);
  });
  assert.equal(sql(server.db, "SELECT config FROM notify_channels WHERE channel = 'email';").includes('not-an-address'), false);
});

test('a secretary binds 企业微信 accounts from an Excel file: dry run, then bound', async (t) => {
  const require = createRequire(path.join(ROOT, 'web/package.json'));
  const ExcelJS = require('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('通讯录');
  // the work app's own export: 姓名, 账号, 手机 and more
  ws.addRows([['姓名', '账号', '职务', '手机'],
    ['张建国', 'zhangjianguo', '书记', '13800000001'],
    ['李红梅', 'lihongmei', '', '13800000002'],
    ['外单位人员', 'stranger', '', '13900000000'],
    ['孙立军', 'sunlijun', '', '13800000007']]);
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'wecom-bindings.xlsx');
  await wb.xlsx.writeFile(file);
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    page.djErrors.length = 0;
    await page.goto('/admin/notify');
    await page.locator('[data-test="bind-import-open"]').click();
    await page.locator('[data-test="bind-import-file"]').setInputFiles(file);
    const summary = page.locator('[data-test="bind-import-summary"]');
    await summary.waitFor();
    assert.match(await summary.innerText(), /可绑定 2 人/);
    assert.match(await summary.innerText(), /2 行未匹配到人员/);
    const rows = page.locator('[data-test="bind-import-rows"] .el-table__body tr');
    assert.equal(await rows.count(), 4);
    assert.match(await rows.nth(2).innerText(), /外单位人员[\s\S]*未匹配[\s\S]*找不到此人/);
    assert.match(await rows.nth(0).innerText(), /张建国[\s\S]*将绑定[\s\S]*第一党支部/);
    assert.equal(sql(server.db, 'SELECT COUNT(*) FROM wecom_bindings;').trim(), '0', 'the dry run bound nobody');
    await snap(page, 'notify-bind-import-dry-run');
    await page.locator('[data-test="bind-import-commit"]').click();
    await page.locator('.el-message--success').waitFor();
    assert.match(await page.locator('.el-message--success').innerText(), /已绑定 2 人/);
    await page.getByRole('button', { name: '关闭', exact: true }).click();
    const table = page.locator('[data-test="bindings-table"] .el-table__row');
    await table.nth(1).waitFor();
    await snap(page, 'notify-bind-import-done');
    assert.equal(await table.count(), 2, await page.locator('[data-test="bindings-table"]').innerText());
    assert.match(await table.first().innerText(), /zhangjianguo|lihongmei/);
    await snap(page, 'notify-bind-import-done');
    assert.deepEqual(page.djErrors, []);
  });
  assert.equal(sql(server.db, 'SELECT wecom_userid FROM wecom_bindings ORDER BY person_id;').trim().split('\n').join(','), 'zhangjianguo,lihongmei');
});

test('a person\'s page: their 企业微信 account and e-mail, one by one', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    page.djErrors.length = 0;
    await page.goto(`/admin/people/${PERSON.memberA}`);
    const box = page.locator('[data-test="person-notify"]');
    await box.waitFor();
    const email = box.locator('[data-test="pn-email"] input, input[data-test="pn-email"]').first();
    const uid = box.locator('[data-test="pn-userid"] input, input[data-test="pn-userid"]').first();
    await email.waitFor();
    await email.fill('li@');
    await box.locator('[data-test="pn-save"]').click();
    await box.getByText('电子邮箱格式不正确').waitFor();
    await email.fill('lihongmei@example.gov.cn');
    await uid.fill('li.hongmei');
    await box.locator('[data-test="pn-save"]').click();
    await page.locator('.el-message--success').waitFor();
    await box.scrollIntoViewIfNeeded();
    await snap(page, 'notify-person-contact');
    assert.deepEqual(page.djErrors.filter((e) => !/status of 400/.test(e)), []);
  });
  assert.equal(sql(server.db, `SELECT email FROM people WHERE id = ${PERSON.memberA};`).trim(), 'lihongmei@example.gov.cn');
  assert.equal(sql(server.db, `SELECT wecom_userid FROM wecom_bindings WHERE person_id = ${PERSON.memberA};`).trim(), 'li.hongmei');
});
