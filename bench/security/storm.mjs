// A sign-in storm (issue 13): CLIENTS people signing in at once with the right password, as a
// meeting's crowd does when the secretary says "open the app": each client signs in as an
// account of its own (LOGIN_PREFIX001 …), from an address of its own, through the app's rule
// (a 503 "busy" is sent again after its Retry-After, web/src/session.js), and at once signs in
// again, for SECONDS.  Prints the sign-ins that succeeded a second and their latency from the
// first attempt to the last answer (p50, p99, max).
//   node storm.mjs URL LOGIN_PREFIX PASSWORD [CLIENTS] [SECONDS]
import http from 'node:http';

const [url, prefix, password, clients = '100', secs = '20'] = process.argv.slice(2);
const CLIENTS = Number(clients), SECONDS = Number(secs);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 16 });

function signIn(body, xff) {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request({
      host: target.hostname, port: target.port, path: '/api/v1/session', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'x-forwarded-for': xff },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] || 0) }));
    });
    req.on('error', () => resolve({ status: 0 }));
    req.end(data);
  });
}

const done = [];
const answers = new Map();
let retried = 0;
const t0 = performance.now();
const until = t0 + SECONDS * 1000;
async function client(i) {
  const login = `${prefix}${String(i + 1).padStart(3, '0')}`;
  for (let n = 0; performance.now() < until; n++) {
    const start = performance.now();
    const xff = `100.${64 + (i >> 8)}.${i & 255}.${1 + (n % 250)}`;
    let r;
    for (let tries = 0; ; tries++) {
      r = await signIn({ login, password }, xff);
      answers.set(r.status, (answers.get(r.status) || 0) + 1);
      if (r.status !== 503 || tries === 3) break;
      retried++;
      await new Promise((res) => setTimeout(res, Math.min(r.retryAfter || 1, 10) * 1000));
    }
    if (r.status === 201 || r.status === 200) done.push({ ms: performance.now() - start, at: performance.now() });
    else await new Promise((res) => setTimeout(res, 500)); /* refused: a person tries again a little later */
  }
}
await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
agent.destroy();
const inTime = done.filter((d) => d.at <= until);
const ms = done.map((d) => d.ms).sort((a, b) => a - b);
const q = (p) => (ms.length ? ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)].toFixed(0) : '-');
console.log(`storm: ${CLIENTS} clients signing in for ${SECONDS}s: ${inTime.length} sign-ins succeeded`
  + ` (${(inTime.length / SECONDS).toFixed(1)}/s); latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${ms.length ? ms.at(-1).toFixed(0) : '-'} ms;`
  + ` answers ${[...answers].sort().map(([st, c]) => `${st}: ${c}`).join(', ')}; ${retried} sent again after a 503`);
