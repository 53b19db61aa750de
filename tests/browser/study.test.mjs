// 学习园地 in the browser (issue 19): a member opens an assigned article on the phone and
// reads it (the page visible, the reader active) until it counts, with the heartbeat every
// second (the committee's setting, shortened for the test); the branch secretary's
// completion table on the PC then shows her finished and the others not; a quiz answered
// on the phone; the demo agency's 学习园地 screens render without a code on them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate } from '../lib/clock.mjs';
import { mp4 } from '../lib/media.mjs';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap, OUT, ROOT } from './lib.mjs';

let server, demo, browser, article, assignment, quiz;

before(async () => {
  assertWebBuilt();
  server = await startServer();
  seedAgency(server.db);
  sql(server.db, "UPDATE settings SET value = '1' WHERE key = 'study.beat_seconds';");
  const committee = server.client();
  await committee.login('committee');
  const cols = (await committee.get('/api/v1/study/columns')).body.items;
  let r = await committee.post('/api/v1/study/materials', {
    org_id: ORG.committee, column_id: cols[0].id, kind: 'article', title: '深入学习贯彻全会精神', length_seconds: 5,
    body: '<p>全面从严治党永远在路上。</p><p>坚持以人民为中心的发展思想。</p>',
  });
  assert.equal(r.status, 201, r.text);
  article = r.body.id;
  assert.equal((await committee.post(`/api/v1/study/materials/${article}/publish`, {})).status, 200);
  const secA = server.client();
  await secA.login('sec-a');
  r = await secA.post('/api/v1/study/assignments', {
    org_id: ORG.branchA, title: '本月集中学习', due_on: shanghaiDate(5), material_ids: [article], org_ids: [ORG.branchA],
  });
  assert.equal(r.status, 201, r.text);
  assignment = r.body.id;
  r = await committee.post('/api/v1/study/quizzes', {
    org_id: ORG.committee, title: '党章知识测试', pass_percent: 50,
    questions: [
      { kind: 'single', stem: '党的最高理想是', options: ['实现共产主义', '发展经济'], answer: 'A', explanation: '党章总纲' },
      { kind: 'judge', stem: '党员每年集中学习不少于32学时', answer: '对' },
    ],
  });
  assert.equal(r.status, 201, r.text);
  quiz = r.body.id;
  assert.equal((await committee.post(`/api/v1/study/quizzes/${quiz}/publish`, {})).status, 200);
  demo = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (demo) await demo.stop();
});

test('a member reads an assigned article on the phone until it counts', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    // 学习 is a tab of the phone's tab bar
    await page.locator('.van-tabbar').getByText('学习').click();
    await page.waitForURL((u) => u.pathname === '/m/study');
    assert.match(await page.locator('.van-tabbar-item--active').innerText(), /学习/);
    const tasks = page.locator('[data-test="study-assignments"]');
    await tasks.waitFor();
    assert.match(await tasks.innerText(), /本月集中学习[\s\S]*已完成 0\/1 篇/);
    await snap(page, 'study-phone-list');
    await tasks.getByText('深入学习贯彻全会精神').click();
    await page.waitForURL((u) => u.pathname === `/m/study/${article}`);
    await page.locator('[data-test="reader-body"]').waitFor();
    // read: keep moving until the server says it is done (5 s of visible, active reading)
    const bar = page.locator('[data-test="reader-progress"]');
    for (let i = 0; i < 30 && !/已完成学习/.test(await bar.innerText()); i++) {
      await page.mouse.move(100 + (i % 5) * 20, 300 + (i % 3) * 40);
      await page.mouse.wheel(0, 40);
      await page.waitForTimeout(500);
    }
    assert.match(await bar.innerText(), /已完成学习/);
    await snap(page, 'study-phone-reader');
    await page.goto('/m/study');
    await tasks.waitFor();
    assert.match(await tasks.innerText(), /已完成 1\/1 篇/);
  });
  const counted = sql(server.db, `SELECT seconds FROM study_progress WHERE person_id = ${PERSON.memberA} AND material_id = ${article};`).trim();
  assert.equal(counted, '5');
  assert.equal(sql(server.db, `SELECT COUNT(*) FROM points_ledger WHERE person_id = ${PERSON.memberA} AND rule_code = 'study_material';`).trim(), '1');
});

test('the branch secretary sees who has finished the assignment on the PC', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'sec-a', PASSWORD);
    await page.goto('/admin/study/assignments');
    const progress = page.locator(`[data-test="sa-progress-${assignment}"]`);
    await progress.waitFor();
    assert.match(await progress.innerText(), /1\/5/);
    await page.locator('[data-test="sa-table"]').getByText('本月集中学习').click();
    const members = page.locator('[data-test="sa-members"]');
    await members.waitFor();
    assert.equal((await page.locator(`[data-test="sa-state-${PERSON.memberA}"]`).innerText()).trim(), '按时完成');
    assert.equal((await page.locator(`[data-test="sa-state-${PERSON.secA}"]`).innerText()).trim(), '未完成');
    assert.doesNotMatch(await members.innerText(), /pending|done|study_/);
    await snap(page, 'study-admin-assignment');
  });
});

test('a quiz on the phone: answered, scored by the server, the answers shown after', async (t) => {
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-b', PASSWORD);
    await page.goto('/m/study');
    await page.locator('[data-test="study-quizzes"]').getByText('党章知识测试').click();
    await page.waitForURL((u) => u.pathname === `/m/study/quiz/${quiz}`);
    const q0 = page.locator('[data-test="quiz-q-0"]');
    await q0.waitFor();
    // the order of the questions is the server's; answer each by its text
    for (const i of [0, 1]) {
      const q = page.locator(`[data-test="quiz-q-${i}"]`);
      const text = await q.innerText();
      await q.getByText(/实现共产主义/.test(text) ? 'A. 实现共产主义' : '对', { exact: true }).click();
    }
    await page.locator('[data-test="quiz-submit"]').click();
    const result = page.locator('[data-test="quiz-result"]');
    await result.waitFor();
    assert.match(await result.innerText(), /100[\s\S]*合格/);
    assert.match(await page.locator('.m-quiz').innerText(), /党章总纲/);
    await snap(page, 'study-phone-quiz');
  });
});

test('the committee sees the quiz\'s pass rate per branch on the PC', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/study/quizzes');
    await page.locator(`[data-test="sq-results-${quiz}"]`).click();
    const table = page.locator('[data-test="sq-branches"]');
    await table.waitFor();
    // member B (第二党支部) passed on the phone in the test before; 第一党支部 has not taken it
    const rows = await table.locator('.el-table__body tr').allInnerTexts();
    const second = rows.find((r) => r.includes('第二党支部'));
    const first = rows.find((r) => r.includes('第一党支部'));
    assert.ok(second && first, rows.join('|'));
    assert.match(second, /\b1（\d+%）[\s\S]*\b1\b[\s\S]*100%/);
    assert.match(first, /\b0（0%）[\s\S]*—/);
    await snap(page, 'study-admin-quiz-branches');
  });
});

test('每日一题: the committee marks a bank as daily on the PC; a member answers today\'s question on the phone', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/study/quizzes');
    await page.locator('[data-test="sq-table"]').waitFor();
    await page.locator('[data-test="sq-new"]').click();
    const dlg = page.locator('.el-dialog:visible');
    await page.locator('[data-test="sq-title"]').fill('每日一题·党章');
    await page.locator('[data-test="sq-daily"]').click();
    const q0 = dlg.locator('[data-test="sq-q-0"]');
    await q0.getByText('判断', { exact: true }).click();
    await q0.getByPlaceholder('题干').fill('党员每年集中学习不少于32学时');
    await q0.locator('.el-select').click();
    await page.locator('.el-select-dropdown__item:visible').getByText('对', { exact: true }).click();
    await q0.getByPlaceholder('解析（交卷后显示）').fill('党员教育管理工作条例');
    await page.locator('[data-test="sq-save"]').click();
    await page.locator('[data-test="sq-title"]').waitFor({ state: 'hidden' });
    const row = page.locator('[data-test="sq-table"] .el-table__body tr', { hasText: '每日一题·党章' });
    await row.waitFor();
    assert.match(await row.innerText(), /每日一题/);
    await snap(page, 'study-admin-daily');
  });
  const bank = Number(sql(server.db, "SELECT id FROM study_quizzes WHERE title = '每日一题·党章' AND daily = 1;").trim());
  assert.ok(bank > 0);
  const committee = server.client();
  await committee.login('committee');
  assert.equal((await committee.post(`/api/v1/study/quizzes/${bank}/publish`, {})).status, 200);
  await withPage(t, browser, 'phone', server.url, async (page) => {
    await signInAs(page, '/m', 'member-a', PASSWORD);
    await page.locator('.van-tabbar').getByText('学习').click();
    const daily = page.locator('[data-test="study-daily"]');
    await daily.waitFor();
    assert.match(await daily.innerText(), /判断题 · 党员每年集中学习不少于32学时/);
    assert.match(await page.locator('.m-study').innerText(), /每日一题\s*判断题/);
    assert.doesNotMatch(await daily.innerText(), /党员教育管理工作条例/, 'no explanation before answering');
    await daily.getByText('对', { exact: true }).click();
    await daily.locator('[data-test="study-daily-submit"]').click();
    const result = page.locator('[data-test="study-daily-result"]');
    await result.waitFor();
    assert.match(await result.innerText(), /回答正确[\s\S]*正确答案 对[\s\S]*党员教育管理工作条例/);
    await snap(page, 'study-phone-daily');
    // answered once: after a reload it stays answered
    await page.reload();
    await result.waitFor();
    assert.equal(await page.locator('[data-test="study-daily-submit"]').count(), 0);
  });
  assert.equal(sql(server.db, `SELECT COUNT(*) FROM points_ledger WHERE person_id = ${PERSON.memberA} AND rule_code = 'study_daily';`).trim(), '1');
});

test('a question bank imported from an Excel .xlsx file on the PC', async (t) => {
  const require = createRequire(path.join(ROOT, 'web/package.json'));
  const ExcelJS = require('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('题库');
  ws.addRows([['题型', '题干', '选项A', '选项B', '选项C', '答案', '解析'],
    ['单选', '党的根本宗旨是', '全心全意为人民服务', '发展经济', '改革开放', 'A', '党章总纲'],
    ['多选', '“四个意识”包括', '政治意识', '大局意识', '成本意识', 'AB', ''],
    ['判断', '支部委员会一般每月召开1次', '', '', '', '对', '']]);
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'study-bank.xlsx');
  await wb.xlsx.writeFile(file);
  const committee = server.client();
  await committee.login('committee');
  const r = await committee.post('/api/v1/study/quizzes', { org_id: ORG.committee, title: 'Excel 导入题库',
    questions: [{ kind: 'judge', stem: '已有的一题', answer: '错' }] });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/study/quizzes');
    const row = page.locator('[data-test="sq-table"] .el-table__body tr', { hasText: 'Excel 导入题库' });
    await row.waitFor();
    await row.getByRole('button', { name: '导入题库' }).first().click();
    await page.locator('[data-test="sq-import-file"]').setInputFiles(file);
    await page.locator('.el-message--success').waitFor();
    assert.match(await page.locator('.el-message--success').innerText(), /已导入 3 题，共 4 题/);
    await snap(page, 'study-admin-xlsx-import');
  });
  const q = await committee.get(`/api/v1/study/quizzes/${id}`);
  assert.deepEqual(q.body.questions.map((x) => [x.kind, x.stem, x.answer]),
    [['judge', '已有的一题', 'F'], ['single', '党的根本宗旨是', 'A'], ['multi', '“四个意识”包括', 'AB'], ['judge', '支部委员会一般每月召开1次', 'T']]);
});

test('a video uploaded on the PC sets the material\'s length from the file', async (t) => {
  await withPage(t, browser, 'desktop', server.url, async (page) => {
    await signInAs(page, '/admin', 'committee', PASSWORD);
    await page.goto('/admin/study/materials');
    await page.locator('[data-test="sm-new"]').click();
    const dialog = page.locator('.el-dialog');
    await dialog.getByText('视频', { exact: true }).click();
    await page.locator('[data-test="sm-title"]').fill('廉政警示教育片');
    await page.locator('[data-test="sm-save"]').click();
    await page.locator('[data-test="files-study_material"]').waitFor();
    await page.locator('[data-test="upload-kind"]').getByText('学习视频').click();
    await page.locator('[data-test="file-drop"] input[type="file"]').setInputFiles({ name: '警示教育片.mp4', mimeType: 'video/mp4', buffer: mp4(600, 600 * 754 + 120, 64 * 1024) });
    await page.locator('[data-test="file-警示教育片.mp4"]').waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('.el-dialog .el-input-number input')].some((i) => i.value === '755'));
    const text = await dialog.innerText();
    assert.match(text, /学习视频/);
    assert.doesNotMatch(text, /files\.kinds|\bvideo\b|\bdocument\b|\bcover\b/);
    await snap(page, 'study-admin-video-length');
  });
  assert.equal(sql(server.db, "SELECT length_seconds FROM study_materials WHERE title = '廉政警示教育片';").trim(), '755');
});

test('the demo agency\'s 学习园地 on the phone and the PC', async (t) => {
  await withPage(t, browser, 'phone', demo.url, async (page) => {
    await signInAs(page, '/m', 'demo-member', PASSWORD);
    await page.goto('/m/study');
    await page.locator('[data-test="study-materials"]').waitFor();
    const text = await page.locator('.m-study').innerText();
    assert.match(text, /学习贯彻四中全会精神专题学习/);
    assert.match(text, /关于开展本月主题党日活动的通知/);
    assert.doesNotMatch(text, /\b(article|published|study_)\b/);
    // the demo's daily bank gives today's question
    assert.match(await page.locator('[data-test="study-daily"]').innerText(), /(判断题|单选题) · /);
    await snap(page, 'study-phone-demo');
    // the full-text search finds a phrase from inside an article's text
    await page.locator('[data-test="study-search"] input').fill('一支部一品牌');
    await page.locator('[data-test="study-search"] input').press('Enter');
    await page.waitForFunction(() => /以党建引领模范机关建设/.test(document.querySelector('[data-test="study-materials"]')?.innerText || ''));
    assert.equal(await page.locator('[data-test="study-materials"] .van-cell').count(), 1);
  });
  await withPage(t, browser, 'desktop', demo.url, async (page) => {
    await signInAs(page, '/admin', 'demo-committee', PASSWORD);
    for (const [path, probe] of [['/admin/study/materials', 'sm-table'], ['/admin/study/hours', 'sh-table'],
      ['/admin/study/quizzes', 'sq-table'], ['/admin/study/notices', 'sn-table']]) {
      await page.goto(path);
      await page.locator(`[data-test="${probe}"]`).waitFor();
      await page.waitForTimeout(300);
      const text = await page.locator('main, .el-main, body').first().innerText();
      assert.doesNotMatch(text, /\b(article|published|draft|study_material)\b/, path);
      await snap(page, `study-admin-${path.split('/').pop()}`);
    }
  });
});
