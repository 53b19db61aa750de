// Roster search latency: signs in and sends COUNT searches by a name fragment
// (and a few with an org or status filter) with CONC in flight; prints p50/p90/p99.
//   node bench/people/search.mjs URL [COUNT] [CONC]
const [url, countArg, concArg] = process.argv.slice(2);
const COUNT = Number(countArg || 2000);
const CONC = Number(concArg || 4);
const login = await fetch(`${url}/api/v1/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ login: 'admin', password: process.env.PW || 'Dangjian#2026' }),
});
if (!login.ok) throw new Error(`login ${login.status}`);
const cookie = /dj_session=[^;]*/.exec(login.headers.get('set-cookie'))[0];
const frag = '王李张刘陈杨黄赵吴周伟强磊芳娜敏静丽'.split('');
let seed = 7;
const rnd = (n) => { seed = (seed * 1664525 + 1013904223) >>> 0; return (seed >>> 8) % n; };
const queries = [];
for (let i = 0; i < COUNT; i++) {
  const q = frag[rnd(frag.length)] + (rnd(2) ? frag[rnd(frag.length)] : '');
  let p = `/api/v1/people?q=${encodeURIComponent(q)}&limit=50`;
  if (i % 5 === 1) p += `&org=${100000 + rnd(2000)}`;
  if (i % 5 === 2) p += '&status=probationary';
  if (i % 5 === 3) p += '&sort=name';
  queries.push(p);
}
const times = [];
let next = 0;
async function worker() {
  while (next < queries.length) {
    const p = queries[next++];
    const t0 = process.hrtime.bigint();
    const r = await fetch(url + p, { headers: { cookie } });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const t0 = Date.now();
await Promise.all(Array.from({ length: CONC }, worker));
const secs = (Date.now() - t0) / 1000;
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(1);
console.log(`searches: ${times.length} in ${secs.toFixed(1)} s (${(times.length / secs).toFixed(0)}/s), concurrency ${CONC}`);
console.log(`latency ms: p50 ${pct(0.5)}  p90 ${pct(0.9)}  p99 ${pct(0.99)}  max ${times[times.length - 1].toFixed(1)}`);
