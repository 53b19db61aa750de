// The secretary's phone workbench (issue 18), on a phone's screen from start to end: the
// secretary creates a 支部党员大会 from its template, publishes the notice (a member's
// inbox gets it), shows the check-in QR full screen, one member checks in with the token
// the QR carries, a leave request is approved on the meeting's screen, another member is
// marked present by hand with a reason, the minutes and a
// photo taken with the phone's camera are saved, the meeting is held and closed, and it
// counts in the branch's 三会一课 (the compliance report and the workbench's figure).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, filledValue } from './lib.mjs';

let server;
let browser;
let meetingId = 0;
const work = mkdtempSync(path.join(tmpdir(), 'dj-bwb-'));
const photo = path.join(work, '会场照片.jpg');
const MIN = 60 * 1000;
const pad = (n) => String(n).padStart(2, '0');
/** Beijing wall-clock parts of an instant. */
function bj(ms) {
  const d = new Date(ms + 8 * 3600e3);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), min: d.getUTCMinutes() };
}

before(async () => {
  assertWebBuilt();
  execFileSync(path.join(path.dirname(BIN), 'tests/tools/mkimage'), [photo, '3000', '2000', '90', '5']);
  server = await startServer();
  seedAgency(server.db);
  const admin = server.client();
  await admin.login('admin');
  // the notice is not held back by quiet hours, whatever the hour the test runs
  assert.equal((await admin.patch('/api/v1/settings', { 'notify.quiet_start_hour': 0, 'notify.quiet_end_hour': 0 })).status, 200);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  rmSync(work, { recursive: true, force: true });
});

test('phone: a secretary creates, notices and holds a meeting, and it counts in the compliance figure', async (t) => {
  const mem = server.client();
  await mem.login('member-a');
  const sec = server.client();
  await sec.login('sec-a');
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'sec-a', PASSWORD);
    page.djErrors.length = 0; // the sign-in page's own 401 (no session yet) is expected

    // the workbench: this month's and this quarter's 三会一课
    await page.goto('/m/workbench');
    await page.locator('[data-test="wb-sanhui"]').waitFor();
    const quarterBefore = (await page.locator('[data-test="wb-sanhui-quarter"] [data-test="wb-sanhui-fig"]').innerText()).trim();
    assert.match(quarterBefore, /^已开 0 \/ 应开 \d+$/);
    await snap(page, 'workbench-1-home');

    // 发起会议 from the 支部党员大会 template, started ten minutes ago (so it can be held)
    await page.locator('[data-test="wb-new-meeting"]').click();
    await page.waitForURL(/\/m\/workbench\/new/);
    await page.locator('[data-test="tpl-branch_assembly"]').click();
    const title = await filledValue(page.locator('input[name="title"]'));
    assert.match(title, /^\d{4}年第[一二三四]季度支部党员大会$/);
    assert.match(await filledValue(page.locator('textarea[name="agenda"]')), /传达学习上级文件精神/);
    const start = Date.now() - 10 * MIN;
    const s = bj(start);
    await page.locator('input[name="date"]').fill(`${s.y}-${pad(s.m)}-${pad(s.d)}`);
    await page.locator('input[name="time"]').fill(`${pad(s.h)}:${pad(s.min)}`);
    await page.locator('input[name="place"]').fill('三楼小会议室');
    assert.equal(await page.locator('[data-test="meeting-date"]').innerText(), `${s.y}年${s.m}月${s.d}日`);
    await snap(page, 'workbench-2-new');
    await page.locator('[data-test="meeting-create"]').click();
    await page.waitForURL(/\/m\/workbench\/meetings\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    meetingId = id;
    const a = (await sec.get(`/api/v1/activities/${id}`)).body;
    assert.equal(a.kind, 'branch_assembly');
    assert.equal(a.state, 'planned');
    assert.equal(a.place, '三楼小会议室');
    // attendees: the branch's party members (full and probationary), by default
    assert.deepEqual(a.expected.map((p) => p.person_id ?? p.id).sort((x, y) => x - y), [1, 2, 3, 4, 6]);
    assert.equal((await page.locator('[data-test="meeting-state"]').innerText()).trim(), '计划中');

    // publish the notice: the member's inbox has it
    await page.locator('[data-test="meeting-notice"]').click();
    await page.locator('[data-test="meeting-qr"]').waitFor();
    assert.equal((await page.locator('[data-test="meeting-state"]').innerText()).trim(), '已通知');
    let got = null;
    for (let i = 0; i < 50 && !got; i++) {
      const inbox = await mem.get('/api/v1/inbox');
      assert.equal(inbox.status, 200);
      got = inbox.body.items.find((m) => JSON.stringify(m).includes(title));
      if (!got) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(got, 'the member\'s inbox has the notice');
    await page.locator('.van-toast').waitFor({ state: 'hidden' });
    await snap(page, 'workbench-3-noticed');

    // the QR full screen on the phone; the member checks in with the token it carries
    await page.locator('[data-test="meeting-qr"]').click();
    await page.waitForURL(/\/qr$/);
    const code = page.locator('[data-test="m-qr-code"] svg');
    await code.waitFor();
    const box = await code.boundingBox();
    assert.ok(box.width >= 300, `the code fills the phone's width (${box.width}px)`);
    const token = await page.locator('[data-test="m-qr-code"]').getAttribute('data-token');
    assert.match(token, /^[0-9a-f]{20}$/);
    const ci = await mem.post(`/api/v1/activities/${id}/checkin`, { token });
    assert.equal(ci.status, 201, ci.text);
    await page.waitForFunction(() => /已签到 1 \//.test(document.querySelector('[data-test="m-qr-count"]').textContent),
      null, { timeout: 12000 });
    assert.match(await page.locator('[data-test="m-qr-status"]').innerText(), /正在签到/);
    await snap(page, 'workbench-4-qr');
    // meanwhile 张建国 (the secretary as a member) asks for leave from his own phone
    assert.equal((await sec.post(`/api/v1/activities/${id}/leave`, { reason: '到市里参加培训' })).status, 201);
    await page.locator('[data-test="m-qr-close"]').click();
    await page.waitForURL(/\/m\/workbench\/meetings\/\d+$/);

    // the leave decided on the meeting's screen
    const leaves = page.locator('[data-test="meeting-leaves"]');
    await leaves.waitFor();
    assert.match(await leaves.innerText(), /到市里参加培训/);
    await leaves.getByRole('button', { name: '批准' }).click();
    await page.locator(`[data-test="person-${PERSON.secA}"] [data-status="leave"]`).waitFor();
    await leaves.waitFor({ state: 'detached' });

    // 王志强 (person 3) marked present by hand, with the reason
    await page.locator('[data-test="person-3"]').click();
    await page.locator('[data-test="mark-present"]').click();
    await page.locator('textarea[name="mark-reason"]').fill('手机没电，书记代为签到');
    await snap(page, 'workbench-5-mark');
    await page.locator('.van-dialog__confirm').click();
    await page.locator('[data-test="person-3"] [data-status="present"]').waitFor();
    await page.locator('.van-dialog').waitFor({ state: 'hidden' });
    await page.locator('.van-toast').waitFor({ state: 'hidden' });
    assert.match(await page.locator('[data-test="person-3"]').innerText(), /手工登记：手机没电，书记代为签到/);
    assert.match(await page.locator('[data-test="person-2"]').innerText(), /扫码/);
    assert.match(await page.locator('[data-test="meeting-summary"]').innerText(), /实到 2 人，请假 1 人/);
    assert.match(await page.locator('[data-test="meeting-quorum"]').innerText(), /2 \/ \d+ 人到会/);
    await snap(page, 'workbench-6-attendance');

    // the minutes and a photo from the phone's camera
    await page.locator('[data-test="meeting-minutes"] textarea').fill('会议传达学习了上级文件精神，通报了本季度支部工作。');
    await page.locator('[data-test="meeting-save-minutes"]').click();
    await page.getByText('会议记录已保存').waitFor();
    await page.locator('[data-test="take-photo"] input[type="file"]').setInputFiles(photo);
    await page.locator('[data-test="m-thumb"]').waitFor({ timeout: 30000 });
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-test="m-thumb"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.equal(sql(server.db, `SELECT COUNT(*) FROM file_links WHERE subject = 'activity' AND record_id = ${id};`).trim(), '1');

    // held, then closed
    await page.locator('[data-test="meeting-hold"]').click();
    await page.locator('[data-test="meeting-close"]').waitFor();
    assert.equal((await page.locator('[data-test="meeting-state"]').innerText()).trim(), '已召开');
    await page.locator('[data-test="meeting-close"]').click();
    await page.locator('[data-test="meeting-closed"]').waitFor();
    await page.locator('.van-toast').waitFor({ state: 'hidden' });
    assert.equal((await page.locator('[data-test="meeting-state"]').innerText()).trim(), '已归档');
    await snap(page, 'workbench-7-closed');
    const closed = (await sec.get(`/api/v1/activities/${id}`)).body;
    assert.equal(closed.state, 'closed');
    assert.match(closed.minutes, /上级文件精神/);
    const sheet = (await sec.get(`/api/v1/activities/${id}/attendance`)).body;
    assert.equal(sheet.summary.present, 2);
    assert.equal(sheet.summary.leave, 1);
    assert.equal(sheet.people.find((p) => p.person_id === 3).mark_reason, '手机没电，书记代为签到');
    assert.equal(sheet.people.find((p) => p.person_id === PERSON.memberA).method, 'qr');

    // it counts: the quarter's 支部党员大会 is done in the compliance report …
    const q = `${s.y}-Q${Math.ceil(s.m / 3)}`;
    const rep = (await sec.get(`/api/v1/compliance?org=${ORG.branchA}&year=${s.y}`)).body;
    const org = rep.orgs.find((o) => o.org_id === ORG.branchA);
    const cell = org.requirements.find((r) => r.code === 'branch_assembly').periods.find((p) => p.period === q);
    assert.equal(cell.status, 'done');
    assert.ok(cell.activities.some((x) => x.id === id));
    // … and on the workbench's figure (when the meeting's quarter is still this quarter)
    await page.goto('/m/workbench');
    await page.locator('[data-test="wb-sanhui"]').waitFor();
    const n = bj(Date.now());
    if (`${n.y}-Q${Math.ceil(n.m / 3)}` === q) {
      const after = (await page.locator('[data-test="wb-sanhui-quarter"] [data-test="wb-sanhui-fig"]').innerText()).trim();
      assert.match(after, /^已开 1 \/ 应开 \d+$/);
    }
    await page.locator(`[data-test="wb-meeting"]`).first().waitFor();
    await snap(page, 'workbench-8-after');
    assert.deepEqual(page.djErrors, []);
  });
});

test('phone: the warnings and overdue items open from the workbench', async (t) => {
  // the branch's term ends in 40 days: a warning to prepare the election
  sql(server.db, `UPDATE orgs SET term_end = '${shanghaiDate(40)}' WHERE id = ${ORG.branchA};`);
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'sec-a', PASSWORD);
    page.djErrors.length = 0; // the sign-in page's own 401 (no session yet) is expected
    await page.goto('/m/workbench');
    await page.locator('[data-test="wb-warnings"]').click();
    await page.waitForURL(/\/m\/workbench\/warnings/);
    await page.locator('[data-test="warn-org"]').waitFor();
    await page.locator('[data-test="warn-overdue"]').waitFor();
    assert.match(await page.locator('[data-test="warn-org"]').innerText(), /任期将于\d{4}年\d{1,2}月\d{1,2}日届满/);
    const text = await page.locator('.m-warn').innerText();
    assert.doesNotMatch(text, /[a-z]+_[a-z]+/, 'no code reaches the screen');
    await snap(page, 'workbench-9-warnings');
    assert.deepEqual(page.djErrors, []);
  });
});

test('PC: the attendance sheet shows the reason of a hand mark', async (t) => {
  assert.ok(meetingId, 'the phone test made the meeting');
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto(`/admin/activities/${meetingId}`);
    const cell = page.locator('[data-test="mark-reason"]');
    await cell.waitFor();
    assert.equal((await cell.innerText()).trim(), '出席：手机没电，书记代为签到');
    await snap(page, 'workbench-10-pc-sheet');
  });
});
