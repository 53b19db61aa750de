// Notifications (issue 18): the outbox written in the event's transaction, the
// worker's delivery to a fake 企业微信/粤政易 server (retries, an expired token,
// a timeout, idempotency with two servers on one database), quiet hours under
// DJ_NOW, the in-app inbox, the channel's secret that never comes back, and
// signing in with a work-app code.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { startFakeWecom } from '../lib/fake-wecom.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { shanghaiDate, iso8 } from '../lib/clock.mjs';

const MIN = 60 * 1000;
const pg = (db) => db.startsWith('postgresql://');

/** A server with the fixed agency, the channel pointed at a fake, and two people bound. */
async function setup({ env = {}, quiet = false, fakeOpts = {} } = {}) {
  const fake = await startFakeWecom({ users: { 'CODE-LI': 'lihongmei', 'CODE-NOBODY': 'stranger' }, ...fakeOpts });
  const srv = await startServer({ env });
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  const admin = await as('admin');
  // quiet hours off unless the test is about them: the run may happen at any hour
  if (!quiet) {
    const s = await admin.patch('/api/v1/settings', { 'notify.quiet_start_hour': 0, 'notify.quiet_end_hour': 0,
      'notify.retry_base_seconds': 1 });
    assert.equal(s.status, 200, s.text);
  }
  const ch = await admin.put('/api/v1/notify/channels/wecom', {
    enabled: true, api_base: fake.url, oauth_base: fake.url, corpid: fake.corpId, agentid: '1000002',
    app_url: srv.url, timeout_seconds: 1, secret: fake.secret,
  });
  assert.equal(ch.status, 200, ch.text);
  const committee = await as('committee');
  for (const [person, userid] of [[PERSON.memberA, 'lihongmei'], [PERSON.secA, 'zhangjianguo']]) {
    const b = await committee.put('/api/v1/notify/bindings', { person_id: person, wecom_userid: userid });
    assert.equal(b.status, 200, b.text);
  }
  const done = async () => { await srv.stop(); await fake.stop(); };
  return { srv, fake, as, admin, committee, done };
}

async function noticedActivity(sec, fields = {}) {
  const now = Date.now();
  const a = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'branch_assembly', title: '第四季度支部党员大会',
    starts_at: iso8(now + 3 * 60 * MIN), ends_at: iso8(now + 4 * 60 * MIN), place: '三楼会议室', ...fields,
  });
  assert.equal(a.status, 201, a.text);
  const n = await sec.post(`/api/v1/activities/${a.body.id}/notice`);
  assert.equal(n.status, 200, n.text);
  return a.body;
}

const outbox = (db) => sql(db, "SELECT channel || ':' || status FROM notify_outbox ORDER BY id;").trim().split('\n').filter(Boolean);

test('a notice reaches the inbox at once and 企业微信 through the outbox, once per person', async () => {
  const { srv, fake, as, done } = await setup();
  try {
    const sec = await as('sec-a');
    const mem = await as('member-a');
    const a = await noticedActivity(sec);
    const inbox = await mem.get('/api/v1/inbox');
    assert.equal(inbox.status, 200, inbox.text);
    assert.equal(inbox.body.unread, 1);
    const msg = inbox.body.items[0];
    assert.match(msg.title, /支部党员大会通知：第四季度支部党员大会/);
    assert.match(msg.body, /三楼会议室/);
    assert.deepEqual(msg.link, { type: 'activity', id: a.id });
    assert.equal(msg.read_at, null);

    // the two bound people get a text card that opens the phone app
    await fake.until((s) => s.messages.length >= 2);
    const to = fake.state.messages.map((m) => m.touser).sort();
    assert.deepEqual(to, ['lihongmei', 'zhangjianguo']);
    const card = fake.state.messages.find((m) => m.touser === 'lihongmei');
    assert.equal(card.msgtype, 'textcard');
    assert.equal(card.agentid, 1000002);
    assert.ok(card.textcard.url.startsWith(`${srv.url}/m/inbox/`), card.textcard.url);
    assert.equal(fake.state.tokens, 1, 'the token is cached');

    // a change of time tells them again; a second identical notice is refused and sends nothing
    const moved = await sec.patch(`/api/v1/activities/${a.id}`, { place: '五楼党员活动室' });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/notice`)).status, 409);
    await fake.until((s) => s.messages.length >= 4);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(fake.state.messages.length, 4, 'nothing twice');
    assert.ok(fake.state.messages.slice(2).every((m) => /安排变更/.test(m.textcard.title)));
    assert.equal(fake.state.tokens, 1);
    assert.deepEqual(outbox(srv.db), ['wecom:sent', 'wecom:sent', 'wecom:sent', 'wecom:sent']);

    // mark read: the count falls; another's message is not found; read-all clears
    const unread = await mem.get('/api/v1/inbox/unread');
    assert.equal(unread.body.unread, 2);
    const read = await mem.post(`/api/v1/inbox/${msg.id}/read`);
    assert.equal(read.status, 200, read.text);
    assert.ok(read.body.read_at);
    assert.equal((await mem.get('/api/v1/inbox/unread')).body.unread, 1);
    const other = await as('member-b');
    assert.equal((await other.post(`/api/v1/inbox/${msg.id}/read`)).status, 404);
    assert.equal((await other.get('/api/v1/inbox')).body.total, 0);
    assert.equal((await mem.post('/api/v1/inbox/read-all')).status, 200);
    assert.equal((await mem.get('/api/v1/inbox/unread')).body.unread, 0);
    assert.equal((await mem.get('/api/v1/inbox?unread=1')).body.total, 0);
  } finally { await done(); }
});

test('a rolled-back event writes nothing and sends nothing', async () => {
  const { srv, fake, as, done } = await setup();
  try {
    const sec = await as('sec-a');
    const a = await noticedActivity(sec);
    await fake.until((s) => s.messages.length >= 2);
    // make the audit record of a cancellation fail, after the notices were written in its transaction
    if (pg(srv.db)) {
      sql(srv.db, `CREATE FUNCTION dj_test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER dj_test_refuse BEFORE INSERT ON audit FOR EACH ROW WHEN (NEW.action = 'cancelled') EXECUTE FUNCTION dj_test_refuse();`);
    } else {
      sql(srv.db, "CREATE TRIGGER dj_test_refuse BEFORE INSERT ON audit WHEN NEW.action = 'cancelled' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    }
    const r = await sec.post(`/api/v1/activities/${a.id}/cancel`, { reason: '与上级会议冲突' });
    assert.ok(r.status === 409 || r.status === 500, r.text); // the database refused: SQLite's ABORT reads as a conflict
    await new Promise((res) => setTimeout(res, 2000));
    assert.equal(fake.state.messages.length, 2, 'no cancellation was sent');
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM notifications WHERE event = 'activity.cancelled';").trim(), '0');
    assert.equal(sql(srv.db, 'SELECT state FROM activities;').trim(), 'noticed');
    sql(srv.db, 'DROP TRIGGER dj_test_refuse' + (pg(srv.db) ? ' ON audit;' : ';'));
    // once it commits, the cancellation (urgent) goes out
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/cancel`, { reason: '与上级会议冲突' })).status, 200);
    await fake.until((s) => s.messages.filter((m) => /取消/.test(m.textcard.title)).length === 2);
  } finally { await done(); }
});

test('a failed send is retried with backoff; an expired token is renewed; a timeout is a retry', async () => {
  const { srv, fake, as, done } = await setup();
  try {
    fake.state.failNext.push('busy', 'http500', 'expired', 'hang');
    const sec = await as('sec-a');
    await noticedActivity(sec);
    await fake.until((s) => s.messages.length >= 2, 30000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(fake.state.messages.length, 2, 'each person once, however many attempts');
    assert.deepEqual(fake.state.messages.map((m) => m.touser).sort(), ['lihongmei', 'zhangjianguo']);
    assert.ok(fake.state.attempts >= 5, `attempts ${fake.state.attempts}`);
    assert.equal(fake.state.tokens, 2, 'a new token after 42001');
    assert.deepEqual(outbox(srv.db), ['wecom:sent', 'wecom:sent']);
    const tries = sql(srv.db, 'SELECT SUM(attempts) FROM notify_outbox;').trim();
    assert.ok(Number(tries) >= 4, `attempts recorded ${tries}`);
  } finally { await done(); }
});

test('two servers on one database deliver each message once', async () => {
  const { srv, fake, as, done } = await setup();
  const second = await startServer({ db: srv.db, keyFile: srv.keyFile });
  try {
    const sec = await as('sec-a');
    // ten meetings noticed at once: 20 deliveries that both workers race for
    for (let i = 0; i < 10; i++) await noticedActivity(sec, { title: `专题学习第${i + 1}次` });
    await fake.until((s) => s.messages.length >= 20, 30000);
    await new Promise((r) => setTimeout(r, 2000));
    const seen = fake.state.messages.map((m) => `${m.touser}|${m.textcard.title}`);
    assert.equal(seen.length, 20);
    assert.equal(new Set(seen).size, 20, 'no message twice');
  } finally { await second.stop(); await done(); }
});

test('quiet hours hold ordinary messages until morning; urgent ones go at once (DJ_NOW 23:30)', async () => {
  const night = `${shanghaiDate()}T23:30:00+08:00`;
  const { srv, fake, as, done } = await setup({ env: { DJ_NOW: night }, quiet: true });
  try {
    const sec = await as('sec-a');
    const mem = await as('member-a');
    const start = Date.parse(night) + 10 * 60 * MIN;
    const a = await noticedActivity(sec, { starts_at: iso8(start), ends_at: iso8(start + 60 * MIN) });
    assert.equal((await mem.get('/api/v1/inbox/unread')).body.unread, 1, 'the inbox is told at once');
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(fake.state.messages.length, 0, 'nothing sent at 23:30');
    const next = sql(srv.db, 'SELECT DISTINCT next_at FROM notify_outbox;').trim();
    const morning = Date.parse(`${shanghaiDate(1, Date.parse(night))}T07:00:00+08:00`) / 1000;
    assert.equal(Number(next), morning, 'held until 07:00');
    // a cancellation is urgent
    assert.equal((await sec.post(`/api/v1/activities/${a.id}/cancel`, { reason: '临时改期' })).status, 200);
    await fake.until((s) => s.messages.length >= 2);
    assert.ok(fake.state.messages.every((m) => /取消/.test(m.textcard.title)));
  } finally { await done(); }
});

test('preferences: a member who turns 企业微信 off still has the inbox', async () => {
  const { srv, fake, as, done } = await setup();
  try {
    const mem = await as('member-a');
    assert.deepEqual((await mem.get('/api/v1/inbox/prefs')).body, { wecom: true, sms: true, email: true });
    const off = await mem.put('/api/v1/inbox/prefs', { wecom: false });
    assert.equal(off.status, 200, off.text);
    assert.deepEqual(off.body, { wecom: false, sms: true, email: true });
    assert.equal((await mem.put('/api/v1/inbox/prefs', { fax: true })).status, 400);
    const sec = await as('sec-a');
    await noticedActivity(sec);
    await fake.until((s) => s.messages.length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(fake.state.messages.map((m) => m.touser), ['zhangjianguo']);
    assert.equal((await mem.get('/api/v1/inbox')).body.total, 1);
    assert.equal(outbox(srv.db).length, 1);
  } finally { await done(); }
});

test('leave and claim decisions tell the member', async () => {
  const { fake, as, done } = await setup();
  try {
    const sec = await as('sec-a');
    const mem = await as('member-a');
    const a = await noticedActivity(sec);
    const lv = await mem.post(`/api/v1/activities/${a.id}/leave`, { reason: '出差在外' });
    assert.equal(lv.status, 201, lv.text);
    assert.equal((await sec.post(`/api/v1/leaves/${lv.body.id}/decision`, { approve: true, note: '同意' })).status, 200);
    const items = (await mem.get('/api/v1/inbox')).body.items;
    assert.equal(items[0].title, '请假已批准：第四季度支部党员大会');
    assert.match(items[0].body, /同意/);
    await fake.until((s) => s.messages.some((m) => /请假已批准/.test(m.textcard.title)));
  } finally { await done(); }
});

test('the secret is write-only: never in an answer, the audit trail, the log or the table in clear', async () => {
  const { srv, fake, admin, as, done } = await setup();
  try {
    const got = await admin.get('/api/v1/notify/channels/wecom');
    assert.equal(got.status, 200);
    assert.equal(got.body.secret_set, true);
    assert.equal(got.body.api_base, fake.url);
    const answers = [got.text, (await admin.get('/api/v1/settings')).text,
      (await admin.get('/api/v1/notify/outbox')).text];
    const auditor = await as('auditor').catch(() => null);
    if (auditor) answers.push((await auditor.get('/api/v1/audit?limit=200')).text);
    for (const t of answers) assert.ok(!t.includes(fake.secret), t.slice(0, 200));
    assert.ok(!sql(srv.db, 'SELECT secret_box FROM notify_channels;').includes(fake.secret));
    assert.ok(!sql(srv.db, 'SELECT after FROM audit;').includes(fake.secret));
    // members and secretaries may not read or change the channel
    const sec = await as('sec-a');
    assert.equal((await sec.get('/api/v1/notify/channels/wecom')).status, 403);
    assert.equal((await admin.put('/api/v1/notify/channels/wecom', { api_base: 'ftp://x' })).status, 400);
    assert.equal((await admin.put('/api/v1/notify/channels/wecom', { agentid: '10a' })).status, 400);
    await noticedActivity(sec);
    await fake.until((s) => s.messages.length >= 2);
    assert.ok(!srv.stderr.includes(fake.secret));
  } finally { await done(); }
});

test('signing in from the work app: code → user id → the bound person\'s account', async () => {
  const { srv, as, done } = await setup();
  try {
    const anon = srv.client();
    const info = await anon.get(`/api/v1/session/wecom?redirect=${encodeURIComponent(`${srv.url}/m/login`)}&state=s1`);
    assert.equal(info.status, 200, info.text);
    assert.equal(info.body.enabled, true);
    assert.match(info.body.url, /\/connect\/oauth2\/authorize\?appid=ww-test&redirect_uri=http%3A%2F%2F127\.0\.0\.1.*&state=s1&agentid=1000002#wechat_redirect$/);

    const ok = await anon.post('/api/v1/session/wecom', { code: 'CODE-LI' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.user.login, 'member-a');
    assert.ok(anon.cookie.startsWith('dj_session='));
    anon.csrf = ok.body.csrf_token;
    assert.equal((await anon.get('/api/v1/inbox')).status, 200, 'signed in');

    const stranger = await srv.client().post('/api/v1/session/wecom', { code: 'CODE-NOBODY' });
    assert.equal(stranger.status, 401);
    assert.equal(stranger.body.error.code, 'wecom_unbound');
    const bad = await srv.client().post('/api/v1/session/wecom', { code: 'forged' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'wecom_code');
    assert.equal((await srv.client().post('/api/v1/session/wecom', {})).status, 400);

    // bindings: in scope only, one person per user id
    const secB = await as('sec-b');
    const out = await secB.put('/api/v1/notify/bindings', { person_id: PERSON.memberA, wecom_userid: 'x1' });
    assert.equal(out.status, 403, out.text);
    const committee = await as('committee');
    const dup = await committee.put('/api/v1/notify/bindings', { person_id: PERSON.memberB, wecom_userid: 'lihongmei' });
    assert.equal(dup.status, 409);
    const list = await committee.get('/api/v1/notify/bindings');
    assert.equal(list.body.items.length, 2);
    assert.equal((await committee.del(`/api/v1/notify/bindings/${PERSON.memberA}`)).status, 204);
    const after = await srv.client().post('/api/v1/session/wecom', { code: 'CODE-LI' });
    assert.equal(after.status, 401, 'unbound now');
  } finally { await done(); }
});

test('scans: a reminder before a meeting starts, and list items due soon or overdue', async () => {
  const { srv, fake, as, done } = await setup();
  try {
    const sec = await as('sec-a');
    const mem = await as('member-a');
    // starts in 30 minutes: inside the 60-minute reminder window
    const now = Date.now();
    const a = await noticedActivity(sec, { starts_at: iso8(now + 30 * MIN), ends_at: iso8(now + 90 * MIN) });
    sql(srv.db, `INSERT INTO lists (id, kind, title, org_id, created_at, updated_at) VALUES (1, 'custom', '模范机关创建清单', ${ORG.branchA}, 'x', 'x');
      INSERT INTO list_items (id, list_id, seq, title, category, org_id, due_on, created_at, updated_at) VALUES
        (1, 1, 1, '完善党员活动室', '阵地建设', ${ORG.branchA}, '${shanghaiDate(2)}', 'x', 'x'),
        (2, 1, 2, '整理党建档案', '基础工作', ${ORG.branchA}, '${shanghaiDate(-1)}', 'x', 'x'),
        (3, 1, 3, '年底总结', '基础工作', ${ORG.branchA}, '${shanghaiDate(20)}', 'x', 'x');
      INSERT INTO list_item_people (item_id, person_id, role) VALUES (1, ${PERSON.memberA}, 'lead'), (2, ${PERSON.memberA}, 'lead'), (3, ${PERSON.memberA}, 'lead');`);
    const end = Date.now() + 15000;
    let titles = [];
    while (Date.now() < end) {
      titles = (await mem.get('/api/v1/inbox')).body.items.map((m) => m.title);
      if (titles.length >= 4) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(titles.includes('即将开始：第四季度支部党员大会'), JSON.stringify(titles));
    assert.ok(titles.includes('清单事项即将到期：完善党员活动室'), JSON.stringify(titles));
    assert.ok(titles.includes('清单事项已逾期：整理党建档案'), JSON.stringify(titles));
    assert.ok(!titles.some((t) => /年底总结/.test(t)), 'not due for 20 days');
    // the scans run again and again: still one of each
    await new Promise((r) => setTimeout(r, 6000));
    const again = (await mem.get('/api/v1/inbox')).body.items.map((m) => m.title);
    assert.equal(again.length, titles.length, JSON.stringify(again));
    const items = (await mem.get('/api/v1/inbox')).body.items;
    assert.deepEqual(items.find((m) => /已逾期/.test(m.title)).link, { type: 'list_item', id: 2 });
    assert.deepEqual(items.find((m) => /即将开始/.test(m.title)).link, { type: 'activity', id: a.id });
    await fake.until((s) => s.messages.filter((m) => m.touser === 'lihongmei').length >= 4);
  } finally { await done(); }
});
