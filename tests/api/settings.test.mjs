// The agency's settings: declared keys only, each checked; changes take effect
// and are audited; only the administrator changes them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency } from '../lib/fixtures.mjs';

let srv;
test.before(async () => { srv = await startServer(); seedAgency(srv.db); });
test.after(async () => { await srv.stop(); });

test('the office reads the settings with their Chinese labels and ranges', async () => {
  const c = srv.client();
  await c.login('committee');
  const r = await c.get('/api/v1/settings');
  assert.equal(r.status, 200);
  const lock = r.body.items.find((s) => s.key === 'security.lockout_threshold');
  assert.deepEqual([lock.value, lock.min, lock.max, lock.type], [5, 3, 20, 'int']);
  assert.match(lock.label, /锁定/);
  // a period is chosen from its options, not typed
  const lecture = r.body.items.find((s) => s.key === 'life.party_lecture_period');
  assert.deepEqual([lecture.type, lecture.choices], ['choice', ['month', 'quarter', 'year']]);
  assert.doesNotMatch(lecture.label, /[a-z]/, 'no code in the label');
  const change = await c.patch('/api/v1/settings', { 'security.lockout_threshold': 6 });
  assert.equal(change.status, 403, 'the committee reads but does not change');
  const member = srv.client();
  await member.login('member-a');
  assert.equal((await member.get('/api/v1/settings')).status, 403);
});

test('a bad value is refused naming the setting, and nothing changes', async () => {
  const a = srv.client();
  await a.login('admin');
  for (const [body, field] of [
    [{ 'security.lockout_threshold': 1 }, 'security.lockout_threshold'],
    [{ 'security.lockout_threshold': '6' }, 'security.lockout_threshold'],
    [{ 'audit.retention_days': 30 }, 'audit.retention_days'],
    [{ 'agency.name': '  ' }, 'agency.name'],
    [{ 'life.party_lecture_period': 'week' }, 'life.party_lecture_period'],
    [{ 'security.lockout_minutes': 30, 'no.such.setting': 1 }, 'no.such.setting'],
  ]) {
    const r = await a.patch('/api/v1/settings', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.field, field);
    assert.match(r.body.error.message, /[\u4e00-\u9fff]/);
  }
  const now = await a.get('/api/v1/settings');
  const get = (k) => now.body.items.find((s) => s.key === k).value;
  assert.equal(get('security.lockout_minutes'), 15, 'the valid half of a refused change was not applied');
  assert.equal(get('security.lockout_threshold'), 5);
});

test('a changed lockout threshold takes effect at once and the change is audited', async () => {
  const a = srv.client();
  await a.login('admin');
  const r = await a.patch('/api/v1/settings', { 'security.lockout_threshold': 3, 'agency.name': '市政府办公室机关党委' });
  assert.equal(r.status, 200);
  assert.equal(r.body.items.find((s) => s.key === 'agency.name').value, '市政府办公室机关党委');
  const c = srv.client();
  await c.post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' });
  await c.post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' });
  const third = await c.post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' });
  assert.equal(third.status, 423);
  assert.match(third.body.error.message, /3 次/);
  assert.equal((await c.post('/api/v1/session', { login: 'leader', password: PASSWORD })).status, 423);
  const audit = await a.get('/api/v1/audit?entity=settings');
  assert.equal(audit.body.items[0].action, 'update');
  assert.equal(audit.body.items[0].after['security.lockout_threshold'], 3);
  const before = audit.body.items[0].before.items.find((s) => s.key === 'security.lockout_threshold');
  assert.equal(before.value, 5);
});
