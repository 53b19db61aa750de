// Memory before authentication (issue 12, item 4): the session and the route's permission
// are checked from the headers before a byte of the body is read, so stalled anonymous
// uploads hold almost nothing; a large signed-in body is spooled to a file, not the heap;
// a client sending one byte at a time cannot keep a connection past the request time
// limit; one address cannot take the connection slots a fresh client of another needs.
// Memory is measured on the release build when there is one (AddressSanitizer keeps freed
// memory in quarantine, so its RSS says little).
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { BIN, startServer } from '../lib/server.mjs';
import { seedAgency } from '../lib/fixtures.mjs';

const REL = process.env.DJ_REL_BIN || BIN;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

/** A connection that records what it receives and when it is closed. */
function open(url, { local } = {}) {
  const { port } = new URL(url);
  const s = net.connect({ port: Number(port), host: '127.0.0.1', localAddress: local });
  const c = { s, data: '', closed: false, closedAt: 0 };
  s.on('data', (d) => { c.data += d.toString('latin1'); });
  const done = () => { if (!c.closed) { c.closed = true; c.closedAt = Date.now(); } };
  s.on('close', done);
  s.on('error', done);
  c.status = () => Number(/^HTTP\/1\.1 (\d+)/.exec(c.data)?.[1] ?? 0);
  c.ready = new Promise((r) => { s.on('connect', r); s.on('error', r); });
  return c;
}

test('stalled uploads: anonymous ones are refused from the headers, signed-in ones are spooled', async () => {
  const srv = await startServer({ bin: REL });
  try {
    seedAgency(srv.db);
    const committee = srv.client();
    await committee.login('committee');
    await sleep(200);
    const base = rssKb(srv.proc.pid);
    const big = 63 * 1024 * 1024;
    const head = (auth = '') => `POST /api/v1/people/import HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: text/csv\r\nContent-Length: ${big}\r\n\r\n`;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const anon = [];
    for (let i = 0; i < 16; i++) {
      const c = open(srv.url);
      c.s.write(head());
      c.s.write(chunk.subarray(0, 4096)); // a little of the body, then nothing
      anon.push(c);
    }
    // and 16 that keep pushing: the server closes with their bytes unread (the kernel may
    // then reset the connection before the client reads the 401)
    for (let i = 0; i < 16; i++) {
      const c = open(srv.url);
      c.s.write(head());
      c.s.write(chunk);
      anon.push(c);
    }
    await sleep(800);
    for (const [i, c] of anon.entries()) {
      if (i < 16) assert.equal(c.status(), 401, 'refused before the body');
      else assert.ok([0, 401].includes(c.status()));
      assert.ok(c.closed, 'and the connection is closed, the body unread');
    }
    const afterAnon = rssKb(srv.proc.pid);
    assert.ok(afterAnon - base < 8 * 1024, `32 stalled anonymous uploads hold ${afterAnon - base} KB`);

    // a member without the permission is refused the same way
    const member = srv.client();
    await member.login('member-a');
    const m = open(srv.url);
    m.s.write(head(`Cookie: ${member.cookie}\r\nX-CSRF-Token: ${member.csrf}\r\n`));
    m.s.write(chunk.subarray(0, 4096));
    await sleep(300);
    assert.equal(m.status(), 403);

    // the committee may import: 4 uploads of 63 MB, 16 MB sent each, then stalled
    const auth = `Cookie: ${committee.cookie}\r\nX-CSRF-Token: ${committee.csrf}\r\n`;
    const held = [];
    for (let i = 0; i < 4; i++) {
      const c = open(srv.url);
      c.s.write(head(auth));
      for (let k = 0; k < 16; k++) c.s.write(chunk);
      held.push(c);
    }
    await sleep(1500);
    for (const c of held) assert.equal(c.closed, false, 'a signed-in upload within its time goes on');
    const afterHeld = rssKb(srv.proc.pid);
    assert.ok(afterHeld - afterAnon < 24 * 1024, `64 MB of stalled signed-in bodies hold ${afterHeld - afterAnon} KB`);
    for (const c of held) c.s.destroy();
    m.s.destroy();
  } finally {
    await srv.stop();
  }
});

test('a request must arrive within the time limit, however slowly its bytes trickle', async () => {
  const srv = await startServer({ args: ['--request-timeout', '2', '--idle-timeout', '2'] });
  try {
    // the body: one byte every 400 ms of a 200-byte sign-in
    const slowBody = open(srv.url);
    await slowBody.ready;
    const t0 = Date.now();
    slowBody.s.write('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n');
    // the headers: one byte every 400 ms, never finished
    const slowHead = open(srv.url);
    await slowHead.ready;
    slowHead.s.write('POST /api/v1/session HTTP/1.1\r\nX-Slow: ');
    const drip = setInterval(() => {
      if (!slowBody.closed) slowBody.s.write('{');
      if (!slowHead.closed) slowHead.s.write('a');
    }, 400);
    for (let i = 0; i < 80 && !(slowBody.closed && slowHead.closed); i++) await sleep(100);
    clearInterval(drip);
    assert.ok(slowBody.closed, 'a trickling body is cut off');
    assert.ok(slowBody.closedAt - t0 < 4000 && slowBody.closedAt - t0 >= 1500, `after ${slowBody.closedAt - t0} ms`);
    assert.ok(slowHead.closed, 'trickling headers are cut off');
    assert.ok(slowHead.closedAt - t0 < 6500, `after ${slowHead.closedAt - t0} ms`);
    // an ordinary client is not affected, and a kept-alive connection may idle between requests
    const r = await fetch(`${srv.url}/api/v1/health`);
    assert.equal(r.status, 200);
  } finally {
    await srv.stop();
  }
});

test('one address cannot take the slots a fresh client of another address needs', async () => {
  const srv = await startServer({ args: ['--max-conns', '64', '--conns-floor', '8'] });
  try {
    const greedy = [];
    for (let i = 0; i < 40; i++) greedy.push(open(srv.url, { local: '127.0.0.2' }));
    await Promise.all(greedy.map((c) => c.ready));
    await sleep(500);
    const kept = greedy.filter((c) => !c.closed).length;
    assert.ok(kept >= 8 && kept <= 16, `the greedy address keeps ${kept} of 40 connections`);
    // a fresh client of another address is served
    const fresh = open(srv.url, { local: '127.0.0.3' });
    await fresh.ready;
    fresh.s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    for (let i = 0; i < 30 && !fresh.closed; i++) await sleep(100);
    assert.equal(fresh.status(), 200);
    // and the greedy one's next connection is refused at once
    const more = open(srv.url, { local: '127.0.0.2' });
    await more.ready;
    more.s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; i < 20 && !more.closed; i++) await sleep(100);
    assert.ok(more.closed && more.status() === 0, 'refused without an answer');
    for (const c of greedy) c.s.destroy();
  } finally {
    await srv.stop();
  }
});
