// The sign-in flood of issue 12 (item 5): failed sign-ins at RATE a second from ADDRS
// addresses (X-Forwarded-For through a trusted proxy on loopback), and meanwhile a
// legitimate sign-in every 250 ms from an address of its own.  Prints how the flood
// was answered and the latency of the legitimate sign-ins (p50, p99, max).
//   node flood.mjs URL LOGIN PASSWORD [SECONDS] [RATE] [ADDRS]
import http from 'node:http';

const [url, login, password, secs = '30', rate = '400', addrs = '250', net = '10'] = process.argv.slice(2);
const SECONDS = Number(secs), RATE = Number(rate), ADDRS = Number(addrs);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function signIn(body, xff, cookie) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const data = JSON.stringify(body);
    const req = http.request({
      host: target.hostname, port: target.port, path: '/api/v1/session', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'x-forwarded-for': xff,
        ...(cookie ? { cookie } : {}) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] || 0),
        device: (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('dj_device=')),
        ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    req.end(data);
  });
}

// A person signing in through the app (web/src/session.js): a 503 "busy" is sent again after
// its Retry-After, up to 3 times; the latency is from the first attempt to the last answer.
async function signInAsTheApp(body, xff, cookie) {
  const t0 = process.hrtime.bigint();
  let r;
  let tries = 0;
  for (;;) {
    r = await signIn(body, xff, cookie);
    if (r.status !== 503 || tries === 3) break;
    tries++;
    await new Promise((res) => setTimeout(res, Math.min(r.retryAfter || 1, 10) * 1000));
  }
  return { ...r, tries, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

const flood = new Map();
const legit = [];
const pending = [];
let sent = 0;
const started = Date.now();
const floodTimer = setInterval(() => {
  // RATE a second in 10 ms ticks
  const due = Math.floor(((Date.now() - started) / 1000) * RATE) - sent;
  for (let i = 0; i < due; i++) {
    const n = sent++;
    const addr = `${net}.${(n % ADDRS) >> 8}.${n % ADDRS & 255}.7`;
    pending.push(signIn({ login: `guess${net}-${n % 5000}`, password: `Wrong#${n}x` }, addr)
      .then((r) => flood.set(r.status, (flood.get(r.status) || 0) + 1)));
  }
}, 10);
// The legitimate sign-ins take turns: a phone that signed in to the account before (it brings
// the device cookie that sign-in gave it) and a phone that never did (no cookie).
const first = await signInAsTheApp({ login, password }, '172.31.0.1');
if (!first.device) throw new Error(`no device cookie from a sign-in as ${login}: ${first.status}`);
let nLegit = 0;
const legitTimer = setInterval(() => {
  const n = nLegit++;
  const known = n % 2 === 0;
  pending.push(signInAsTheApp({ login, password }, `172.16.${n >> 8 & 255}.${n & 255}`, known ? first.device : null)
    .then((r) => legit.push({ ...r, known })));
}, 250);
await new Promise((r) => setTimeout(r, SECONDS * 1000));
clearInterval(floodTimer);
clearInterval(legitTimer);
await Promise.all(pending);
agent.destroy();

console.log(`flood: ${sent} failed sign-ins in ${SECONDS}s (${(sent / SECONDS).toFixed(0)}/s) from ${ADDRS} addresses;`
  + ` answers ${[...flood].sort().map(([st, c]) => `${st}: ${c}`).join(', ')}`);
let allOk = legit.length > 0;
for (const [known, who] of [[true, 'from a phone that signed in before'], [false, 'from a phone new to the account']]) {
  const mine = legit.filter((r) => r.known === known);
  const ok = mine.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
  const q = (p) => (ok.length ? ok[Math.min(ok.length - 1, Math.ceil(p * ok.length) - 1)].toFixed(1) : '-');
  const others = mine.filter((r) => r.status !== 200).map((r) => r.status).join(', ');
  const retried = mine.filter((r) => r.tries > 0).map((r) => `${r.tries}× then ${r.status} in ${r.ms.toFixed(0)} ms`);
  console.log(`legitimate sign-ins ${who}: ${ok.length} of ${mine.length} succeeded${others ? ` (others: ${others})` : ''};`
    + ` latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${ok.length ? ok.at(-1).toFixed(1) : '-'} ms`
    + `; sent again after a 503 as the app does: ${retried.length ? retried.join(', ') : 'none'}`);
  allOk &&= ok.length === mine.length;
}
{
  const all = legit.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
  const q = (p) => (all.length ? all[Math.min(all.length - 1, Math.ceil(p * all.length) - 1)].toFixed(1) : '-');
  const slow = legit.filter((r) => r.status !== 200 || r.ms >= 1000).length;
  console.log(`legitimate sign-ins, all: ${all.length} of ${legit.length} succeeded; p50 ${q(0.5)} ms, p99 ${q(0.99)} ms;`
    + ` ${slow} (${((slow / Math.max(1, legit.length)) * 100).toFixed(1)} %) failed or took 1 s or more`);
}
process.exit(allOk ? 0 : 1);
