// The screens a committee office trips over (issue 11, items 8–16), with the demo agency:
// each role's home, the projector's QR screen at 1366×768 to 1920×1080, the calendar,
// the ledger found by name, the settings, the union node, the brand wall, rankings,
// the approval queue's columns, the phone's shortcuts and the attendance before a start.
// Screenshots of each land in tests/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { assertWebBuilt, launchBrowser, newPage, withPage, signInAs, snap } from './lib.mjs';
import { iso8 } from '../lib/clock.mjs';

let server;
let browser;
let committee;
const MIN = 60 * 1000;

before(async () => {
  assertWebBuilt();
  server = await startServer({ demo: true });
  committee = server.client();
  await committee.login('demo-committee');
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** A new activity of the demo's first branch, noticed; returns its id. */
async function noticedActivity(fields) {
  const orgs = (await committee.get('/api/v1/orgs')).body.items;
  const branch = orgs.find((o) => o.kind === 'branch');
  const r = await committee.post('/api/v1/activities', { org_id: branch.id, kind: 'theme_day', place: '三楼会议室', ...fields });
  assert.equal(r.status, 201, r.text);
  assert.equal((await committee.post(`/api/v1/activities/${r.body.id}/notice`)).status, 200);
  return r.body.id;
}

test('each role lands on its work: grouped to-dos, the 纪委\'s warnings, the leader\'s cockpit', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'demo-leader', PASSWORD);
    await page.waitForURL((u) => u.pathname === '/admin/cockpit');
    await page.locator('[data-test="cockpit"]').waitFor();
  });
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'demo-discipline', PASSWORD);
    const card = page.locator('[data-test="home-warnings"]');
    await card.locator('li').first().waitFor();
    assert.ok(await card.locator('li').count() >= 1);
    assert.match(await card.innerText(), /共 \d+ 条/);
    await page.locator('[data-test="todo-group"][data-kind="supervision_overdue"]').waitFor();
    await snap(page, 'screens-discipline-home');
    await card.locator('[data-test="warnings-all"]').click();
    await page.waitForURL((u) => u.pathname === '/admin/cockpit');
    await page.locator('[data-test="warnings-drawer"] .el-table__row').first().waitFor();
  });
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'demo-committee', PASSWORD);
    const leave = page.locator('[data-test="todo-group"][data-kind="leave_decision"]');
    await leave.waitFor();
    const count = Number((await leave.locator('[data-test="todo-count"]').innerText()).replace(/\D/g, ''));
    assert.ok(count > 3, 'the demo has many leave requests');
    assert.equal(await leave.locator('[data-test="todo-item"]').count(), 3, 'three shown');
    await leave.locator('[data-test="todo-more"]').click();
    assert.equal(await leave.locator('[data-test="todo-item"]').count(), count, '查看全部 shows them all');
    await snap(page, 'screens-committee-home');
  });
});

test('the projector\'s QR screen fits without scrolling from 1366×768 to 1920×1080', async (t) => {
  const start = Date.now() + 3 * 3600 * 1000;
  const id = await noticedActivity({ kind: 'branch_assembly', title: '第四季度支部党员大会（表决发展党员）', starts_at: iso8(start), ends_at: iso8(start + 2 * 3600 * 1000) });
  for (const [w, h] of [[1366, 768], [1440, 900], [1920, 1080]]) {
    const page = await newPage(browser, 'desktop', server.url);
    try {
      await page.setViewportSize({ width: w, height: h });
      await signInAs(page, '/admin', 'demo-committee', PASSWORD);
      await page.goto(`/admin/activities/${id}/qr`);
      await page.locator('[data-test="qr-code"] svg').waitFor();
      await page.locator('[data-test="qr-quorum"]').waitFor();
      const m = await page.evaluate(() => {
        const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; };
        return {
          sh: document.documentElement.scrollHeight, sw: document.documentElement.scrollWidth, ih: innerHeight, iw: innerWidth,
          parts: ['[data-test="qr-code"]', '[data-test="qr-status"]', '[data-test="qr-count"]', '[data-test="qr-timer"]', '[data-test="qr-quorum"]'].map(box),
        };
      });
      assert.ok(m.sh <= m.ih && m.sw <= m.iw, `${w}×${h}: the page scrolls (${m.sw}×${m.sh})`);
      for (const [top, bottom, left, right] of m.parts) assert.ok(top >= 0 && bottom <= h && left >= 0 && right <= w, `${w}×${h}: ${[top, bottom, left, right]}`);
      assert.match(await page.locator('[data-test="qr-status"]').innerText(), /签到尚未开放/);
      await snap(page, `screens-qr-${w}x${h}`);
    } finally {
      await page.context().close();
    }
  }
});

test('calendar: weeks from Monday, a busy day shows +N, attendees not yet started before the start', async (t) => {
  const day = new Date(Date.now() + 8 * 3600e3 + 2 * 86400e3).toISOString().slice(0, 10);
  const at = (h) => Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00+08:00`);
  let first;
  for (let i = 0; i < 6; i++) {
    const id = await noticedActivity({ title: `党小组学习${i + 1}`, starts_at: iso8(at(8 + i)), ends_at: iso8(at(8 + i) + 50 * MIN) });
    first ||= id;
  }
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'demo-committee', PASSWORD);
    await page.goto('/admin/activities?view=calendar');
    await page.locator('[data-test="activity-calendar"]').waitFor();
    const heads = await page.locator('.mc__head').allInnerTexts();
    assert.deepEqual(heads, ['周一', '周二', '周三', '周四', '周五', '周六', '周日']);
    const firstDay = await page.locator('[data-test="cal-day"]').first().getAttribute('data-day');
    assert.equal(new Date(`${firstDay}T12:00:00Z`).getUTCDay(), 1, 'the grid starts on a Monday');
    if (!(await page.locator(`[data-test="cal-day"][data-day="${day}"]`).count())) await page.locator('[data-test="cal-next"]').click();
    const cell = page.locator(`[data-test="cal-day"][data-day="${day}"]`);
    await cell.locator('.mc__chip').first().waitFor();
    const total = (await committee.get(`/api/v1/activities?from=${day}&to=${day}&limit=100`)).body.total;
    assert.ok(total >= 6);
    assert.equal(await cell.locator('.mc__chip').count(), 3);
    assert.equal((await cell.locator('[data-test="cal-more"]').innerText()).trim(), `+${total - 3} 项`);
    await cell.locator('[data-test="cal-more"]').click();
    await page.locator('.mc__pop-item').nth(total - 1).waitFor();
    await snap(page, 'screens-calendar');
    // before the start nobody is "未到": they have not started
    await page.goto(`/admin/activities/${first}`);
    await page.locator('[data-test="attendance-table"] .el-table__row').first().waitFor();
    const statuses = await page.locator('[data-test="attendance-table"] .el-tag').allInnerTexts();
    assert.ok(statuses.length > 0 && statuses.every((s) => s.trim() === '未开始'), statuses.join(','));
  });
});

test('积分台账 finds a member by name with the branch beside it; the record links to the ledger', async (t) => {
  const people = (await committee.get('/api/v1/people?status=full&limit=5')).body.items;
  const p = people[0];
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'demo-committee', PASSWORD);
    await page.goto('/admin/points/ledger');
    await page.locator('[data-test="ledger-person"] input').fill(p.name);
    const option = page.locator('.el-select-dropdown__item').filter({ hasText: p.name }).first();
    await option.waitFor();
    assert.ok((await option.innerText()).includes(p.org_full_name || p.branch_name), 'the branch beside the name');
    await option.click();
    await page.locator('[data-test="ledger-who"]').waitFor();
    assert.match(await page.locator('[data-test="ledger-who"]').innerText(), new RegExp(p.name));
    await page.locator('[data-test="ledger-table"] .el-table__row').first().waitFor();
    await snap(page, 'screens-ledger');
    await page.goto(`/admin/people/${p.id}`);
    await page.locator('[data-test="person-ledger"]').click();
    await page.waitForURL((u) => u.pathname === '/admin/points/ledger' && u.searchParams.get('person') === String(p.id));
    await page.locator('[data-test="ledger-who"]').filter({ hasText: p.name }).waitFor();
  });
});

test('系统设置: a period is a select, a yes/no a switch, numbers have units, labels never overlap', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'admin', PASSWORD);
    await page.goto('/admin/settings');
    const lecture = page.locator('[data-key="life.party_lecture_period"]');
    await lecture.locator('.el-select').waitFor();
    assert.match(await lecture.innerText(), /每季度/);
    assert.doesNotMatch(await lecture.innerText(), /quarter/);
    assert.equal(await page.locator('[data-key="points.allow_negative"] .el-switch').count(), 1);
    assert.match(await page.locator('[data-key="life.checkin_open_minutes"]').innerText(), /分钟/);
    const boxes = await page.locator('.a-settings__form .el-form-item').evaluateAll((els) => els.map((e) => {
      const l = e.querySelector('.el-form-item__label');
      return { label: l ? l.getBoundingClientRect().bottom : 0, item: e.getBoundingClientRect() };
    }));
    for (let i = 0; i < boxes.length - 1; i++) {
      assert.ok(boxes[i].label <= boxes[i].item.bottom + 0.5, `label ${i} runs out of its row`);
      assert.ok(boxes[i].item.bottom <= boxes[i + 1].item.top + 0.5, `row ${i} overlaps the next`);
    }
    await snap(page, 'screens-settings');
  });
});

test('the union shows its own members; the brand wall has a page; rankings say whose 党小组', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'demo-committee', PASSWORD);
    await page.goto('/admin/orgs');
    await page.locator('[data-test="org-tree"] .el-tree-node__content').filter({ hasText: '工会' }).first().click();
    const detail = page.locator('[data-test="org-detail"]');
    await detail.locator('[data-test="mass-members"]').waitFor();
    assert.ok(Number((await detail.locator('[data-test="mass-members"]').innerText()).replace(/\D/g, '')) > 0);
    assert.doesNotMatch(await detail.innerText(), /正式党员/);
    await snap(page, 'screens-union');

    await page.goto('/admin/brands');
    await page.locator('[data-test="brand-card"]').first().waitFor();
    assert.ok(await page.locator('[data-test="brand-card"]').count() >= 5);
    await page.locator('[data-test="brand-card"]').first().click();
    await page.locator('[data-test="brand-drawer"]').getByText('近期活动').waitFor();
    await snap(page, 'screens-brands');

    await page.goto('/admin/points/rankings');
    await page.locator('[data-test="rank-table"] .el-table__row').first().waitFor();
    const orgs = await page.locator('[data-test="rank-table"] .el-table__row td:nth-child(3)').allInnerTexts();
    const groups = orgs.filter((o) => /党小组/.test(o));
    assert.ok(groups.length > 0 && groups.every((o) => /党支部.* \/ .*党小组/.test(o)), groups.slice(0, 3).join(','));
    await snap(page, 'screens-rankings');

    await page.goto('/admin/points/claims');
    const cell = page.locator('[data-test="claims-table"] td.col-submitted .cell').first();
    await cell.waitFor();
    const fit = await cell.evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
    assert.ok(fit, '提交时间 is not cut');
    assert.match(await cell.innerText(), /^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$/);
    await snap(page, 'screens-claims');
  });
});

test('roster import: a template to download, and the help that matches the rule', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'demo-committee', PASSWORD);
    await page.goto('/admin/people');
    await page.locator('[data-test="import-open"]').click();
    const help = page.locator('.a-import__help');
    await help.waitFor();
    assert.match(await help.innerText(), /第一党支部\/第一党小组/);
    const download = page.waitForEvent('download');
    await page.locator('[data-test="import-template"]').click();
    const file = await download;
    assert.equal(file.suggestedFilename(), '党员名册导入模板.csv');
    const text = (await import('node:fs')).readFileSync(await file.path(), 'utf8');
    const [head, example] = text.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.match(head, /^姓名,性别,出生日期,.*所在支部,党员类别,入党时间,转正时间,承诺$/);
    assert.equal(example.split(',').length, head.split(',').length, 'one example row under the headers');
    await snap(page, 'screens-import');
  });
});

test('phone: the shortcuts do not repeat the tab bar; list items show their progress in %', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'demo-secretary', PASSWORD);
    const grid = page.locator('[data-test="shortcuts"]');
    await grid.waitFor();
    const shortcuts = (await grid.locator('.van-grid-item').allInnerTexts()).map((s) => s.trim());
    const tabs = (await page.locator('.van-tabbar-item').allInnerTexts()).map((s) => s.trim());
    assert.equal(tabs.length, 5);
    assert.deepEqual(shortcuts.filter((s) => tabs.includes(s)), []);
    assert.ok(shortcuts.includes('积分审批'));
    await snap(page, 'screens-mobile-home');
    await page.goto('/m/items');
    const item = page.locator('[data-test="my-item"]').first();
    if (await item.count()) assert.match(await item.locator('.van-progress__pivot').innerText(), /\d+%/);
  });
});
