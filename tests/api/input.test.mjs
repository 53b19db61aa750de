// Bad input of every kind gets a clear 4xx with a Chinese message naming the
// field where there is one, and changes nothing. Also: static files, and a
// SIGTERM that lets requests in flight finish.
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, PASSWORD } from '../lib/server.mjs';

let srv, admin, auditor;
test.before(async () => {
  srv = await startServer();
  admin = srv.client(); await admin.login('admin');
  auditor = srv.client(); await auditor.login('auditor');
});
test.after(async () => { await srv.stop(); });

const usersTotal = async () => (await admin.get('/api/v1/users')).body.total;
// the accounts' records (the auditor's own reads are records of another entity)
const auditTotal = async () => {
  const r = await auditor.get('/api/v1/audit?entity=user');
  assert.equal(r.status, 200);
  return r.body.total;
};

/** Sends raw bytes over TCP and returns the status code of the answer. */
function raw(bytes) {
  return new Promise((resolve, reject) => {
    const { port } = new URL(srv.url);
    const s = net.connect(Number(port), '127.0.0.1');
    let data = '';
    s.on('data', (d) => { data += d.toString('latin1'); });
    const status = () => Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0);
    s.on('end', () => resolve(status()));
    // a server that refuses early may reset the connection while we still send: the answer counts
    s.on('error', (e) => (data ? resolve(status()) : reject(e)));
    s.end(bytes);
  });
}

const good = { login: 'zhang', name: '张三', password: 'Temp#Pass2026' };

test('each kind of malformed body gets its 4xx and writes nothing', async () => {
  const beforeUsers = await usersTotal();
  const beforeAudit = await auditTotal();
  const cases = [
    ['malformed JSON', '{"login": "zhang", ', 400, 'invalid_json', null],
    ['not an object', '["zhang"]', 400, 'wrong_type', null],
    ['unknown field', { ...good, colour: 'red' }, 400, 'unknown_field', 'colour'],
    ['wrong type', { ...good, name: 42 }, 400, 'wrong_type', 'name'],
    ['missing field', { login: 'zhang', password: good.password }, 400, 'missing_field', 'name'],
    ['over-long string', { ...good, name: '长'.repeat(51) }, 400, 'too_long', 'name'],
    ['blank string', { ...good, name: '   ' }, 400, 'invalid', 'name'],
    ['duplicate keys', '{"login":"zhang","name":"张三","name":"李四","password":"Temp#Pass2026"}', 400, 'duplicate_key', null],
    ['value outside the closed set', { ...good, role: 'emperor', org_id: 1 }, 400, 'invalid', 'role'],
    ['id that is not positive', { ...good, person_id: -3 }, 400, 'invalid', 'person_id'],
    ['weak password', { ...good, password: 'abc' }, 400, 'invalid', 'password'],
    ['empty body', '', 400, 'invalid_json', null],
  ];
  for (const [what, body, status, code, field] of cases) {
    const r = await admin.post('/api/v1/users', body);
    assert.equal(r.status, status, `${what}: ${r.text}`);
    assert.equal(r.body.error.code === code || (code === 'invalid' && r.body.error.code === 'invalid'), true, `${what}: code ${r.body.error.code}`);
    if (field) assert.equal(r.body.error.field, field, `${what}: field`);
    assert.match(r.body.error.message, /[\u4e00-\u9fff]/, `${what}: Chinese message`);
  }
  const utf8 = await admin.req('POST', '/api/v1/users', Buffer.from('{"login":"zhang","name":"\xff\xfe","password":"Temp#Pass2026"}', 'latin1'),
    { headers: { 'content-type': 'application/json' } });
  assert.equal(utf8.status, 400);
  assert.equal(utf8.body.error.code, 'invalid_utf8');
  const type = await admin.req('POST', '/api/v1/users', 'login=zhang', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(type.status, 415);
  // a body over the 1 MiB cap is refused from its Content-Length, before it is read
  const auth = `Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\n`;
  const big = await raw(`POST /api/v1/users HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n{"login":`);
  assert.equal(big, 413);
  // an anonymous caller is refused before its size matters (the session is checked first)
  const anon = await raw(`POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n{"login":`);
  assert.equal(anon, 401);
  assert.equal(await usersTotal(), beforeUsers, 'no user was created');
  assert.equal(await auditTotal(), beforeAudit, 'no audit record was written');
});

test('oversize request line, oversize headers and a duplicate Content-Length are refused', async () => {
  assert.equal(await raw(`GET /api/v1/health?x=${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 414);
  assert.equal(await raw(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20000)}\r\nConnection: close\r\n\r\n`), 431);
  const body = '{"login":"a","password":"b"}';
  const dup = await raw(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  assert.equal(dup, 400);
  assert.equal(await raw('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 200);
});

test('query parameters are checked and name themselves', async () => {
  const r = await admin.get('/api/v1/users?limit=abc');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'limit');
  const c = await admin.get('/api/v1/users?cursor=-5');
  assert.equal(c.status, 400);
  assert.equal(c.body.error.field, 'cursor');
  const id = await admin.get('/api/v1/users/abc');
  assert.equal(id.status, 404);
});

test('the web app is served with types, gzip, long cache for hashed assets and index.html for app paths', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dj-web-'));
  mkdirSync(path.join(dir, 'assets'));
  const html = '<!doctype html><title>党建</title>';
  writeFileSync(path.join(dir, 'index.html'), html);
  writeFileSync(path.join(dir, 'assets/app-1a2b3c.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'assets/app-1a2b3c.js.gz'), gzipSync('console.log(1)'));
  const own = await startServer({ args: ['--web', dir] });
  try {
    const c = own.client();
    const idx = await c.get('/m/activities/7', { headers: { 'accept-encoding': 'identity' } });
    assert.equal(idx.status, 200);
    assert.match(idx.headers.get('content-type'), /^text\/html/);
    assert.equal(idx.text, html);
    assert.equal(idx.headers.get('cache-control'), 'no-cache');
    const js = await fetch(`${own.url}/assets/app-1a2b3c.js`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-encoding'), 'gzip');
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    assert.match(js.headers.get('cache-control'), /max-age=31536000/);
    assert.equal(await js.text(), 'console.log(1)');
    const missing = await c.get('/assets/nope-123.js');
    assert.equal(missing.status, 404);
    const api = await c.get('/api/v1/nope');
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type'), /json/);
  } finally {
    await own.stop();
  }
});

test('SIGTERM lets a request in flight finish before the server exits', async () => {
  const own = await startServer();
  const { port } = new URL(own.url);
  const body = JSON.stringify({ login: 'admin', password: PASSWORD });
  const sock = net.connect(Number(port), '127.0.0.1');
  let answer = '';
  sock.on('data', (d) => { answer += d.toString('utf8'); });
  const closed = new Promise((resolve) => sock.on('close', resolve));
  // the request's head arrives; its body is still on the way when SIGTERM comes
  sock.write(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
  await new Promise((r) => setTimeout(r, 300));
  const stopped = own.stop();
  await new Promise((r) => setTimeout(r, 200));
  sock.write(body); // not end(): a half-closed socket reads as a client that went away
  await closed;
  assert.match(answer, /^HTTP\/1\.1 200/);
  assert.match(answer, /"csrf_token"/);
  await stopped;
});

test('a client that goes away during a sign-in leaves nothing behind (checked by the sanitizers at stop)', async () => {
  const { port } = new URL(srv.url);
  const body = JSON.stringify({ login: 'admin', password: PASSWORD });
  for (let i = 0; i < 5; i++) {
    const s = net.connect(Number(port), '127.0.0.1');
    s.on('error', () => {});
    s.end(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    setTimeout(() => s.destroy(), 5 * i);
  }
  await new Promise((r) => setTimeout(r, 600));
  assert.equal((await srv.client().get('/api/v1/health')).status, 200);
});
