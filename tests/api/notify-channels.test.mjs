// The SMS gateway and e-mail channels (issue 18 2c, 2d) and binding work-app
// user ids from a table (3): a fake SMS gateway gets the right body, is tried
// again after a 500 and a timeout and given up on when its answer fails the
// success condition; a fake SMTP server takes mail only after STARTTLS (its
// self-signed certificate given through the CA-file setting) and decodes the
// Chinese subject; it refuses and hangs as asked.  The gateway secret and the
// mailbox password never appear in an answer, the audit trail or the log.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { startFakeSms } from '../lib/fake-sms.mjs';
import { startFakeSmtp } from '../lib/fake-smtp.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { iso8 } from '../lib/clock.mjs';

const MIN = 60 * 1000;
const CSV = { headers: { 'content-type': 'text/csv' } };
const SMS_SECRET = 'Sms-T0ken-4b7e21';

async function setup() {
  const srv = await startServer();
  seedAgency(srv.db);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  const admin = await as('admin');
  // quiet hours off: the run may happen at any hour; retries a second apart
  const s = await admin.patch('/api/v1/settings', { 'notify.quiet_start_hour': 0, 'notify.quiet_end_hour': 0,
    'notify.retry_base_seconds': 1, 'notify.max_attempts': 4 });
  assert.equal(s.status, 200, s.text);
  return { srv, as, admin };
}

/** A meeting of branch A noticed: its two members with accounts (persons 1 and 2) are told. */
async function notice(sec, title = '第四季度支部党员大会') {
  const now = Date.now();
  const a = await sec.post('/api/v1/activities', {
    org_id: ORG.branchA, kind: 'branch_assembly', title,
    starts_at: iso8(now + 3 * 60 * MIN), ends_at: iso8(now + 4 * 60 * MIN), place: '三楼会议室',
  });
  assert.equal(a.status, 201, a.text);
  const n = await sec.post(`/api/v1/activities/${a.body.id}/notice`);
  assert.equal(n.status, 200, n.text);
  return a.body;
}

const rows = (db, channel) => sql(db, `SELECT status || ':' || attempts FROM notify_outbox WHERE channel = '${channel}' ORDER BY id;`)
  .trim().split('\n').filter(Boolean);
async function until(fn, ms = 20000) {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('SMS: the gateway gets the template filled in, is retried after a 500 and a timeout, given up on a failed success condition', async () => {
  const gw = await startFakeSms();
  const { srv, as, admin } = await setup();
  try {
    const put = await admin.put('/api/v1/notify/channels/sms', {
      enabled: true, url: `${gw.url}/sms/send?account=dangjian&sig={secret}`, method: 'POST',
      content_type: 'application/json; charset=utf-8',
      body_template: '{"mobile":"{phone}","content":"【智慧云党建】{text}","token":"{secret}"}',
      success_json: 'code=0', timeout_seconds: 2, secret: SMS_SECRET,
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.secret_set, true);
    assert.equal(put.body.success_json, 'code=0');
    assert.equal(put.body.secret, undefined);

    gw.state.failNext.push('http500', 'hang');
    const sec = await as('sec-a');
    await notice(sec);
    await until(() => rows(srv.db, 'sms').length === 2 && rows(srv.db, 'sms').every((r) => r.startsWith('sent')));
    const ok = gw.state.requests.filter((q) => q.outcome === 'ok');
    assert.equal(ok.length, 2, 'each person once');
    assert.equal(gw.state.requests.length, 4, 'two failed tries, two that went through');
    assert.deepEqual(ok.map((q) => JSON.parse(q.body).mobile).sort(), ['13800000001', '13800000002']);
    for (const q of gw.state.requests) {
      assert.equal(q.method, 'POST');
      assert.equal(q.path, '/sms/send');
      assert.equal(q.query.sig, SMS_SECRET);
      assert.match(q.contentType, /application\/json/);
      const body = JSON.parse(q.body); // JSON-escaped: it parses
      assert.equal(body.token, SMS_SECRET);
      assert.match(body.content, /^【智慧云党建】支部党员大会通知：第四季度支部党员大会：/);
      assert.match(body.content, /三楼会议室/);
    }
    assert.deepEqual(rows(srv.db, 'sms').map((r) => r.split(':')[0]), ['sent', 'sent']);
    assert.ok(rows(srv.db, 'sms').some((r) => r !== 'sent:1'), 'a row took more than one attempt');

    // an answer of 200 that fails the condition, and a 400: given up at once, not sent twice
    gw.state.failNext.push('refuse', 'http400');
    await notice(sec, '专题党课');
    await until(() => rows(srv.db, 'sms').length === 4 && rows(srv.db, 'sms').slice(2).every((r) => r.startsWith('failed')));
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(gw.state.requests.length, 6, 'no retry after a refusal');
    assert.deepEqual(rows(srv.db, 'sms').slice(2), ['failed:1', 'failed:1']);
    const summary = await admin.get('/api/v1/notify/outbox');
    assert.equal(summary.status, 200);
    const reasons = summary.body.problems.filter((p) => p.channel === 'sms').map((p) => p.last_error).sort();
    assert.deepEqual(reasons, ['短信网关拒绝：HTTP 400', '短信网关的回答不符合成功条件（HTTP 200）']);

    // a form body is URL-encoded; GET puts everything in the URL
    const form = await admin.put('/api/v1/notify/channels/sms', {
      method: 'GET', url: `${gw.url}/get?to={phone}&msg={text}`, success_json: '', success_text: '"code":0',
    });
    assert.equal(form.status, 200, form.text);
    await notice(sec, '主题党日 A&B');
    await until(() => gw.state.requests.length === 8);
    const got = gw.state.requests.slice(6);
    assert.ok(got.every((q) => q.method === 'GET' && q.body === ''));
    assert.match(got[0].query.msg, /主题党日 A&B/);
    await until(() => rows(srv.db, 'sms').slice(4).every((r) => r.startsWith('sent')));

    // the secret: never in an answer, the inbox, the audit trail, the table in clear or the log
    const member = await as('member-a');
    const answers = [put.text, form.text, (await admin.get('/api/v1/notify/channels/sms')).text, summary.text,
      (await member.get('/api/v1/inbox')).text];
    for (const t of answers) assert.ok(!t.includes(SMS_SECRET), t.slice(0, 300));
    assert.ok(!sql(srv.db, 'SELECT secret_box || config FROM notify_channels;').includes(SMS_SECRET));
    assert.ok(!sql(srv.db, 'SELECT after FROM audit;').includes(SMS_SECRET));
    assert.ok(!sql(srv.db, 'SELECT COALESCE(last_error, \'\') FROM notify_outbox;').includes(SMS_SECRET));
    assert.ok(!srv.stderr.includes(SMS_SECRET));

    // bad settings: a clear 400 naming the field, nothing changed; not for a secretary
    const bad = await admin.put('/api/v1/notify/channels/sms', { url: 'ftp://x', method: 'PUT' });
    assert.equal(bad.status, 400);
    const cond = await admin.put('/api/v1/notify/channels/sms', { success_json: 'code' });
    assert.equal(cond.status, 400);
    assert.equal(cond.body.error.field, 'success_json');
    assert.equal((await sec.get('/api/v1/notify/channels/sms')).status, 403);
    assert.equal((await sec.put('/api/v1/notify/channels/sms', { enabled: false })).status, 403);
  } finally { await gw.stop(); await srv.stop(); }
});

test('e-mail: delivered over STARTTLS with the Chinese subject intact; retried after a timeout and a 451, given up on a 550', async () => {
  const smtp = await startFakeSmtp();
  const { srv, as, admin } = await setup();
  try {
    sql(srv.db, "UPDATE people SET email = 'zhangjianguo@example.gov.cn' WHERE id = 1; UPDATE people SET email = 'lihongmei@example.gov.cn' WHERE id = 2;");
    const put = await admin.put('/api/v1/notify/channels/email', {
      enabled: true, host: smtp.host, port: smtp.port, security: 'starttls', user: smtp.user, password: smtp.password,
      from: 'dangjian@example.gov.cn', from_name: '机关党委', ca_file: smtp.caFile, timeout_seconds: 3,
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.password_set, true);
    assert.equal(put.body.password, undefined);
    assert.equal(put.body.ca_file, smtp.caFile);

    smtp.state.failNext.push('hang', 'mail451');
    const sec = await as('sec-a');
    await notice(sec);
    await smtp.until((s) => s.messages.length >= 2);
    await until(() => rows(srv.db, 'email').every((r) => r.startsWith('sent')));
    assert.equal(smtp.state.messages.length, 2);
    assert.ok(smtp.state.refused.includes(451));
    for (const m of smtp.state.messages) {
      assert.equal(m.secure, true, 'only after STARTTLS');
      assert.equal(m.authed, true);
      assert.equal(m.from, 'dangjian@example.gov.cn');
      assert.equal(m.subject, '支部党员大会通知：第四季度支部党员大会');
      assert.match(m.headers.subject, /^=\?UTF-8\?B\?/);
      assert.match(m.body, /三楼会议室/);
      assert.match(m.headers.from, /<dangjian@example\.gov\.cn>$/);
    }
    assert.deepEqual(smtp.state.messages.map((m) => m.to[0]).sort(), ['lihongmei@example.gov.cn', 'zhangjianguo@example.gov.cn']);
    const member = await as('member-a');
    const inbox = await member.get('/api/v1/inbox');
    assert.equal(inbox.body.items[0].title, smtp.state.messages.find((m) => m.to[0].startsWith('lihongmei')).subject);
    // each failed once (a timeout, a 451) before it went through; a loaded machine may add a timeout, never a double
    assert.ok(rows(srv.db, 'email').every((r) => Number(r.split(':')[1]) >= 2), rows(srv.db, 'email').join());

    // a recipient refused for good: failed after one attempt, not sent again
    smtp.state.unknown.add('zhangjianguo@example.gov.cn');
    await notice(sec, '专题党课');
    await until(() => rows(srv.db, 'email').length === 4 && rows(srv.db, 'email').slice(2).every((r) => !r.startsWith('pending') && !r.startsWith('sending')));
    await new Promise((r) => setTimeout(r, 2500));
    const last = sql(srv.db, "SELECT p.email || '=' || o.status FROM notify_outbox o JOIN users u ON u.id = o.user_id JOIN people p ON p.id = u.person_id WHERE o.channel = 'email' ORDER BY o.id;").trim().split('\n').slice(2).sort();
    assert.deepEqual(last, ['lihongmei@example.gov.cn=sent', 'zhangjianguo@example.gov.cn=failed']);
    assert.deepEqual(smtp.state.rejectedRcpt, ['zhangjianguo@example.gov.cn'], 'a 550 is not tried again');
    assert.equal(smtp.state.messages.length, 3);
    smtp.state.unknown.clear();
    const summary = await admin.get('/api/v1/notify/outbox');
    assert.ok(summary.body.problems.some((p) => p.channel === 'email' && p.last_error === '邮件服务器拒绝：SMTP 550'), summary.text);

    // a wrong password is refused by the server (535): given up, and the password is nowhere
    const wrong = await admin.put('/api/v1/notify/channels/email', { password: 'Wrong-Pa55-x1' });
    assert.equal(wrong.status, 200, wrong.text);
    await notice(sec, '主题党日');
    await until(() => rows(srv.db, 'email').length === 6 && rows(srv.db, 'email').slice(4).every((r) => r.startsWith('failed')));
    assert.ok(smtp.state.auths.some((a) => !a.ok));

    const answers = [put.text, wrong.text, (await admin.get('/api/v1/notify/channels/email')).text, summary.text,
      (await member.get('/api/v1/inbox')).text];
    for (const secret of [smtp.password, 'Wrong-Pa55-x1']) {
      for (const t of answers) assert.ok(!t.includes(secret), t.slice(0, 300));
      assert.ok(!sql(srv.db, 'SELECT secret_box || config FROM notify_channels;').includes(secret));
      assert.ok(!sql(srv.db, 'SELECT after FROM audit;').includes(secret));
      assert.ok(!srv.stderr.includes(secret));
    }

    // bad settings name their field
    for (const [body, field] of [[{ from: 'not-an-address' }, 'from'], [{ ca_file: '/no/such/ca.pem' }, 'ca_file'],
      [{ host: 'smtp.example.com/x' }, 'host'], [{ security: 'none' }, 'security'], [{ port: 70000 }, 'port']]) {
      const r = await admin.put('/api/v1/notify/channels/email', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.field, field);
    }
  } finally { await smtp.stop(); await srv.stop(); }
});

test('e-mail without a trusted CA is not sent (the certificate is checked) and tried again later', async () => {
  const smtp = await startFakeSmtp();
  const { srv, as, admin } = await setup();
  try {
    sql(srv.db, "UPDATE people SET email = 'lihongmei@example.gov.cn' WHERE id = 2;");
    const put = await admin.put('/api/v1/notify/channels/email', {
      enabled: true, host: smtp.host, port: smtp.port, user: smtp.user, password: smtp.password,
      from: 'dangjian@example.gov.cn', timeout_seconds: 2,
    });
    assert.equal(put.status, 200, put.text);
    await notice(await as('sec-a'));
    await until(() => /^pending:[1-9]/.test(rows(srv.db, 'email')[0] || ''));
    assert.equal(smtp.state.messages.length, 0);
    const err = sql(srv.db, "SELECT last_error FROM notify_outbox WHERE channel = 'email';");
    assert.match(err, /邮件服务器：/);
  } finally { await smtp.stop(); await srv.stop(); }
});

test('binding work-app ids from a table: a dry run lists the unmatched rows, the real run binds the rest', async () => {
  const { srv, as } = await setup();
  try {
    const sec = await as('sec-a'); // branch A and its group: people 1–6
    const committee = await as('committee');
    const taken = await committee.put('/api/v1/notify/bindings', { person_id: 6, wecom_userid: 'zhaomin' });
    assert.equal(taken.status, 200, taken.text);
    const csv = [
      '姓名,手机号,企业微信账号',
      '张建国,13800000001,zhangjianguo',
      '李红梅,,lihongmei',
      '王志强,13800000003,wangzhiqiang',
      '孙立军,13800000007,sunlijun', // branch B: outside sec-a's scope
      '外单位人员,13900000000,stranger',
      '陈晓燕,13800000004,zhaomin', // the id is bound to another person
      '刘洋,13800000005,li yang', // not a valid id
      '赵敏,13800000006,wangzhiqiang', // the id twice in the file
      '',
    ].join('\r\n');
    const dry = await sec.post('/api/v1/notify/bindings/import?dry_run=1', csv, CSV);
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.body.dry_run, true);
    assert.equal(dry.body.rows, 8);
    assert.equal(dry.body.to_bind, 3);
    assert.equal(dry.body.unmatched, 2);
    assert.equal(dry.body.conflict, 2);
    assert.equal(dry.body.invalid, 1);
    assert.equal(dry.body.bound, 0);
    const by = Object.fromEntries(dry.body.items.map((i) => [i.name, i]));
    assert.equal(by['李红梅'].status, 'bind');
    assert.equal(by['李红梅'].person_id, PERSON.memberA);
    assert.equal(by['李红梅'].org_name, '第一党支部');
    assert.equal(by['王志强'].person_id, 3);
    assert.equal(by['孙立军'].status, 'unmatched');
    assert.equal(by['孙立军'].person_id, undefined, 'nothing told of people outside the scope');
    assert.equal(by['外单位人员'].status, 'unmatched');
    assert.match(by['外单位人员'].reason, /找不到/);
    assert.equal(by['陈晓燕'].status, 'conflict');
    assert.equal(by['赵敏'].status, 'conflict');
    assert.equal(by['刘洋'].status, 'invalid');
    assert.equal(by['张建国'].line, 2);
    assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM wecom_bindings;').trim(), '1', 'a dry run writes nothing');

    const real = await sec.post('/api/v1/notify/bindings/import?dry_run=0', csv, CSV);
    assert.equal(real.status, 200, real.text);
    assert.equal(real.body.bound, 3);
    assert.equal(sql(srv.db, 'SELECT wecom_userid || \'=\' || person_id FROM wecom_bindings ORDER BY person_id;').trim().split('\n').join(' '),
      'zhangjianguo=1 lihongmei=2 wangzhiqiang=3 zhaomin=6');
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE action = 'bind' AND entity = 'wecom_binding';").trim(), '4');
    const list = await sec.get('/api/v1/notify/bindings');
    assert.equal(list.body.items.length, 4);

    // the same file again changes nothing
    const again = await sec.post('/api/v1/notify/bindings/import?dry_run=0', csv, CSV);
    assert.equal(again.body.bound, 0);
    assert.equal(again.body.same, 3);

    // a file without the columns, JSON instead of CSV, and a member: refused
    const nohead = await sec.post('/api/v1/notify/bindings/import?dry_run=1', 'a,b\r\n1,2\r\n', CSV);
    assert.equal(nohead.status, 400);
    assert.equal(nohead.body.error.field, 'file');
    assert.equal((await sec.post('/api/v1/notify/bindings/import', { csv })).status, 415);
    const member = await as('member-a');
    assert.equal((await member.post('/api/v1/notify/bindings/import?dry_run=1', csv, CSV)).status, 403);
    // one by one: a person outside the caller's scope is refused
    assert.equal((await sec.put('/api/v1/notify/bindings', { person_id: PERSON.secB, wecom_userid: 'sunlijun' })).status, 403);

    // a person's addresses on their page: the e-mail set, the id changed and removed, each audited
    const c0 = await sec.get(`/api/v1/notify/contacts/${PERSON.memberA}`);
    assert.equal(c0.status, 200, c0.text);
    assert.deepEqual(c0.body, { person_id: PERSON.memberA, wecom_userid: 'lihongmei', email: null });
    const c1 = await sec.put(`/api/v1/notify/contacts/${PERSON.memberA}`, { email: 'lihongmei@example.gov.cn', wecom_userid: 'li.hongmei' });
    assert.equal(c1.status, 200, c1.text);
    assert.deepEqual(c1.body, { person_id: PERSON.memberA, wecom_userid: 'li.hongmei', email: 'lihongmei@example.gov.cn' });
    const c2 = await sec.put(`/api/v1/notify/contacts/${PERSON.memberA}`, { wecom_userid: null });
    assert.equal(c2.body.wecom_userid, null);
    assert.equal(c2.body.email, 'lihongmei@example.gov.cn');
    const badMail = await sec.put(`/api/v1/notify/contacts/${PERSON.memberA}`, { email: 'li@' });
    assert.equal(badMail.status, 400);
    assert.equal(badMail.body.error.field, 'email');
    const clash = await sec.put(`/api/v1/notify/contacts/${PERSON.memberA}`, { wecom_userid: 'zhaomin' });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.field, 'wecom_userid');
    assert.equal(sql(srv.db, `SELECT email FROM people WHERE id = ${PERSON.memberA};`).trim(), 'lihongmei@example.gov.cn', 'a refused change changes nothing');
    assert.equal((await sec.get(`/api/v1/notify/contacts/${PERSON.secB}`)).status, 403);
    assert.equal((await sec.put(`/api/v1/notify/contacts/${PERSON.secB}`, { email: 'x@example.com' })).status, 403);
    assert.equal((await member.get(`/api/v1/notify/contacts/${PERSON.memberA}`)).status, 403);
    assert.equal(sql(srv.db, "SELECT COUNT(*) FROM audit WHERE entity = 'notify_contact';").trim(), '2');
  } finally { await srv.stop(); }
});
