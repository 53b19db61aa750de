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
import { assertWebBuilt, launchBrowser, withPage, signInAs, snap } from './lib.mjs';

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
    await page.goto('/m/me');
    await page.locator('[data-test="my-study-link"]').click();
    await page.waitForURL((u) => u.pathname === '/m/study');
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

test('the demo agency\'s 学习园地 on the phone and the PC', async (t) => {
  await withPage(t, browser, 'phone', demo.url, async (page) => {
    await signInAs(page, '/m', 'demo-member', PASSWORD);
    await page.goto('/m/study');
    await page.locator('[data-test="study-materials"]').waitFor();
    const text = await page.locator('.m-study').innerText();
    assert.match(text, /学习贯彻四中全会精神专题学习/);
    assert.match(text, /关于开展本月主题党日活动的通知/);
    assert.doesNotMatch(text, /\b(article|published|study_)\b/);
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
