// Reads at a steady rate during the flood, as a building's phones make them: GET PATH
// with a member's session, RATE a second for SECONDS, each request sent on its schedule
// whether or not the earlier ones have answered (open loop: a slow answer delays no
// later request, so the latency is the one a person waits, measured from the moment the
// request was due).  Prints how many answered 200 and their p50/p99/max.
//   node reads.mjs URL PATH COOKIE [SECONDS] [RATE]
import http from 'node:http';

const [url, path, cookie, secs = '28', rate = '200'] = process.argv.slice(2);
const SECONDS = Number(secs), RATE = Number(rate);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(due) {
  return new Promise((resolve) => {
    const req = http.request({ host: target.hostname, port: target.port, path, method: 'GET', agent,
      headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - due }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - due }));
    req.end();
  });
}

const results = [];
const pending = [];
const t0 = performance.now();
let sent = 0;
await new Promise((done) => {
  const tick = () => {
    const now = performance.now();
    if (now - t0 >= SECONDS * 1000) return done();
    // every request whose time has come (request n is due at t0 + n/RATE)
    for (; sent <= ((now - t0) / 1000) * RATE; sent++) {
      const due = t0 + (sent / RATE) * 1000;
      pending.push(get(due).then((r) => results.push(r)));
    }
    // wake for the next one's time (node's timers have 1 ms steps)
    setTimeout(tick, Math.max(0, Math.floor(t0 + (sent / RATE) * 1000 - performance.now())));
  };
  tick();
});
await Promise.all(pending);
agent.destroy();
const ok = results.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
const q = (p) => (ok.length ? ok[Math.min(ok.length - 1, Math.ceil(p * ok.length) - 1)].toFixed(1) : '-');
console.log(`reads at ${RATE}/s during the flood (GET ${path}, open loop): ${ok.length} of ${results.length} answered 200;`
  + ` p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${ok.length ? ok.at(-1).toFixed(1) : '-'} ms`);
