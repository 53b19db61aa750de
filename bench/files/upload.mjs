// N concurrent uploads of one JPEG (each made distinct by 16 bytes after its end-of-image
// marker, so every one is written, none deduplicated) to an activity; prints p50/p90/p99
// and checks every answer. Bodies are streamed from one buffer: the client holds 3 MB, not 600.
//   node upload.mjs URL COOKIE CSRF ACTIVITY_ID JPEG N
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const [url, cookie, csrf, activity, jpegPath, nArg] = process.argv.slice(2);
const n = Number(nArg || 200);
const jpeg = readFileSync(jpegPath);
const { hostname, port } = new URL(url);
const agent = new http.Agent({ keepAlive: false, maxSockets: n });

function one(i) {
  return new Promise((resolve, reject) => {
    const suffix = randomBytes(16);
    const t0 = process.hrtime.bigint();
    const req = http.request({
      hostname, port, agent, method: 'POST',
      path: `/api/v1/files?subject=activity&record=${activity}&kind=photo&name=${encodeURIComponent(`现场照片-${i}.jpg`)}`,
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'image/jpeg', 'content-length': jpeg.length + suffix.length },
    }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, body }));
    });
    req.on('error', reject);
    // in pieces, as a phone's upload arrives
    for (let off = 0; off < jpeg.length; off += 65536) req.write(jpeg.subarray(off, off + 65536));
    req.end(suffix);
  });
}

const t0 = Date.now();
const results = await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
const wall = (Date.now() - t0) / 1000;
const bad = results.filter((r) => r.status !== 201);
const ms = results.map((r) => r.ms).sort((a, b) => a - b);
const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(0);
console.log(`${n} concurrent uploads of ${(jpeg.length / 1048576).toFixed(2)} MB: ${n - bad.length} stored (201), `
  + `${bad.length} failed; wall ${wall.toFixed(1)} s (${((n * jpeg.length) / 1048576 / wall).toFixed(0)} MB/s); `
  + `p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms`);
if (bad.length) console.log('first failure:', bad[0].status, bad[0].body.slice(0, 300));
process.exit(bad.length ? 1 : 0);
