// Durability check for group commit: members check in at full speed, the server
// is killed with SIGKILL in the middle, and afterwards every member who was
// answered "签到成功" (201) must be in the database — an answer is only sent
// after its batch's COMMIT has returned (synchronous=FULL).
//   node bench/life/crash.mjs [N=5000] [PORT=18084] [KILL_AFTER_MS=300]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.argv[2] || 5000);
const PORT = Number(process.argv[3] || 18084);
const KILL_AFTER = Number(process.argv[4] || 300);
const OUT = path.join(ROOT, 'bench/life/out');

const id = execFileSync('node', [path.join(ROOT, 'bench/life/setup.mjs'), String(N), String(PORT)], { encoding: 'utf8' }).trim();
const pid = Number(readFileSync(path.join(OUT, 'server.pid'), 'utf8'));
const cookie = readFileSync(path.join(OUT, 'admin.txt'), 'utf8').trim();
const qr = await (await fetch(`http://127.0.0.1:${PORT}/api/v1/activities/${id}/qr`, { headers: { cookie } })).json();
const sessions = readFileSync(path.join(OUT, 'sessions.txt'), 'utf8').trim().split('\n').map((l, i) => {
  const [c, csrf] = l.split(' ');
  return { cookie: c, csrf, person: 100 + i };
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const body = JSON.stringify({ token: qr.token });
function checkin(s) {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port: PORT, method: 'POST', path: `/api/v1/activities/${id}/checkin`, agent,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json', 'content-length': body.length },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const answered = [];
let failed = 0;
let next = 0;
setTimeout(() => process.kill(pid, 'SIGKILL'), KILL_AFTER);
await Promise.all(Array.from({ length: 64 }, async () => {
  while (next < sessions.length) {
    const s = sessions[next++];
    const st = await checkin(s);
    if (st === 201) answered.push(s.person); else failed++;
  }
}));
agent.destroy();

const rows = new Set(execFileSync('sqlite3', [path.join(OUT, 'bench.db'),
  `SELECT person_id FROM attendance WHERE activity_id = ${id}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number));
const lost = answered.filter((p) => !rows.has(p));
console.log(`killed after ${KILL_AFTER} ms: ${answered.length} answered 签到成功, ${failed} not answered (connection lost), `
  + `${rows.size} rows on disk, ${lost.length} answered but lost`);
process.exit(lost.length ? 1 : 0);
