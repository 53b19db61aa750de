// Files people download (issue 11, item 15): Chinese file names every browser keeps
// (模范机关创建工作清单-2026年第四季度.pdf), dates in the one style (2026年12月5日, 14:30)
// inside XLSX, CSV and PDF, and PDF tables whose header row repeats on each new page and
// is never left alone at a page's foot.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { seedAgency, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiToday } from '../lib/clock.mjs';

let srv, committee, memberB;
test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  committee = srv.client();
  await committee.login('committee');
  memberB = srv.client();
  await memberB.login('member-b');
});
test.after(async () => { await srv.stop(); });

const QN = ['', '第一季度', '第二季度', '第三季度', '第四季度'];
/** The UTF-8 file name of a Content-Disposition header (RFC 5987). */
function fileName(r) {
  const h = r.headers.get('content-disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)/.exec(h);
  assert.ok(m, h);
  assert.match(h, /^attachment; filename="[\x20-\x7e]+"; /, 'an ASCII name for old clients too');
  return decodeURIComponent(m[1]);
}
const unzip = (file, member) => execFileSync('unzip', ['-p', file, member], { encoding: 'utf8' });
const ISO_DAY = /\b\d{4}-\d{2}-\d{2}\b/;

function nextQuarterFirst() {
  const { year, quarter } = shanghaiToday();
  return quarter === 4 ? `${year + 1}-01-05` : `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-05`;
}

test('points exports: Chinese names, dates as people read them', async () => {
  const { year } = shanghaiToday();
  let r = await memberB.post('/api/v1/points/claims', { rule_code: 'article_published', description: '在市报发表文章一篇', occurred_on: shanghaiToday().date });
  assert.equal(r.status, 201, r.text);
  assert.equal((await committee.post(`/api/v1/points/claims/${r.body.id}/decision`, { approve: true })).status, 200);
  r = await committee.get(`/api/v1/points/rankings/export?org=${ORG.committee}&period=${year}`);
  assert.equal(r.status, 200);
  assert.equal(fileName(r), `积分排名-机关党委-${year}年.xlsx`);
  r = await committee.get(`/api/v1/points/rankings/export?org=${ORG.branchB}&period=${year}-Q1`);
  assert.equal(fileName(r), `积分排名-第二党支部-${year}年第一季度.xlsx`);
  r = await committee.get(`/api/v1/points/ledger/export?person=${PERSON.memberB}`);
  assert.equal(r.status, 200);
  assert.equal(fileName(r), '积分台账-周丽.xlsx');
  const f = path.join(srv.dir, 'ledger.xlsx');
  writeFileSync(f, r.raw);
  const strings = unzip(f, 'xl/sharedStrings.xml');
  assert.match(strings, /\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d/, 'the time it was recorded');
  assert.doesNotMatch(strings, /\d{4}-\d{2}-\d{2}T/);
  r = await committee.get(`/api/v1/points/ledger/export?org=${ORG.branchB}`);
  assert.equal(fileName(r), '积分明细-第二党支部.xlsx');
});

test('the roster export writes dates in the one style, and they import again', async () => {
  const r = await committee.get(`/api/v1/people/export?format=csv&org=${ORG.branchB}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /1972年2月2日/);
  assert.match(r.text, /1995年7月1日/);
  assert.doesNotMatch(r.text, ISO_DAY);
  const back = await committee.post('/api/v1/people/import?dry_run=1', r.raw, { headers: { 'content-type': 'text/csv' } });
  assert.equal(back.status, 200, back.text);
  assert.ok(back.body.errors.every((e) => e.column === '手机号'), JSON.stringify(back.body.errors));
});

test('list reports: 模范机关创建工作清单-2026年第四季度.pdf; the table header never alone at a page foot', async () => {
  const { year, quarter } = shanghaiToday();
  const q = `${year}-Q${quarter}`;
  const due = nextQuarterFirst();
  const long = '围绕模范机关创建“五型”要求，'.repeat(9) + '形成可复制可推广的经验做法';
  const pf = path.join(srv.dir, 'r.pdf');
  const newList = async (title, itemTitle) => {
    let r = await committee.post('/api/v1/lists', { kind: 'custom', title, year, categories: ['重点任务'] });
    assert.equal(r.status, 201, r.text);
    const id = r.body.id;
    r = await committee.post(`/api/v1/lists/${id}/items`, { title: itemTitle.slice(0, 200), category: '重点任务', org_id: ORG.branchA, due_on: due });
    assert.equal(r.status, 201, r.text);
    return id;
  };
  // the first list's item, the first row of section 四 of the summary, is tall
  const first = await newList(`${year}年模范机关创建工作清单`, long);
  let r = await committee.get(`/api/v1/lists/${first}/report?quarter=${q}&format=pdf`);
  assert.equal(r.status, 200);
  assert.equal(fileName(r), `模范机关创建工作清单-${year}年${QN[quarter]}.pdf`);
  let orphans = 0, continued = 0, pages = 0;
  // Each further list adds a row to section 一 of the summary: across 60 of them the
  // heading of section 四, its table header and that tall first row meet the foot of a
  // page at every offset.
  for (let n = 1; n <= 60; n++) {
    await newList(`工作清单${n}`, `事项${n}`);
    r = await committee.get(`/api/v1/lists/report?quarter=${q}&format=pdf`);
    assert.equal(r.status, 200);
    writeFileSync(pf, r.raw);
    const text = execFileSync('pdftotext', ['-layout', pf, '-'], { encoding: 'utf8' });
    assert.doesNotMatch(text, ISO_DAY, 'dates in the one style');
    assert.match(text, /统计截至：\d{4}年\d{1,2}月\d{1,2}日/);
    for (const page of text.split('\f')) {
      const lines = page.split('\n');
      const heads = lines.map((l, i) => (/序号/.test(l) ? i : -1)).filter((i) => i >= 0);
      const rows = lines.map((l, i) => (/^\s*1\s+\S+\s+重点任务/.test(l) ? i : -1)).filter((i) => i >= 0);
      if (!heads.length && !rows.length) continue;
      pages++;
      // a page with rows has the header row above them (also when the table goes on from the last page)
      if (rows.length) assert.ok(heads.length && heads[0] < rows[0], `${n} lists: rows without their header\n${page}`);
      if (rows.length && heads.length && text.indexOf(page) > 0) continued++;
      // the last header row on a page has a row under it
      if (heads.length && !(rows.length && rows.at(-1) > heads.at(-1))) orphans++;
    }
  }
  assert.equal(orphans, 0, 'a table header alone at the foot of a page');
  assert.ok(pages >= 60 && continued > 0, `${pages} pages, ${continued} continued`);
  const all = await committee.get(`/api/v1/lists/report?quarter=${q}&format=xlsx`);
  assert.equal(fileName(all), `工作清单季度汇总-${year}年${QN[quarter]}.xlsx`);
});
