// Test harness: starts a real `dangjian serve` on a free port with a fresh database,
// and a small HTTP client that keeps the session cookie and the CSRF token.
// Used by the API tests (tests/api) and the browser tests (tests/browser).
import { childEnv } from './clock.mjs';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.DJ_BIN || path.join(ROOT, 'build/dangjian');
export const PASSWORD = 'Dangjian#2026';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs a `dangjian` subcommand synchronously; returns its stdout. */
export function dj(args, opts = {}) {
  return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(), ...opts });
}

/**
 * Starts a server with a fresh database. `demo: true` loads the demo agency
 * (every demo account gets PASSWORD). Call `stop()` at the end: it sends SIGTERM
 * and rejects if the server did not exit cleanly (sanitizer reports included).
 */
let pgDatabases = 0;

/** A fresh database: a SQLite file, or a new PostgreSQL database when DJ_PG
 *  ("HOST-OR-SOCKET-DIR:PORT", set by tests/run) asks for PostgreSQL. */
function freshDatabase(dir) {
  if (!process.env.DJ_PG) return path.join(dir, 'test.db');
  const [host, port] = process.env.DJ_PG.split(':');
  const name = `dj_${process.pid}_${++pgDatabases}`;
  execFileSync('createdb', ['-h', host, '-p', port, '-U', 'dj', name]);
  return `postgresql://dj@/${name}?host=${encodeURIComponent(host)}&port=${port}`;
}

export async function startServer({ demo = false, args = [], env = {}, bin = BIN, db: existing, keyFile: sealKey } = {}) {
  // `db`: serve a database another server of the test already uses (to see it on another day), with its `keyFile`
  const dir = mkdtempSync(path.join(tmpdir(), 'dj-test-'));
  const db = existing || freshDatabase(dir);
  // the key that seals the audit trail and the ledger, outside the database (either engine);
  // a server of an existing database takes the key of the server that made it
  const keyFile = existing ? sealKey : path.join(dir, 'seal.key');
  if (!existing) dj(['init', '--db', db, '--admin-password', PASSWORD, '--key-file', keyFile]);
  if (demo && !existing) dj(['demo', '--db', db, '--password', PASSWORD]);
  const nodes = Number(process.env.DJ_CLUSTER || 0);
  if (nodes > 1 && bin === BIN && process.env.DJ_PG) {
    // the same tests through nginx in front of several servers on one PostgreSQL
    const { startClusterOn } = await import('./cluster.mjs');
    return startClusterOn({ n: nodes, db, dir, keyFile, args, env });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
    '--web', path.join(ROOT, 'web/dist'), ...(keyFile ? ['--key-file', keyFile] : []), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv(env) });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (i > 200 || proc.exitCode !== null) throw new Error(`server did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, db, dir, proc, keyFile,
    get stderr() { return stderr; },
    client: () => new Client(url),
    async stop() {
      proc.kill('SIGTERM');
      const { code, signal } = await exited;
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`server exited with ${code ?? signal}:\n${stderr.slice(-4000)}`);
    },
  };
}

/**
 * The Set-Cookie lines of an answer's headers (fetch joins them with ", "; Node 18's
 * Headers may lack getSetCookie).  The server's cookies carry no Expires, so a comma
 * followed by a cookie's name starts the next one.
 */
export function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[A-Za-z_][A-Za-z0-9_]*=)/) : [];
}

/** A signed-in (or anonymous) API client with a cookie jar of one cookie (the session's). */
export class Client {
  constructor(url) { this.url = url; this.cookie = ''; this.csrf = ''; this.user = null; }

  async login(login, password = PASSWORD) {
    const r = await this.req('POST', '/api/v1/session', { login, password });
    if (r.status !== 200) throw new Error(`login ${login}: ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrf_token;
    this.user = r.body.user;
    this.grants = r.body.grants;
    return r.body;
  }

  /**
   * Sends a request. `body` may be an object (sent as JSON), a string or a Buffer
   * (sent as is). Returns {status, headers, body, text}; body is parsed JSON when it is JSON.
   */
  async req(method, p, body, { headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (csrf && this.csrf && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) { payload = body; h['content-type'] ??= 'application/json'; }
      else { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
    }
    const r = await fetch(this.url + p, { method, headers: h, body: payload, redirect: 'manual' });
    const session = setCookies(r.headers).find((c) => c.startsWith('dj_session='));
    if (session) {
      const v = session.split(';')[0];
      this.cookie = v.endsWith('=') ? '' : v;
    }
    const buf = Buffer.from(await r.arrayBuffer());
    const text = buf.toString('utf8');
    let parsed = text;
    if ((r.headers.get('content-type') || '').includes('json') && text) parsed = JSON.parse(text);
    return { status: r.status, headers: r.headers, body: parsed, text, raw: buf };
  }

  get(p, o) { return this.req('GET', p, undefined, o); }
  post(p, b, o) { return this.req('POST', p, b, o); }
  patch(p, b, o) { return this.req('PATCH', p, b, o); }
  put(p, b, o) { return this.req('PUT', p, b, o); }
  del(p, o) { return this.req('DELETE', p, undefined, o); }
}
