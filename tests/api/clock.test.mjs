// The one clock (issue 10): a test build starts at $DJ_NOW and runs on from
// there; the release build ignores it and says so; the web app's "now" comes
// from the server (GET /health and GET /session carry it).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, startServer, PASSWORD } from '../lib/server.mjs';
import { realNowMs } from '../lib/clock.mjs';

const RELEASE = process.env.DJ_REL_BIN || path.join(ROOT, 'build/dangjian');
const AT = '2031-05-05T23:59:50+08:00';

test('a test build starts its clock at DJ_NOW and lets it run', async () => {
  const srv = await startServer({ env: { DJ_NOW: AT } });
  try {
    const c = srv.client();
    const h = await c.get('/api/v1/health');
    assert.equal(h.status, 200);
    const t = Date.parse(h.body.now);
    const at = Date.parse(AT);
    assert.ok(t >= at && t < at + 60e3, `${h.body.now} is just after ${AT}`);
    assert.match(h.body.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // the session carries the same clock, for the web app's "today"
    await c.login('admin', PASSWORD);
    const s = await c.get('/api/v1/session');
    assert.ok(Date.parse(s.body.now) >= t, s.text);
    // and it runs on: a second later it says a later time
    await new Promise((r) => setTimeout(r, 1100));
    assert.ok(Date.parse((await c.get('/api/v1/health')).body.now) > t);
  } finally {
    await srv.stop();
  }
});

test('a test build refuses a DJ_NOW without an offset, naming the format', () => {
  const r = spawnSync(BIN, ['routes'], { env: { ...process.env, DJ_NOW: '2031-05-05 10:00' }, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /DJ_NOW=2031-05-05 10:00 is not an ISO-8601 time with an offset/);
});

test('the release build ignores DJ_NOW and says so', { skip: !existsSync(RELEASE) && 'no release build' }, async () => {
  const srv = await startServer({ bin: RELEASE, env: { DJ_NOW: AT } });
  try {
    const h = await srv.client().get('/api/v1/health');
    const t = Date.parse(h.body.now);
    assert.ok(Math.abs(t - realNowMs()) < 60e3, `${h.body.now} is the machine's real time`);
    assert.match(srv.stderr, /DJ_NOW is set but ignored: this is a release build/);
  } finally {
    await srv.stop();
  }
});
