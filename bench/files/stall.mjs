// N anonymous clients that stall: "body" ones send the headers of a 63 MB roster import
// and 4 KB of it, then nothing (the server refuses them from the headers); "headers" ones
// send half a request line and headers, then nothing (they hold a connection until the
// request time limit). Spread over several source addresses (127.0.0.2…) so the fair share
// per address lets them all in. Prints the server's RSS before, while they stall, and after.
//   node stall.mjs URL SERVER_PID N body|headers
import net from 'node:net';
import { readFileSync } from 'node:fs';

const [url, pid, nArg, mode] = process.argv.slice(2);
const n = Number(nArg || 1000);
const { port } = new URL(url);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const before = rss();
const socks = [];
let answered = 0, closed = 0, connected = 0;
for (let i = 0; i < n; i++) {
  const s = net.connect({ port: Number(port), host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 16)}` });
  s.on('data', (d) => { if (/^HTTP\/1\.1 401/.test(d.toString('latin1'))) answered++; });
  s.on('close', () => { closed++; });
  s.on('error', () => {});
  s.on('connect', () => {
    connected++;
    if (mode === 'body') {
      s.write(`POST /api/v1/people/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: ${63 * 1048576}\r\n\r\n`);
      s.write(Buffer.alloc(4096, 0x61));
    } else {
      s.write('POST /api/v1/people/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nX-Padding: ');
    }
  });
  socks.push(s);
  if (i % 100 === 99) await sleep(20);
}
await sleep(1500);
const during = rss();
console.log(`${n} stalled anonymous uploads (${mode === 'body' ? 'headers sent, 4 KB of a 63 MB body' : 'unfinished headers'}): `
  + `server RSS ${before.toFixed(1)} MB before, ${during.toFixed(1)} MB while they stall `
  + `(+${(during - before).toFixed(1)} MB); ${connected} connected, ${answered} answered 401 at once, `
  + `${closed} closed by the server, ${connected - closed} held open`);
for (const s of socks) s.destroy();
await sleep(500);
