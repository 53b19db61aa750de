// Prepares the check-in benchmark: a fresh database with N members (people,
// accounts and open sessions written by SQL for speed), a server, and one
// noticed activity of the branch they belong to. Prints the activity id,
// writes the sessions for wrk to bench/life/out/sessions.txt ("cookie csrf"
// per line) and leaves the server running (its pid in out/server.pid).
//   node bench/life/setup.mjs [N=5000] [PORT=18080]
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, writeFileSync, rmSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.DJ_BIN || path.join(ROOT, 'build/dangjian');
const OUT = path.join(ROOT, 'bench/life/out');
const N = Number(process.argv[2] || 5000);
const PORT = Number(process.argv[3] || 18080);
const PASSWORD = 'Dangjian#2026';
const DB = path.join(OUT, 'bench.db');

mkdirSync(OUT, { recursive: true });
for (const f of ['bench.db', 'bench.db-wal', 'bench.db-shm']) rmSync(path.join(OUT, f), { force: true });
execFileSync(BIN, ['init', '--db', DB, '--admin-password', PASSWORD], { stdio: 'ignore' });

const now = Math.floor(Date.now() / 1000);
const lines = ['PRAGMA busy_timeout=5000;', 'BEGIN;',
  "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES (2, 1, 'branch', '压测党支部', '/1/2/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"];
const sessions = [];
for (let i = 0; i < N; i++) {
  const id = 100 + i;
  const token = crypto.randomBytes(32).toString('hex');
  const csrf = crypto.randomBytes(32).toString('hex');
  const hash = crypto.createHash('sha256').update(token).digest('hex');
  lines.push(`INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES (${id}, '党员${id}', 2, 'full', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');`);
  lines.push(`INSERT INTO users (id, login, name, password_hash, person_id, created_at) VALUES (${id}, 'm${id}', '党员${id}', 'x', ${id}, '2026-01-01T00:00:00Z');`);
  lines.push(`INSERT INTO grants (user_id, role, org_id) VALUES (${id}, 'member', 2);`);
  lines.push(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, idle_seconds) VALUES ('${hash}', ${id}, '${csrf}', ${now}, ${now}, 86400);`);
  sessions.push(`dj_session=${token} ${csrf}`);
}
lines.push('COMMIT;');
execFileSync('sqlite3', ['-bail', DB], { input: lines.join('\n') });
writeFileSync(path.join(OUT, 'sessions.txt'), sessions.join('\n') + '\n');

const log = openSync(path.join(OUT, 'server.log'), 'w');
const srv = spawn(BIN, ['serve', '--db', DB, '--listen', `127.0.0.1:${PORT}`, '--quiet'],
  { stdio: ['ignore', log, log], detached: true });
writeFileSync(path.join(OUT, 'server.pid'), String(srv.pid));
srv.unref();
const url = `http://127.0.0.1:${PORT}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${url}/api/v1/health`)).ok) break; } catch { /* not yet */ }
  if (i > 100) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 50));
}

// the secretary's side, through the API
let cookie = '';
const call = async (method, p, body, csrf) => {
  const r = await fetch(url + p, {
    method, body: body && JSON.stringify(body),
    headers: { 'content-type': 'application/json', cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
  });
  const set = r.headers.get('set-cookie');
  const session = set && /(?:^|, )(dj_session=[^;]*)/.exec(set);
  if (session) cookie = session[1];
  return r.json();
};
const s = await call('POST', '/api/v1/session', { login: 'admin', password: PASSWORD });
const t = Date.now();
const a = await call('POST', '/api/v1/activities', {
  org_id: 2, kind: 'branch_assembly', title: '压测：支部党员大会', place: '礼堂',
  starts_at: new Date(t - 60000).toISOString(), ends_at: new Date(t + 3600000).toISOString(),
}, s.csrf_token);
if (a.expected_count !== N) throw new Error(`expected ${N} people, got ${JSON.stringify(a)}`);
await call('POST', `/api/v1/activities/${a.id}/notice`, undefined, s.csrf_token);
writeFileSync(path.join(OUT, 'admin.txt'), `${cookie}\n`);
console.log(a.id);
