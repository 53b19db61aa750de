// The sign-in flood of issue 12 (item 5): failed sign-ins at RATE a second from ADDRS
// addresses (X-Forwarded-For through a trusted proxy on loopback), and meanwhile a
// legitimate sign-in every 250 ms from an address of its own.  Prints how the flood
// was answered and the latency of the legitimate sign-ins (p50, p99, max).
//   node flood.mjs URL LOGIN PASSWORD [SECONDS] [RATE] [ADDRS]
import http from 'node:http';

const [url, login, password, secs = '30', rate = '400', addrs = '250'] = process.argv.slice(2);
const SECONDS = Number(secs), RATE = Number(rate), ADDRS = Number(addrs);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function signIn(body, xff) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const data = JSON.stringify(body);
    const req = http.request({
      host: target.hostname, port: target.port, path: '/api/v1/session', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'x-forwarded-for': xff },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    req.end(data);
  });
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
    const addr = `10.${(n % ADDRS) >> 8}.${n % ADDRS & 255}.7`;
    pending.push(signIn({ login: `guess-${n % 5000}`, password: `Wrong#${n}x` }, addr)
      .then((r) => flood.set(r.status, (flood.get(r.status) || 0) + 1)));
  }
}, 10);
let nLegit = 0;
const legitTimer = setInterval(() => {
  const n = nLegit++;
  pending.push(signIn({ login, password }, `172.16.${n >> 8 & 255}.${n & 255}`).then((r) => legit.push(r)));
}, 250);
await new Promise((r) => setTimeout(r, SECONDS * 1000));
clearInterval(floodTimer);
clearInterval(legitTimer);
await Promise.all(pending);
agent.destroy();

const ok = legit.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
const q = (p) => (ok.length ? ok[Math.min(ok.length - 1, Math.ceil(p * ok.length) - 1)].toFixed(1) : '-');
console.log(`flood: ${sent} failed sign-ins in ${SECONDS}s (${(sent / SECONDS).toFixed(0)}/s) from ${ADDRS} addresses;`
  + ` answers ${[...flood].sort().map(([s, c]) => `${s}: ${c}`).join(', ')}`);
const others = legit.filter((r) => r.status !== 200).map((r) => r.status).join(', ');
console.log(`legitimate sign-ins: ${ok.length} of ${legit.length} succeeded${others ? ` (others: ${others})` : ''};`
  + ` latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${ok.length ? ok.at(-1).toFixed(1) : '-'} ms`);
process.exit(ok.length === legit.length && legit.length > 0 ? 0 : 1);
