// Times the assessment cycle's heavy requests over HTTP against a running server:
// POST /assessment/periods/:id/compute (every branch's figures) and
// GET /assessment/periods/:id/results (the ranking with every indicator), and
// GET /dashboard.  usage: node http.mjs URL LOGIN PASSWORD PERIOD [N]
const [url, login, password, period, n = '20'] = process.argv.slice(2);
const r = await fetch(`${url}/api/v1/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }),
});
if (r.status !== 200) throw new Error(`sign-in: ${r.status} ${await r.text()}`);
const cookie = /(?:^|, )(dj_session=[^;]*)/.exec(r.headers.get("set-cookie"))[1];
const { csrf_token: csrf } = await r.json();
const h = { cookie, 'x-csrf-token': csrf };

async function time(label, method, path, times) {
  const ms = [];
  let bytes = 0;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const res = await fetch(url + path, { method, headers: h });
    const body = await res.arrayBuffer();
    ms.push(performance.now() - t0);
    bytes = body.byteLength;
    if (res.status !== 200) throw new Error(`${label}: ${res.status} ${Buffer.from(body).toString()}`);
  }
  ms.sort((a, b) => a - b);
  console.log(`  ${label}: median ${ms[ms.length >> 1].toFixed(1)} ms, max ${ms[ms.length - 1].toFixed(1)} ms`
    + ` over ${times} (${(bytes / 1024).toFixed(0)} KiB)`);
}

await time('POST compute', 'POST', `/api/v1/assessment/periods/${period}/compute`, 3);
await time('GET results', 'GET', `/api/v1/assessment/periods/${period}/results`, Number(n));
await time('GET results/:org (with evidence)', 'GET', `/api/v1/assessment/periods/${period}/results/10001`, Number(n));
await time('GET dashboard', 'GET', '/api/v1/dashboard', Number(n));
await time('GET brands', 'GET', '/api/v1/brands', Number(n));
