// Sign-in under attack (issue 12, items 2, 3 and 5): an attempt is counted before its
// password is hashed, so parallel guesses cannot slip past the limits; delays grow per
// account-and-address, per account and per address instead of a hard lock anyone could
// trigger; unknown logins are answered and throttled as known ones; the client address
// comes from X-Forwarded-For only behind a trusted proxy; an older password hash is
// rehashed with argon2id at OWASP's minimum on the next sign-in.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { startServer, freePort, setCookies, BIN, PASSWORD } from '../lib/server.mjs';
import { childEnv } from '../lib/clock.mjs';
import { seedAgency, sql } from '../lib/fixtures.mjs';

// argon2id with libsodium's older "interactive" parameters (64 MiB), of PASSWORD
const OLD_HASH = '$argon2id$v=19$m=65536,t=2,p=1$wnx1b2OhaK9jQpf0TL5j0w$fmO+uL5vKl6P2N4QBnKmrZ2VGPB9roroQzzaj3qjhec';

let srv;
test.before(async () => {
  srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  seedAgency(srv.db);
});
test.after(async () => { await srv.stop(); });

let nextAddr = 1;
/** A fresh client address (as nginx would pass it); the test server trusts 127.0.0.1. */
const addr = () => `198.51.100.${nextAddr++}`;
const attempt = (login, password, from, extra = {}) => srv.client()
  .post('/api/v1/session', { login, password }, { headers: { 'x-forwarded-for': from, ...extra } });
const count = (statuses, s) => statuses.filter((x) => x === s).length;
const failedAudits = (login) => Number(sql(srv.db,
  `SELECT COUNT(*) FROM audit WHERE action = 'login_failed' AND after LIKE '%"${login}"%';`).trim());

test('40 parallel wrong passwords on one account: at most five are checked, the rest refused before hashing', async () => {
  const from = addr();
  const rs = await Promise.all(Array.from({ length: 40 }, () => attempt('leader', 'Wrong#Pass1', from)));
  const statuses = rs.map((r) => r.status);
  assert.ok(count(statuses, 401) <= 5, `checked: ${count(statuses, 401)}`);
  assert.ok(count(statuses, 401) >= 1);
  assert.equal(count(statuses, 401) + count(statuses, 429), 40, statuses.join(','));
  assert.ok(failedAudits('leader') <= 5, 'only the checked ones were failures');
  const refused = rs.find((r) => r.status === 429);
  assert.equal(refused.body.error.code, 'throttled');
  assert.match(refused.body.error.message, /请 \d+ 秒后再试/);
  assert.match(refused.headers.get('retry-after'), /^\d+$/);
});

test('once the limit is hit, the right password is not checked either, alone or in a crowd', async () => {
  const from = addr();
  for (let i = 0; i < 5; i++) assert.equal((await attempt('committee', 'Wrong#Pass1', from)).status, 401);
  // the first delay is five seconds: everything now is refused unchecked
  const again = await Promise.all([
    ...Array.from({ length: 10 }, () => attempt('committee', PASSWORD, from)),
    ...Array.from({ length: 10 }, () => attempt('committee', 'Wrong#Pass1', from)),
  ]);
  assert.ok(again.every((r) => r.status === 429), again.map((r) => r.status).join(','));
  assert.ok(Number(again[0].headers.get('retry-after')) >= 1);
});

test('the right password in a burst of wrong ones gets through only while the limit allows', async () => {
  const from = addr();
  // four wrong ones first: the fifth attempt is the last one checked without delay
  for (let i = 0; i < 4; i++) assert.equal((await attempt('discipline', 'Wrong#Pass1', from)).status, 401);
  const burst = await Promise.all([
    ...Array.from({ length: 20 }, () => attempt('discipline', 'Wrong#Pass1', from)),
    attempt('discipline', PASSWORD, from),
  ]);
  const ok = burst.filter((r) => r.status === 200).length;
  const checked = burst.filter((r) => r.status === 401).length + ok;
  assert.ok(checked <= 1, `after four failures only one more is checked, ${checked} were`);
});

test('120 parallel failures from one address across accounts: at most thirty are checked', async () => {
  const from = addr();
  const rs = await Promise.all(Array.from({ length: 120 }, (_, i) => attempt(`guess-${i}`, 'Wrong#Pass1', from)));
  const statuses = rs.map((r) => r.status);
  assert.ok(count(statuses, 401) <= 30, `checked: ${count(statuses, 401)}`);
  assert.equal(count(statuses, 401) + count(statuses, 429) + count(statuses, 503), 120);
  // the address, not the accounts: a member signing in from elsewhere is not affected
  assert.equal((await attempt('member-a', PASSWORD, addr())).status, 200);
});

test('no lockout as a weapon: guesses from one address do not keep the owner out from another', async () => {
  const attacker = addr();
  for (let i = 0; i < 8; i++) await attempt('sec-a', 'Wrong#Pass1', attacker);
  assert.equal((await attempt('sec-a', PASSWORD, attacker)).status, 429, 'the guessing address waits');
  const owner = await attempt('sec-a', PASSWORD, addr());
  assert.equal(owner.status, 200, 'the owner, elsewhere, signs in at once');
});

test('an unknown login is answered and delayed exactly as a known one', async () => {
  const a = addr(), b = addr();
  const known = [], unknown = [];
  for (let i = 0; i < 7; i++) {
    known.push(await attempt('officer', 'Wrong#Pass1', a));
    unknown.push(await attempt('no-such-login', 'Wrong#Pass1', b));
  }
  assert.deepEqual(known.map((r) => r.status), unknown.map((r) => r.status));
  assert.deepEqual(known.map((r) => r.status), [401, 401, 401, 401, 401, 429, 429]);
  assert.deepEqual(known.map((r) => r.body.error.code), unknown.map((r) => r.body.error.code));
  assert.deepEqual(known.map((r) => r.body.error.field), unknown.map((r) => r.body.error.field));
  for (let i = 0; i < 5; i++) assert.equal(known[i].body.error.message, unknown[i].body.error.message);
  assert.equal(known[0].body.error.message, '账号或密码不正确');
  assert.doesNotMatch(JSON.stringify(known.map((r) => r.body)), /锁定|再错/);
});

test('the security administrator lifts the delays; the console shows the account as delayed', async () => {
  const from = addr();
  for (let i = 0; i < 6; i++) await attempt('member-b', 'Wrong#Pass1', from);
  assert.equal((await attempt('member-b', PASSWORD, from)).status, 429);
  const sa = srv.client();
  await sa.login('secadmin');
  const u = (await sa.get('/api/v1/users?q=member-b')).body.items.find((x) => x.login === 'member-b');
  assert.equal(u.locked, true);
  assert.equal((await sa.post(`/api/v1/users/${u.id}/unlock`)).status, 204);
  assert.equal((await attempt('member-b', PASSWORD, from)).status, 200);
  assert.equal((await sa.get(`/api/v1/users/${u.id}`)).body.locked, false);
  // the system administrator does not unlock (三员分立)
  const adm = srv.client();
  await adm.login('admin');
  assert.equal((await adm.post(`/api/v1/users/${u.id}/unlock`)).status, 403);
});

test('X-Forwarded-For is believed only from a trusted proxy', async () => {
  const own = await startServer(); // trusts no proxy
  try {
    seedAgency(own.db);
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      // a different made-up address each time: ignored, so the peer's own address is throttled
      const r = await own.client().post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' },
        { headers: { 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `203.0.113.${i + 100}` } });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    const keys = sql(own.db, "SELECT key FROM login_throttle WHERE key LIKE 'i:%';").trim().split('\n');
    assert.deepEqual(keys, ['i:127.0.0.1']);
  } finally {
    await own.stop();
  }
  // behind the trusted proxy, the address nginx appended is the one counted
  await attempt('committee', 'Wrong#Pass1', '6.6.6.6, 198.51.100.250');
  assert.equal(sql(srv.db, "SELECT COUNT(*) FROM login_throttle WHERE key = 'i:198.51.100.250';").trim(), '1');
  assert.equal(sql(srv.db, "SELECT COUNT(*) FROM login_throttle WHERE key = 'i:6.6.6.6';").trim(), '0');
});

test('keys counted by a server whose clock is ahead do not delay anyone who is under the limits', async () => {
  // behind nginx, servers' clocks differ by up to a second (the tests' servers start theirs at DJ_NOW,
  // to the second); a key without a delay was stamped with the counting server's now
  const from = addr();
  const ahead = Math.floor(Date.now() / 1000) + 2;
  const keys = [`i:${from}`, 'a:sec-b', `p:sec-b|${from}`];
  sql(srv.db, `DELETE FROM login_throttle WHERE key IN (${keys.map((k) => `'${k}'`).join(', ')});`);
  for (const k of keys) {
    sql(srv.db, `INSERT INTO login_throttle (key, failures, delay, next_at, updated_at) VALUES ('${k}', 1, 0, ${ahead}, ${ahead});`);
  }
  const wrong = await attempt('sec-b', 'Wrong#Pass1', from);
  assert.equal(wrong.status, 401, wrong.text);
  const right = await attempt('sec-b', PASSWORD, from);
  assert.equal(right.status, 200, right.text);
  // a real delay, however it was stamped, still holds
  sql(srv.db, `INSERT INTO login_throttle (key, failures, delay, next_at, updated_at) VALUES ('p:sec-b|${from}', 9, 5, ${ahead + 3}, ${ahead})`
    + ' ON CONFLICT (key) DO UPDATE SET failures = 9, delay = 5, next_at = excluded.next_at;');
  const delayed = await attempt('sec-b', PASSWORD, from);
  assert.equal(delayed.status, 429, delayed.text);
  sql(srv.db, `DELETE FROM login_throttle WHERE key IN (${keys.map((k) => `'${k}'`).join(', ')});`);
});

test('the throttle is kept in the database: a second server on the same database sees it at once', async () => {
  // a second `dangjian serve` on the first one's database, as behind nginx
  const port = await freePort();
  const second = spawn(BIN, ['serve', '--db', srv.db, '--listen', `127.0.0.1:${port}`, '--key-file', srv.keyFile,
    '--trusted-proxy', '127.0.0.1', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv() });
  let err = '';
  second.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => second.on('exit', (code) => resolve(code)));
  try {
    for (let i = 0; ; i++) {
      try { if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) break; } catch { /* not yet */ }
      if (i > 200) throw new Error(`second server did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const from = addr();
    for (let i = 0; i < 5; i++) assert.equal((await attempt('officer', 'Wrong#Pass1', from)).status, 401);
    const other = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ login: 'officer', password: PASSWORD }),
    });
    assert.equal(other.status, 429, 'the other server refuses the sixth attempt too');
    const key = `p:officer|${from}`;
    assert.equal(sql(srv.db, `SELECT failures FROM login_throttle WHERE key = '${key}';`).trim(), '5');
  } finally {
    second.kill('SIGTERM');
    assert.equal(await exited, 0, err.slice(-2000));
  }
});

test('an older password hash is rehashed with argon2id at 19 MiB, 2 passes on the next sign-in', async () => {
  sql(srv.db, `UPDATE users SET password_hash = '${OLD_HASH}' WHERE login = 'leader';`);
  sql(srv.db, "DELETE FROM login_throttle WHERE key LIKE '%leader%';");
  const c = srv.client();
  const r = await c.post('/api/v1/session', { login: 'leader', password: PASSWORD }, { headers: { 'x-forwarded-for': addr() } });
  assert.equal(r.status, 200, r.text);
  const hash = sql(srv.db, "SELECT password_hash FROM users WHERE login = 'leader';").trim();
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const again = await srv.client().post('/api/v1/session', { login: 'leader', password: PASSWORD }, { headers: { 'x-forwarded-for': addr() } });
  assert.equal(again.status, 200);
});

test('passwords: common ones and the login itself are refused', async () => {
  const c = srv.client();
  await c.post('/api/v1/session', { login: 'committee', password: PASSWORD }, { headers: { 'x-forwarded-for': addr() } })
    .then((r) => { c.csrf = r.body.csrf_token; });
  for (const pw of ['Password1', 'Admin@123', 'P@ssw0rd', 'Committee#2026']) {
    const r = await c.post('/api/v1/session/password', { old_password: PASSWORD, new_password: pw });
    assert.equal(r.status, 400, pw);
    assert.equal(r.body.error.field, 'new_password');
  }
  const adm = srv.client();
  await adm.req('POST', '/api/v1/session', { login: 'admin', password: PASSWORD }, { headers: { 'x-forwarded-for': addr() } })
    .then((r) => { adm.csrf = r.body.csrf_token; });
  const r = await adm.post('/api/v1/users', { login: 'wangwu', name: '王五', password: 'Wangwu@2026' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'password');
  assert.match(r.body.error.message, /账号/);
});

/** A sign-in through fetch, with the cookie given (or none); its answer and its Set-Cookie lines. */
async function rawSignIn(login, password, from, cookie) {
  const res = await fetch(`${srv.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ login, password }),
  });
  await res.arrayBuffer();
  return { status: res.status, cookies: setCookies(res.headers) };
}
const deviceOf = (cookies) => cookies.find((c) => c.startsWith('dj_device='));

test('a browser that signed in before gets a device cookie: only its hash is kept, and it is given once', async () => {
  sql(srv.db, "DELETE FROM login_throttle WHERE key LIKE '%officer%';");
  const first = await rawSignIn('officer', PASSWORD, addr());
  assert.equal(first.status, 200);
  const device = deviceOf(first.cookies);
  assert.ok(device, 'a device cookie');
  assert.match(device, /^dj_device=[0-9a-f]{64}; Path=\/api\/v1\/session; Max-Age=15552000; HttpOnly; SameSite=Strict/);
  const token = device.split(';')[0].split('=')[1];
  const rows = sql(srv.db, "SELECT token_hash || '|' || login FROM login_devices WHERE login = 'officer';").trim().split('\n');
  assert.equal(rows.length, 1);
  assert.ok(!rows[0].includes(token), 'the token itself is not stored');
  // signing in again with it: no new token
  const again = await rawSignIn('officer', PASSWORD, addr(), device.split(';')[0]);
  assert.equal(again.status, 200);
  assert.equal(deviceOf(again.cookies), undefined);
  // the token is the officer's: signing in to another account with it is a new device there
  const other = await rawSignIn('leader', PASSWORD, addr(), device.split(';')[0]);
  assert.equal(other.status, 200);
  assert.ok(deviceOf(other.cookies), 'a token of its own for the other account');
  // a wrong password with the token is counted and refused as any other
  const wrong = await rawSignIn('officer', 'Wrong#Pass1', addr(), device.split(';')[0]);
  assert.equal(wrong.status, 401);
  assert.equal(sql(srv.db, "SELECT COUNT(*) FROM login_devices WHERE login = 'officer';").trim(), '1');
  // a client that never keeps its cookie adds a token at each sign-in: the newest 20 are kept
  for (let i = 0; i < 22; i++) assert.equal((await rawSignIn('officer', PASSWORD, addr())).status, 200);
  assert.equal(sql(srv.db, "SELECT COUNT(*) FROM login_devices WHERE login = 'officer';").trim(), '20');
  const oldest = createHash('sha256').update(token).digest('hex');
  assert.equal(sql(srv.db, `SELECT COUNT(*) FROM login_devices WHERE token_hash = '${oldest}';`).trim(), '0', 'the oldest went');
});

test('during a flood of guesses from many addresses, a browser that signed in before goes ahead of them', async () => {
  sql(srv.db, "DELETE FROM login_throttle WHERE key LIKE '%committee%';");
  const first = await rawSignIn('committee', PASSWORD, addr());
  assert.equal(first.status, 200);
  const device = deviceOf(first.cookies).split(';')[0];
  // guesses at unknown logins from fresh addresses, ten every 20 ms, fill the hashing queue
  // (its share for sign-ins is 16 places on a test server)
  const floodStatuses = [];
  const flood = [];
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 10; i++, n++) {
      flood.push(rawSignIn(`nobody-${n}`, 'Wrong#Pass1', `10.77.${n >> 8 & 255}.${n & 255}`)
        .then((r) => floodStatuses.push(r.status)));
    }
  }, 20);
  try {
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) {
      const r = await rawSignIn('committee', PASSWORD, addr(), device);
      assert.equal(r.status, 200, `sign-in ${i + 1} with the device cookie`);
    }
  } finally {
    clearInterval(timer);
    await Promise.all(flood);
  }
  assert.ok(count(floodStatuses, 503) > 0, `the queue was full: ${count(floodStatuses, 503)} of ${n} guesses refused with 503`);
});
