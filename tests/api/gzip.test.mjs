// A large answer kept for many readers (a roster's page) goes gzipped to a client that
// accepts it, as every browser does: compressed once for every reply (src/core/mem.h,
// dj_blob_gzip), the same page as sent plain, and a small answer as it is.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, seedMembers } from '../lib/fixtures.mjs';

let srv, com;
test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  seedMembers(srv.db, 1000, 150); // a roster page of 200 well over the 8 KB worth compressing
  com = srv.client();
  await com.login('committee');
});
test.after(async () => { await srv.stop(); });

test('a large kept page goes gzipped to a client that takes it, the same page as sent plain', async () => {
  const p = '/api/v1/people?limit=200';
  const plain = await com.get(p, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.ok(plain.raw.length >= 8192, `${plain.raw.length} bytes`);
  assert.match(plain.headers.get('vary') || '', /Accept-Encoding/i);
  const gz = await com.get(p, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(gz.status, 200, gz.text);
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.match(gz.headers.get('vary') || '', /Accept-Encoding/i);
  // fetch inflated it: the very page
  assert.equal(gz.text, plain.text);
  // a small answer goes as it is
  const small = await com.get('/api/v1/people?limit=1', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(small.headers.get('content-encoding'), null);
  assert.equal(small.body.items.length, 1);
});
