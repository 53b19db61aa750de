// bench/study/load.mjs URL PID MEMBERS DURATION RATE ATTEMPTS: the two loads of bench/study/run.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import http from 'node:http';

const token = (id) => createHash('sha256').update(`tok-${id}`).digest('hex');
const MAX_INFLIGHT = 256;

const [, , url, pid, membersArg, durationArg, rateArg, attemptsArg] = process.argv;
const members = Number(membersArg);
const duration = Number(durationArg);
const rate = Number(rateArg);
const attempts = Number(attemptsArg);

const ticks = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const HZ = 100;
const pct = (a, p) => a[Math.min(a.length - 1, Math.floor((a.length * p) / 100))];

// node:http with kept-alive connections: fetch (undici) spends several times the CPU per
// request, and on this machine the client shares the two cores with the server.
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_INFLIGHT });
function post(path, id, body) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const data = JSON.stringify(body);
    const req = http.request({
      host: target.hostname, port: target.port, path, method: 'POST', agent,
      headers: { cookie: `dj_session=${token(id)}`, 'x-csrf-token': `csrf-${id}`, 'content-type': 'application/json',
        'content-length': Buffer.byteLength(data) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

// 1. heartbeats: every member beats every 15 s, phases spread over the interval (DURATION 0: none)
if (duration > 0) {
  const lat = [];
  let bad = 0;
  const seq = new Map();
  const c0 = ticks();
  const t0 = Date.now();
  const end = t0 + duration * 1000;
  const inflight = new Set();
  let next = 0;
  const perMs = members / 15000;
  while (Date.now() < end) {
    const due = Math.floor((Date.now() - t0) * perMs);
    while (next < due && inflight.size < MAX_INFLIGHT) {
      const id = 1001 + (next % members);
      next++;
      const s = (seq.get(id) || 0) + 1;
      seq.set(id, s);
      const p = post('/api/v1/study/materials/1/beats', id, { session: `bench-session-${id}`, seq: s, visible: true, active: true })
        .then((r) => { lat.push(r.ms); if (r.status !== 200) bad++; })
        .catch(() => { bad++; })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await new Promise((res) => setTimeout(res, 5));
  }
  await Promise.all(inflight);
  const secs = (Date.now() - t0) / 1000;
  const cpu = (ticks() - c0) / HZ / secs;
  lat.sort((a, b) => a - b);
  console.log(`1. heartbeats: ${lat.length} in ${secs.toFixed(1)} s (${(lat.length / secs).toFixed(0)}/s) from ${members} members,`
    + ` ${bad} failed; server CPU ${(cpu * 100).toFixed(1)}% of one core; p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`);
}

// 2. quiz answers at RATE a second
if (attempts > 0) {
  const lat = [];
  let bad = 0;
  const c0 = ticks();
  const t0 = Date.now();
  const inflight = new Set();
  let next = 0;
  while (next < attempts) {
    const due = Math.min(attempts, Math.floor(((Date.now() - t0) * rate) / 1000));
    while (next < due && inflight.size < MAX_INFLIGHT) {
      const a = ++next;
      const person = 1000 + 1 + ((a - 1) % members);
      const answers = {};
      for (let q = 1; q <= 10; q++) answers[q] = 'ABCD'[(q + a) % 4];
      const p = post(`/api/v1/study/attempts/${a}/submit`, person, { answers })
        .then((r) => { lat.push(r.ms); if (r.status !== 200) bad++; })
        .catch(() => { bad++; })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await new Promise((res) => setTimeout(res, 2));
  }
  await Promise.all(inflight);
  const secs = (Date.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const cpu = (ticks() - c0) / HZ / secs;
  agent.destroy();
  console.log(`2. quiz answers: ${lat.length} in ${secs.toFixed(1)} s (${(lat.length / secs).toFixed(0)}/s offered ${rate}/s), ${bad} failed;`
    + ` server CPU ${(cpu * 100).toFixed(1)}% of one core; p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms`);
}
