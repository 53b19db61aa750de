// The events of 学习园地, 党费, 组织关系转接 and 发展党员 through the notification outbox
// (issues 18 and 19): each reaches the right inbox (GET /api/v1/inbox as the recipient)
// with a link the apps route, nothing is written for a refused write or a replay, and
// the scans (due dates, reminders, arrears, 回执, 流动党员, deadlines) write each message
// once however often they run and however many servers run them (two more servers on
// the same database, their clocks moved by DJ_NOW).  Dates relative to the clock.
// Runs on SQLite and PostgreSQL.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate, shanghaiToday } from '../lib/clock.mjs';

const pad = (n) => String(n).padStart(2, '0');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** 'YYYY-MM' of the Shanghai month `k` months from this one. */
function monthAt(k) {
  const { year, month } = shanghaiToday();
  const i = year * 12 + month - 1 + k;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}
/** The 2nd of the month `k` months on, 10:00 in Shanghai: a DJ_NOW. */
const monthsOn = (k) => `${monthAt(k)}-02T10:00:00+08:00`;
/** `days` days on at 10:00 in Shanghai: a DJ_NOW. */
const daysOn = (days) => `${shanghaiDate(days)}T10:00:00+08:00`;

let srv;
const clients = {};

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  for (const login of ['committee', 'sec-a', 'sec-b', 'member-a', 'member-b']) {
    clients[login] = srv.client();
    await clients[login].login(login);
  }
});
test.after(async () => { await srv.stop(); });

const inbox = async (c) => {
  const r = await c.get('/api/v1/inbox?limit=100');
  assert.equal(r.status, 200, r.text);
  return r.body.items;
};
/** The messages of c whose title matches re. */
const matching = async (c, re) => (await inbox(c)).filter((m) => re.test(m.title));
/** Waits (the worker scans every 5 s) until c has a message matching re; returns them. */
async function arrives(c, re, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await matching(c, re);
    if (got.length || Date.now() > end) return got;
    await sleep(300);
  }
}
/** Exactly one message matching re, now and after two more scans. */
async function once(c, re, who) {
  const got = await arrives(c, re);
  assert.equal(got.length, 1, `${who}: ${re} ${JSON.stringify((await inbox(c)).map((m) => m.title))}`);
  return got[0];
}
async function stillOnce(pairs) {
  await sleep(11000); // two scans of every server running
  for (const [c, re, who] of pairs) assert.equal((await matching(c, re)).length, 1, `${who}: ${re} once`);
}
/** Two more servers on the same database with their clocks at `now`: their scans write
 * what is due then, each once (read through the first server's clients). */
async function later(now) {
  const a = await startServer({ db: srv.db, keyFile: srv.keyFile, env: { DJ_NOW: now } });
  const b = await startServer({ db: srv.db, keyFile: srv.keyFile, env: { DJ_NOW: now } });
  return { async stop() { await a.stop(); await b.stop(); } };
}

test('学习园地: an assignment and a notice reach their people; the due date, the overdue and the unread reminder once', async () => {
  const { committee, 'sec-a': secA, 'sec-b': secB, 'member-a': memA, 'member-b': memB } = clients;
  const col = (await committee.get('/api/v1/study/columns')).body.items[0].id;
  let r = await committee.post('/api/v1/study/materials', { org_id: ORG.committee, column_id: col, kind: 'article',
    title: '党章学习', body: '<p>坚持党的全面领导</p>' });
  assert.equal(r.status, 201, r.text);
  const article = r.body.id;
  assert.equal((await committee.post(`/api/v1/study/materials/${article}/publish`, {})).status, 200);

  // refused (another branch's reach): nothing for anyone
  const body = { org_id: ORG.branchA, title: '十二月集中学习', due_on: shanghaiDate(10), material_ids: [article],
    org_ids: [ORG.branchA], client_key: 'notify-asg-1' };
  r = await secB.post('/api/v1/study/assignments', body);
  assert.equal(r.status, 403, r.text);
  assert.equal((await matching(memA, /学习任务/)).length, 0);
  r = await secA.post('/api/v1/study/assignments', body);
  assert.equal(r.status, 201, r.text);
  const asg = r.body.id;
  // a replay of the same submission writes nothing again
  r = await secA.post('/api/v1/study/assignments', body);
  assert.equal(r.body.replayed, true, r.text);
  const made = await once(memA, /^学习任务：十二月集中学习$/, 'member-a');
  assert.equal(made.event, 'study_assignment.made');
  assert.deepEqual(made.link, { type: 'study_assignment', id: asg });
  assert.match(made.body, /1 篇学习材料/);
  assert.equal((await matching(memB, /十二月集中学习/)).length, 0, 'branch B is not reached');

  // a notice to the committee's whole tree, to be read by tomorrow
  r = await committee.post('/api/v1/study/notices', { org_id: ORG.committee, title: '关于开展主题党日的通知',
    body: '请各支部按时开展。', read_by: shanghaiDate(1), client_key: 'notify-notice-1' });
  assert.equal(r.status, 201, r.text);
  const notice = r.body.id;
  for (const [c, who] of [[memA, 'member-a'], [memB, 'member-b']]) {
    const m = await once(c, /^通知公告：关于开展主题党日的通知$/, who);
    assert.deepEqual(m.link, { type: 'study_notice', id: notice });
  }
  // member-a reads it; made a day ago, with the date tomorrow, member-b is reminded
  assert.equal((await memA.post(`/api/v1/study/notices/${notice}/read`, {})).status, 200);
  // the assignment is due in two days, made a day ago; the second one is past its day
  sql(srv.db, `UPDATE study_notices SET created_at = '2000-01-01T00:00:00Z' WHERE id = ${notice};
    UPDATE study_assignments SET due_on = '${shanghaiDate(2)}', created_at = '2000-01-01T00:00:00Z' WHERE id = ${asg};`);
  const remind = await once(memB, /^通知未读提醒：关于开展主题党日的通知$/, 'member-b');
  assert.equal(remind.event, 'study_notice.reminder');
  const due = await once(memA, /^学习任务即将到期：十二月集中学习$/, 'member-a');
  assert.deepEqual(due.link, { type: 'study_assignment', id: asg });
  sql(srv.db, `UPDATE study_assignments SET due_on = '${shanghaiDate(-1)}' WHERE id = ${asg};`);
  await once(memA, /^学习任务已逾期：十二月集中学习$/, 'member-a');
  await stillOnce([[memA, /^学习任务：十二月/, 'member-a'], [memA, /学习任务即将到期/, 'member-a'],
    [memA, /学习任务已逾期/, 'member-a'], [memB, /通知未读提醒/, 'member-b'], [memB, /^通知公告/, 'member-b']]);
  assert.equal((await matching(memA, /通知未读提醒/)).length, 0, 'she has read it');
});

test('党费: a reported payment confirmed or refused tells the member once; arrears at 3 and 6 months tell the member and the branch', async () => {
  const { 'sec-a': secA, 'sec-b': secB, 'member-a': memA, 'member-b': memB } = clients;
  for (const [c, person] of [[secA, PERSON.memberA], [secB, PERSON.memberB]]) {
    const r = await c.post('/api/v1/dues/bases', { person_id: person, effective_month: monthAt(-2), category: 'employed', base_fen: 300000 });
    assert.equal(r.status, 201, r.text);
  }
  let r = await memA.post('/api/v1/dues/me/payments', { months: [monthAt(-1)], amount_fen: 3000, bank_ref: 'NOTIFY-1' });
  assert.equal(r.status, 201, r.text);
  const paid = r.body.id;
  r = await secB.post(`/api/v1/dues/payments/${paid}/decide`, { approve: true });
  assert.equal(r.status, 403, 'another branch');
  assert.equal((await matching(memA, /党费交纳/)).length, 0, 'a refused decision tells nobody');
  r = await secA.post(`/api/v1/dues/payments/${paid}/decide`, { approve: true });
  assert.equal(r.status, 200, r.text);
  r = await secA.post(`/api/v1/dues/payments/${paid}/decide`, { approve: true });
  assert.equal(r.status, 409, 'decided already');
  const ok = await once(memA, /^党费交纳已确认$/, 'member-a');
  assert.equal(ok.event, 'dues_payment.confirmed');
  assert.deepEqual(ok.link, { type: 'dues', id: null });
  assert.match(ok.body, /30\.00 元已由支部确认收到/);

  r = await memA.post('/api/v1/dues/me/payments', { months: [monthAt(-2)], amount_fen: 3000, bank_ref: 'NOTIFY-2' });
  assert.equal(r.status, 201, r.text);
  r = await secA.post(`/api/v1/dues/payments/${r.body.id}/decide`, { approve: false, note: '未查到该笔转账' });
  assert.equal(r.status, 200, r.text);
  const no = await once(memA, /^党费交纳未确认$/, 'member-a');
  assert.match(no.body, /未查到该笔转账/);

  // 周丽 (member-b) has paid nothing since her base two months ago: a month on, three months
  // in a row; four months on, six.  Each told once to her and to her branch's secretary,
  // by two servers at once.
  for (const [k, member, branch] of [[1, /^党费欠交提醒$/, /^党费欠交提醒：周丽 连续 3 个月未交党费$/],
    [4, /^党费已连续多月未交$/, /^党费欠交警示：周丽 连续 6 个月未交党费$/]]) {
    const two = await later(monthsOn(k));
    try {
      const m = await once(memB, member, `member-b ${k} months on`);
      assert.deepEqual(m.link, { type: 'dues', id: null });
      const s = await once(secB, branch, `sec-b ${k} months on`);
      assert.deepEqual(s.link, { type: 'dues_arrears', id: null });
      await stillOnce([[memB, member, 'member-b'], [secB, branch, 'sec-b']]);
    } finally { await two.stop(); }
  }
  assert.deepEqual((await matching(secA, /周丽/)).map((m) => m.title), [], 'not branch A\'s');
  assert.equal((await matching(memB, /党费/)).length, 2, 'the warning and the flag');
});

test('组织关系转接: the letter issued, renewed and withdrawn tells the member; the 回执 overdue the office; a 流动党员 the branch', async () => {
  const { committee: com, 'sec-a': secA, 'member-a': memA } = clients;
  let r = await com.post('/api/v1/transfers/out', { person_id: PERSON.memberA, outside_org: '中共广州市某局机关委员会', reason: '工作调动' });
  assert.equal(r.status, 201, r.text);
  const t = r.body.id;
  r = await com.post(`/api/v1/transfers/${t}/issue`, {});
  if (r.status === 422) {
    // dues owed: refused, and the refusal tells nobody
    assert.equal(r.body.error.field, 'dues_override', r.text);
    assert.equal((await matching(memA, /介绍信/)).length, 0);
    r = await com.post(`/api/v1/transfers/${t}/issue`, { dues_override: '已随当月工资补扣' });
  }
  assert.equal(r.status, 200, r.text);
  const issued = await once(memA, /^介绍信已开具：/, 'member-a');
  assert.equal(issued.event, 'transfer.issued');
  assert.deepEqual(issued.link, { type: 'my_transfer', id: t });
  assert.match(issued.body, /中共广州市某局机关委员会报到/);

  // issued four months ago, expired a month ago and no 回执: the office is told once (by
  // three servers), the member of the renewal, then of the withdrawal
  sql(srv.db, `UPDATE transfers SET issued_on = '${shanghaiDate(-120)}', valid_until = '${shanghaiDate(-30)}' WHERE id = ${t};`);
  const two = await later(daysOn(0));
  try {
    const due = await once(com, /^回执逾期未回：李红梅$/, 'committee');
    assert.equal(due.event, 'transfer.receipt_overdue');
    assert.deepEqual(due.link, { type: 'transfer', id: t });
    assert.equal((await matching(memA, /回执/)).length, 0, 'the office\'s, not the member\'s');
    r = await com.post(`/api/v1/transfers/${t}/renew`, { reason: '因故延期报到' });
    assert.equal(r.status, 200, r.text);
    const renewed = await once(memA, /^介绍信已续开：/, 'member-a');
    assert.deepEqual(renewed.link, { type: 'my_transfer', id: t });
    r = await com.post(`/api/v1/transfers/${t}/renew`, { reason: '再次续开' });
    assert.equal(r.status, 422, 'once only');
    r = await com.post(`/api/v1/transfers/${t}/withdraw`, { reason: '本人放弃调动' });
    assert.equal(r.status, 200, r.text);
    const gone = await once(memA, /^介绍信已撤回：/, 'member-a');
    assert.match(gone.body, /本人放弃调动/);
    await stillOnce([[com, /^回执逾期未回：/, 'committee'], [memA, /^介绍信已续开/, 'member-a'], [memA, /^介绍信已开具/, 'member-a']]);
  } finally { await two.stop(); }

  // a 流动党员 registered without a contact this quarter: the branch's secretary, once
  r = await secA.post('/api/v1/transfers/flow', { person_id: 3, place: '广东省珠海市', since: shanghaiDate(-30), contact: '微信', reason: '借调' });
  assert.equal(r.status, 201, r.text);
  const flow = r.body.id;
  const m = await once(secA, /^流动党员本季度联系：/, 'sec-a');
  assert.deepEqual(m.link, { type: 'flow_member', id: flow });
  assert.equal((await matching(clients['sec-b'], /流动党员/)).length, 0, 'not branch B\'s');
  await stillOnce([[secA, /^流动党员本季度联系：/, 'sec-a']]);
});

test('发展党员: the talk due within a month, then overdue, and a 公示 ending tell the branch\'s secretary once', async () => {
  const { 'sec-a': secA, 'sec-b': secB } = clients;
  let r = await secA.post('/api/v1/people', { name: '林晓', gender: 'female', birth_date: '1998-05-02', phone: '13900009011',
    org_id: ORG.branchA, education: '大学本科', job_post: '科员' });
  assert.equal(r.status, 201, r.text);
  // applied 25 days ago: the talk is due within a month, warned a week before
  r = await secA.post('/api/v1/development', { person_id: r.body.id, on_date: shanghaiDate(-25) });
  assert.equal(r.status, 201, r.text);
  const app = r.body.id;
  const due = await once(secA, /^发展党员即将到期：林晓 · 入党申请人谈话/, 'sec-a');
  assert.equal(due.event, 'development.due');
  assert.deepEqual(due.link, { type: 'development', id: app });
  assert.equal((await matching(secB, /林晓/)).length, 0, 'not branch B\'s');
  // a 公示 of hers whose last working day is today: the secretary, once
  sql(srv.db, `INSERT INTO dev_notices (application_id, step, starts_on, working_days, ends_on, title, body, created_at)
    VALUES (${app}, 7, '${shanghaiDate(-6)}', 5, '${shanghaiDate(0)}', '关于林晓同志拟确定为入党积极分子的公示', '公示内容', 'x');`);
  const ends = await once(secA, /^发展党员公示期满：林晓$/, 'sec-a');
  assert.equal(ends.event, 'development.notice_ends');
  assert.deepEqual(ends.link, { type: 'development', id: app });
  assert.equal((await matching(secB, /公示/)).length, 0, 'not branch B\'s');
  // twenty days on, by two servers at once: overdue, once
  const two = await later(daysOn(20));
  try {
    const over = await once(secA, /^发展党员已逾期：林晓 · 入党申请人谈话/, 'sec-a');
    assert.equal(over.event, 'development.overdue');
    await stillOnce([[secA, /^发展党员已逾期：林晓/, 'sec-a'], [secA, /^发展党员即将到期：林晓/, 'sec-a'], [secA, /^发展党员公示期满/, 'sec-a']]);
  } finally { await two.stop(); }
});
