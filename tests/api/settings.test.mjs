// The agency's settings: declared keys only, each checked; changes take effect
// and are audited; the system administrator changes the agency's, the security
// administrator the security baseline (三员分立).
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { seedAgency, sql } from '../lib/fixtures.mjs';

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
  assert.match(lock.label, /延迟/);
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
  await a.login('secadmin');
  for (const [body, field] of [
    [{ 'security.lockout_threshold': 1 }, 'security.lockout_threshold'],
    [{ 'security.lockout_threshold': '6' }, 'security.lockout_threshold'],
    [{ 'audit.retention_days': 30 }, 'audit.retention_days'],
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
  const adm = srv.client();
  await adm.login('admin');
  const blank = await adm.patch('/api/v1/settings', { 'agency.name': '  ' });
  assert.equal(blank.status, 400);
  assert.equal(blank.body.error.field, 'agency.name');
  const week = await adm.patch('/api/v1/settings', { 'life.party_lecture_period': 'week' });
  assert.equal(week.status, 400, 'a period outside its choices');
  assert.equal(week.body.error.field, 'life.party_lecture_period');
});

test('a changed threshold takes effect at once and the change is audited', async () => {
  const a = srv.client();
  await a.login('secadmin');
  const r = await a.patch('/api/v1/settings', { 'security.lockout_threshold': 3 });
  assert.equal(r.status, 200);
  const adm = srv.client();
  await adm.login('admin');
  const n = await adm.patch('/api/v1/settings', { 'agency.name': '市政府办公室机关党委' });
  assert.equal(n.body.items.find((s) => s.key === 'agency.name').value, '市政府办公室机关党委');
  const c = srv.client();
  await c.post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' });
  await c.post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' });
  const third = await c.post('/api/v1/session', { login: 'leader', password: 'Wrong#Pass1' });
  assert.equal(third.status, 401, 'the third is still checked');
  const fourth = await c.post('/api/v1/session', { login: 'leader', password: PASSWORD });
  assert.equal(fourth.status, 429, 'after three failures the next attempt waits');
  const auditor = srv.client();
  await auditor.login('auditor');
  const audit = await auditor.get('/api/v1/audit?entity=settings');
  const change = audit.body.items.find((x) => x.after['security.lockout_threshold'] === 3);
  assert.equal(change.action, 'update');
  assert.equal(change.login, 'secadmin');
  const before = change.before.items.find((s) => s.key === 'security.lockout_threshold');
  assert.equal(before.value, 5);
});

test('a lowered idle limit reaches sessions already open; every session ends at its lifetime', async () => {
  // two office sessions, both idle for 20 minutes
  const office = srv.client();
  await office.login('committee');
  const control = srv.client();
  await control.login('sec-a');
  sql(srv.db, `UPDATE sessions SET last_seen = last_seen - 1200
    WHERE user_id IN (SELECT id FROM users WHERE login IN ('committee', 'sec-a'));`);
  await new Promise((res) => setTimeout(res, 1100)); // past the one-second session cache
  // fine under the 30-minute limit ...
  assert.equal((await control.get('/api/v1/session')).status, 200);
  // ... but not once the security administrator lowers it to 5 minutes
  const sa = srv.client();
  await sa.login('secadmin');
  assert.equal((await sa.patch('/api/v1/settings', { 'session.office_idle_minutes': 5 })).status, 200);
  assert.equal((await office.get('/api/v1/session')).status, 401);
  assert.equal((await sa.patch('/api/v1/settings', { 'session.office_idle_minutes': 30 })).status, 200);
  // a session active all along still ends 12 hours after it began
  const busy = srv.client();
  await busy.login('discipline');
  sql(srv.db, `UPDATE sessions SET created_at = created_at - 12 * 3600 - 5 WHERE user_id = (SELECT id FROM users WHERE login = 'discipline');`);
  await new Promise((res) => setTimeout(res, 1100));
  assert.equal((await busy.get('/api/v1/session')).status, 401);
  // a member's phone: 30 days at most
  const phone = srv.client();
  await phone.login('member-a');
  sql(srv.db, `UPDATE sessions SET created_at = created_at - 31 * 86400 WHERE user_id = (SELECT id FROM users WHERE login = 'member-a');`);
  await new Promise((res) => setTimeout(res, 1100));
  assert.equal((await phone.get('/api/v1/session')).status, 401);
});
