// docs/openapi.yaml and the server's route table describe the same API:
// every route is documented, every documented operation exists and answers
// something other than "no such endpoint".
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, dj, startServer } from '../lib/server.mjs';

function documented() {
  const ops = new Set();
  let current = null;
  for (const line of readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8').split('\n')) {
    const p = /^  (\/api\/v1\/\S*):\s*$/.exec(line);
    if (p) { current = p[1]; continue; }
    if (/^\S/.test(line)) current = null;
    const m = /^    (get|post|put|patch|delete):/.exec(line);
    if (m && current) ops.add(`${m[1].toUpperCase()} ${current}`);
  }
  return ops;
}

function routes() {
  return new Set(dj(['routes']).trim().split('\n').map((l) => {
    const [method, pattern] = l.split(' ');
    return `${method} ${pattern.replace(/:([a-z_]+)/g, '{$1}')}`;
  }));
}

test('every route is documented in docs/openapi.yaml', () => {
  const docs = documented();
  const missing = [...routes()].filter((r) => !docs.has(r));
  assert.deepEqual(missing, [], `routes missing from openapi.yaml: ${missing.join(', ')}`);
});

test('every documented operation is a route of the server', () => {
  const rs = routes();
  const extra = [...documented()].filter((d) => !rs.has(d));
  assert.deepEqual(extra, [], `documented but not served: ${extra.join(', ')}`);
});

test('every documented operation answers, and never with "no such endpoint"', async () => {
  const srv = await startServer();
  try {
    const c = srv.client();
    await c.login('admin');
    for (const op of documented()) {
      if (op === 'DELETE /api/v1/session') continue; // would sign the client out
      const [method, p] = op.split(' ');
      const url = p.replace(/\{[a-z_]+\}/g, '1');
      const r = await c.req(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      assert.ok(r.status < 500 || r.status === 503, `${op} answered ${r.status}: ${r.text}`);
      if (r.status === 404) assert.notEqual(r.body?.error?.message?.startsWith('接口不存在'), true, `${op} is not served`);
    }
  } finally {
    await srv.stop();
  }
});
