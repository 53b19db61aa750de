// Sign-in, sessions, CSRF, sign-in delays, password change, 三员分立 and the audit trail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, setCookies, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql } from '../lib/fixtures.mjs';

let srv;
test.before(async () => { srv = await startServer(); seedAgency(srv.db); });
test.after(async () => { await srv.stop(); });

test('health answers without a session', async () => {
  const r = await srv.client().get('/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
});

test('sign-in returns the user, grants and a CSRF token, and sets an HttpOnly SameSite cookie', async () => {
  const c = srv.client();
  const r = await c.req('POST', '/api/v1/session', { login: 'admin', password: PASSWORD });
  assert.equal(r.status, 200);
  assert.equal(r.body.user.login, 'admin');
  assert.equal(typeof r.body.user.id, 'number');
  assert.deepEqual(r.body.grants.map((g) => [g.role, g.org_id]), [['admin', 1]]);
  assert.equal(r.body.user.name, '系统管理员');
  assert.match(r.body.csrf_token, /^[0-9a-f]{64}$/);
  const [cookie, device, ...more] = setCookies(r.headers);
  assert.match(cookie, /^dj_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax$/);
  assert.match(device, /^dj_device=[0-9a-f]{64}; Path=\/api\/v1\/session; Max-Age=15552000; HttpOnly; SameSite=Strict$/);
  assert.deepEqual(more, []);
  c.csrf = r.body.csrf_token;
  const again = await c.get('/api/v1/session');
  assert.equal(again.status, 200);
  assert.equal(again.body.csrf_token, r.body.csrf_token);
  assert.equal(again.headers.get('cache-control'), 'no-store');
});

test('the session token is stored only as its hash', async () => {
  const c = srv.client();
  await c.login('leader');
  const token = c.cookie.split('=')[1];
  const rows = sql(srv.db, `SELECT COUNT(*) FROM sessions WHERE token_hash = '${token}';`).trim();
  assert.equal(rows, '0');
});

test('a wrong password and an unknown login get the same Chinese answer', async () => {
  const c = srv.client();
  const a = await c.post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' });
  const b = await c.post('/api/v1/session', { login: 'nobody-here', password: 'Wrong#Pass1' });
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.equal(a.body.error.code, 'bad_credentials');
  assert.equal(b.body.error.code, 'bad_credentials');
  assert.equal(a.body.error.field, 'password');
  assert.match(a.body.error.message, /账号或密码不正确/);
});

test('five failures delay the account from that address, even against the right password; the security administrator lifts it', async () => {
  const c = srv.client();
  for (let i = 0; i < 5; i++) {
    const r = await c.post('/api/v1/session', { login: 'officer', password: 'Wrong#Pass1' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.message, '账号或密码不正确', 'no count-down that tells the login exists');
  }
  const sixth = await c.post('/api/v1/session', { login: 'officer', password: PASSWORD });
  assert.equal(sixth.status, 429);
  assert.match(sixth.body.error.message, /秒后再试/);
  // the security administrator sees it and lifts it
  const sa = srv.client();
  await sa.login('secadmin');
  const users = await sa.get('/api/v1/users?q=officer');
  const officer = users.body.items.find((u) => u.login === 'officer');
  assert.equal(officer.locked, true);
  const one = await sa.get(`/api/v1/users/${officer.id}`);
  assert.equal(one.body.locked, true);
  assert.deepEqual(one.body.grants.map((g) => [g.role, g.org_id, g.org_name]), [['officer', 5, '机关工会']]);
  assert.equal((await sa.get('/api/v1/users/99999')).status, 404);
  assert.equal((await sa.post(`/api/v1/users/${officer.id}/unlock`)).status, 204);
  assert.equal((await c.post('/api/v1/session', { login: 'officer', password: PASSWORD })).status, 200);
  const auditor = srv.client();
  await auditor.login('auditor');
  const audit = await auditor.get(`/api/v1/audit?entity=user&entity_id=${officer.id}`);
  const actions = audit.body.items.map((a) => a.action);
  for (const a of ['login', 'unlock', 'login_failed']) assert.ok(actions.includes(a), `audit has ${a}`);
});

test('unsafe methods need the session\'s X-CSRF-Token', async () => {
  const c = srv.client();
  await c.login('discipline');
  const none = await c.req('DELETE', '/api/v1/session', undefined, { csrf: false });
  assert.equal(none.status, 403);
  assert.equal(none.body.error.code, 'csrf');
  const wrong = await c.req('DELETE', '/api/v1/session', undefined, { csrf: false, headers: { 'x-csrf-token': 'a'.repeat(64) } });
  assert.equal(wrong.status, 403);
  assert.equal((await c.get('/api/v1/session')).status, 200, 'still signed in');
  const ok = await c.del('/api/v1/session');
  assert.equal(ok.status, 204);
  assert.equal((await c.get('/api/v1/session')).status, 401);
});

test('signing out ends the session on the server, not only in the browser', async () => {
  const c = srv.client();
  await c.login('leader');
  const cookie = c.cookie;
  await c.del('/api/v1/session');
  const replay = new Client(srv.url);
  replay.cookie = cookie;
  assert.equal((await replay.get('/api/v1/session')).status, 401);
});

test('the sessions a server keeps in memory follow what changes behind its back (as on another server) within a second', async () => {
  const c = srv.client();
  await c.login('sec-b');
  const grants = async () => {
    const r = await c.get('/api/v1/session');
    return r.status === 200 ? r.body.grants.map((g) => `${g.role}@${g.org_name}`) : r.status;
  };
  const settle = () => new Promise((res) => setTimeout(res, 1100));
  assert.deepEqual(await grants(), ['secretary@第二党支部']);
  assert.deepEqual(await grants(), ['secretary@第二党支部']); // from memory now
  const who = "user_id = (SELECT id FROM users WHERE login = 'sec-b')";
  try {
    // the organisation of a grant renamed
    sql(srv.db, "UPDATE orgs SET name = '第二党支部（机关二处）' WHERE id = 3;");
    await settle();
    assert.deepEqual(await grants(), ['secretary@第二党支部（机关二处）']);
    // a grant taken
    sql(srv.db, `DELETE FROM grants WHERE ${who};`);
    await settle();
    assert.deepEqual(await grants(), []);
    // the account disabled
    sql(srv.db, "UPDATE users SET disabled = 1 WHERE login = 'sec-b';");
    await settle();
    assert.equal(await grants(), 401);
  } finally {
    sql(srv.db, "UPDATE orgs SET name = '第二党支部' WHERE id = 3;");
    sql(srv.db, "UPDATE users SET disabled = 0 WHERE login = 'sec-b';");
    sql(srv.db, "INSERT INTO grants (user_id, role, org_id) SELECT id, 'secretary', 3 FROM users WHERE login = 'sec-b'"
      + " AND NOT EXISTS (SELECT 1 FROM grants WHERE user_id = users.id AND role = 'secretary');");
  }
  // and a session deleted is gone
  const d = srv.client();
  await d.login('leader');
  assert.equal((await d.get('/api/v1/session')).status, 200);
  sql(srv.db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = 'leader');");
  await settle();
  assert.equal((await d.get('/api/v1/session')).status, 401);
});

test('office sessions idle out after 30 minutes, a member\'s lasts 7 days', async () => {
  const office = srv.client();
  await office.login('committee');
  const member = srv.client();
  await member.login('member-a');
  const idle = sql(srv.db, `SELECT u.login, s.idle_seconds FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.login IN ('committee', 'member-a') ORDER BY u.login;`).trim().split('\n');
  assert.deepEqual(idle, ['committee|1800', 'member-a|604800']);
  sql(srv.db, `UPDATE sessions SET last_seen = last_seen - 1801 WHERE user_id = (SELECT id FROM users WHERE login = 'committee');`);
  // a change made behind the server's back (as by another server process) is seen within the
  // session cache's one second
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await office.get('/api/v1/session')).status, 401);
  assert.equal((await member.get('/api/v1/session')).status, 200);
});

test('changing the password checks the policy and the old password, then ends other sessions', async () => {
  const a = srv.client();
  await a.login('sec-b');
  const other = srv.client();
  await other.login('sec-b');
  const weak = await a.post('/api/v1/session/password', { old_password: PASSWORD, new_password: 'short' });
  assert.equal(weak.status, 400);
  assert.equal(weak.body.error.field, 'new_password');
  assert.match(weak.body.error.message, /8/);
  const twoKinds = await a.post('/api/v1/session/password', { old_password: PASSWORD, new_password: 'abcdefgh1234' });
  assert.equal(twoKinds.status, 400);
  assert.match(twoKinds.body.error.message, /三种/);
  const badOld = await a.post('/api/v1/session/password', { old_password: 'Not#TheOld1', new_password: 'Brand#New2026' });
  assert.equal(badOld.status, 400);
  assert.equal(badOld.body.error.field, 'old_password');
  const ok = await a.post('/api/v1/session/password', { old_password: PASSWORD, new_password: 'Brand#New2026' });
  assert.equal(ok.status, 204);
  assert.equal((await a.get('/api/v1/session')).status, 200, 'the changing session stays');
  assert.equal((await other.get('/api/v1/session')).status, 401, 'other sessions end');
  assert.equal((await srv.client().post('/api/v1/session', { login: 'sec-b', password: PASSWORD })).status, 401);
  await srv.client().login('sec-b', 'Brand#New2026');
});

test('a new account must change its one-time password before anything else', async () => {
  const admin = srv.client();
  await admin.login('admin');
  // 三员分立: the system administrator opens the account, the security administrator grants its role
  const withRole = await admin.post('/api/v1/users', { login: 'newbie', name: '新同志', password: 'Temp#Pass2026', role: 'member', org_id: 2 });
  assert.equal(withRole.status, 403);
  const created = await admin.post('/api/v1/users', { login: 'newbie', name: '新同志', password: 'Temp#Pass2026' });
  assert.equal(created.status, 201);
  const sa = srv.client();
  await sa.login('secadmin');
  assert.equal((await sa.post(`/api/v1/users/${created.body.id}/grants`, { role: 'member', org_id: 2 })).status, 204);
  const n = srv.client();
  const s = await n.login('newbie', 'Temp#Pass2026');
  assert.equal(s.user.must_change_password, true);
  const blocked = await n.get('/api/v1/audit');
  assert.equal(blocked.status, 403);
  assert.equal(blocked.body.error.code, 'must_change_password');
  assert.equal((await n.post('/api/v1/session/password', { old_password: 'Temp#Pass2026', new_password: 'Mine#Own2026' })).status, 204);
  const after = await n.get('/api/v1/session');
  assert.equal(after.body.user.must_change_password, false);
});

test('a login storm is hashed off the request threads: other requests keep being answered', async () => {
  const order = [];
  // a meeting's start: many members at once (each their own account)
  const who = ['leader', 'committee', 'discipline', 'sec-a', 'member-a', 'officer'];
  const logins = Array.from({ length: 12 }, (_, i) => srv.client()
    .post('/api/v1/session', { login: who[i % who.length], password: PASSWORD }).then((r) => { order.push('login'); return r; }));
  await new Promise((r) => setTimeout(r, 20));
  const health = srv.client().get('/api/v1/health').then((r) => { order.push('health'); return r; });
  const results = await Promise.all([...logins, health]);
  assert.ok(results.every((r) => r.status === 200 || r.status === 503), 'logins succeed or say busy');
  assert.ok(order.indexOf('health') < order.length - 1, `health was not answered last: ${order.join(',')}`);
});

test('the audit log is for the auditor alone, filtered and paginated, and the auditor\'s reads are records too', async () => {
  for (const login of ['sec-a', 'committee', 'admin', 'secadmin']) {
    const other = srv.client();
    await other.login(login);
    const denied = await other.get('/api/v1/audit');
    assert.equal(denied.status, 403, login);
    assert.equal((await other.get('/api/v1/audit/export')).status, 403, login);
  }
  const c = srv.client();
  await c.login('auditor');
  const page1 = await c.get('/api/v1/audit?limit=2');
  assert.equal(page1.status, 200);
  assert.equal(page1.body.items.length, 2);
  assert.ok(page1.body.total > 2);
  assert.equal(typeof page1.body.next, 'string');
  const page2 = await c.get(`/api/v1/audit?limit=2&cursor=${page1.body.next}`);
  assert.ok(page2.body.items[0].id < page1.body.items[1].id, 'newest first, no overlap');
  const logins = await c.get('/api/v1/audit?action=login&login=sec-a');
  assert.ok(logins.body.items.length >= 1);
  assert.ok(logins.body.items.every((a) => a.action === 'login' && a.login === 'sec-a'));
  const future = await c.get('/api/v1/audit?from=2199-01-01');
  assert.equal(future.body.total, 0);
  const bad = await c.get('/api/v1/audit?from=yesterday');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'from');
  const badLimit = await c.get('/api/v1/audit?limit=100000');
  assert.equal(badLimit.status, 400);
  assert.equal(badLimit.body.error.field, 'limit');
  // the refusals above are on the record, and so are the auditor's own reads
  const refused = await c.get('/api/v1/audit?action=forbidden&login=committee');
  assert.ok(refused.body.items.some((a) => a.after.path === '/api/v1/audit'));
  const reads = await c.get('/api/v1/audit?action=read&entity=audit&login=auditor');
  assert.ok(reads.body.total >= 5);
  // exported as CSV for Excel: BOM, a header row, formulas defused
  const csv = await c.get('/api/v1/audit/export?action=login');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.ok(csv.text.startsWith('\ufeff编号,时间,'));
  assert.ok(csv.text.split('\r\n').length > 3);
  assert.ok((await c.get('/api/v1/audit?action=export&entity=audit')).body.total >= 1);
});

test('a role reaches only the subtree of its organisation', async () => {
  // a security administrator of branch 2 only
  sql(srv.db, `INSERT INTO users (login, name, password_hash, created_at)
    SELECT 'branch-admin', '支部管理员', password_hash, '2026-01-01T00:00:00Z' FROM users WHERE login = 'admin';
    INSERT INTO grants (user_id, role, org_id) SELECT id, 'secadmin', 2 FROM users WHERE login = 'branch-admin';`);
  const c = srv.client();
  await c.login('branch-admin');
  const target = (await c.get('/api/v1/users?q=member-b')).body.items[0];
  const inside = await c.post(`/api/v1/users/${target.id}/grants`, { role: 'member', org_id: 4 });
  assert.equal(inside.status, 204, 'group 4 is inside branch 2');
  const outside = await c.post(`/api/v1/users/${target.id}/grants`, { role: 'member', org_id: 3 });
  assert.equal(outside.status, 403);
  assert.match(outside.body.error.message, /不在您的管理范围内/);
  const above = await c.post(`/api/v1/users/${target.id}/grants`, { role: 'committee', org_id: 1 });
  assert.equal(above.status, 403);
  const grants = sql(srv.db, `SELECT COUNT(*) FROM grants WHERE user_id = ${target.id} AND org_id IN (1, 3) AND role <> 'member';`).trim();
  assert.equal(grants, '0');
  // nobody grants a role to themselves (or takes one away)
  const me = c.user.id;
  const self = await c.post(`/api/v1/users/${me}/grants`, { role: 'secadmin', org_id: 4 });
  assert.equal(self.status, 403);
  assert.equal(self.body.error.code, 'self_grant');
  assert.equal((await c.post(`/api/v1/users/${me}/grants/revoke`, { role: 'secadmin', org_id: 2 })).status, 403);
});

test('三员分立: the three administrators hold no party-work permission, and each only their own', async () => {
  const expect = {
    admin: { '/api/v1/users': 200, '/api/v1/settings': 200, '/api/v1/audit': 403, '/api/v1/people': 403, '/api/v1/orgs': 403, '/api/v1/activities': 403, '/api/v1/points/rankings': 403, '/api/v1/lists/report': 403 },
    secadmin: { '/api/v1/users': 200, '/api/v1/settings': 200, '/api/v1/audit': 403, '/api/v1/people': 403, '/api/v1/orgs': 403, '/api/v1/activities': 403 },
    auditor: { '/api/v1/users': 403, '/api/v1/settings': 403, '/api/v1/audit': 200, '/api/v1/people': 403, '/api/v1/orgs': 403, '/api/v1/points/verify': 403 },
  };
  for (const [login, paths] of Object.entries(expect)) {
    const c = srv.client();
    const s = await c.login(login);
    assert.deepEqual(s.grants.map((g) => g.role), [login]);
    for (const [p, status] of Object.entries(paths)) assert.equal((await c.get(p)).status, status, `${login} ${p}`);
  }
  // settings: the security baseline is the security administrator's, the rest the system administrator's
  const adm = srv.client();
  await adm.login('admin');
  const sec = await adm.patch('/api/v1/settings', { 'security.lockout_threshold': 6 });
  assert.equal(sec.status, 403);
  assert.equal(sec.body.error.field, 'security.lockout_threshold');
  assert.equal((await adm.patch('/api/v1/settings', { 'agency.name': '某局机关党委' })).status, 200);
  const items = (await adm.get('/api/v1/settings')).body.items;
  assert.equal(items.find((x) => x.key === 'agency.name').editable, true);
  assert.equal(items.find((x) => x.key === 'session.office_idle_minutes').editable, false);
  const sa = srv.client();
  await sa.login('secadmin');
  assert.equal((await sa.patch('/api/v1/settings', { 'agency.name': '越权' })).status, 403);
  assert.equal((await sa.patch('/api/v1/settings', { 'security.lockout_threshold': 5 })).status, 200);
  // the system administrator opens accounts but grants nothing; the security administrator grants but opens none
  assert.equal((await sa.post('/api/v1/users', { login: 'x-new', name: '某', password: 'Temp#Pass2026' })).status, 403);
  const target = (await adm.get('/api/v1/users?q=leader')).body.items[0];
  assert.equal((await adm.post(`/api/v1/users/${target.id}/grants`, { role: 'committee', org_id: 1 })).status, 403);
});

test('signed-out requests to protected endpoints get 401 with a Chinese message', async () => {
  const r = await srv.client().get('/api/v1/audit');
  assert.equal(r.status, 401);
  assert.match(r.body.error.message, /登录/);
  const missing = await srv.client().get('/api/v1/nothing-here');
  assert.equal(missing.status, 404);
  const method = await srv.client().req('PUT', '/api/v1/health', {});
  assert.equal(method.status, 405);
});

test('thirty failed sign-ins from one address in a minute bring a 429, across accounts', async () => {
  const own = await startServer();
  try {
    const c = own.client();
    for (let i = 0; i < 30; i++) {
      const r = await c.post('/api/v1/session', { login: `guess-${i}`, password: 'Wrong#Pass1' });
      assert.equal(r.status, 401);
    }
    const r = await c.post('/api/v1/session', { login: 'admin', password: PASSWORD });
    assert.equal(r.status, 429);
    assert.match(r.body.error.message, /请 \d+ 秒后再试/);
  } finally {
    await own.stop();
  }
});

test('a session in use moves its last_seen forward, written in the background', async () => {
  const c = srv.client();
  await c.login('member-b');
  const who = `user_id = (SELECT id FROM users WHERE login = 'member-b')`;
  sql(srv.db, `UPDATE sessions SET last_seen = last_seen - 600 WHERE ${who};`);
  await new Promise((r) => setTimeout(r, 1100)); // past the session cache
  assert.equal((await c.get('/api/v1/session')).status, 200);
  const now = Math.floor(Date.now() / 1000);
  let lastSeen = 0;
  for (let i = 0; i < 40 && lastSeen < now - 5; i++) {
    await new Promise((r) => setTimeout(r, 100));
    lastSeen = Number(sql(srv.db, `SELECT last_seen FROM sessions WHERE ${who};`).trim());
  }
  assert.ok(lastSeen >= now - 5, `last_seen ${lastSeen} moved to about ${now}`);
});
