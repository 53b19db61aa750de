// Unit tests of the plain modules (no browser): formatting, the password rule,
// the messages helper and the API client (with a stub fetch). Run: npm test
import './node-globals.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDate, formatDateTime, formatDateTimeSeconds, formatMaybeMasked, formatWeekday, formatNumber, formatFen, shanghaiToIso, greetingKey,
} from '../src/lib/format.js';
import { passwordProblem, passwordClasses } from '../src/lib/password.js';
import { t, tOr, roleName } from '../src/i18n.js';
import zhCN from '../src/locales/zh-CN.js';
import * as api from '../src/api.js';
import { activityKindLabel, warningLabel, periodLabel, ruleSourceLabel } from '../src/lib/labels.js';

test('dates are shown in Asia/Shanghai as 2026年11月27日', () => {
  assert.equal(formatDate('2026-11-27T09:30:00Z'), '2026年11月27日');
  // 16:30 UTC is already the next day in Beijing.
  assert.equal(formatDate('2026-11-27T16:30:00Z'), '2026年11月28日');
  assert.equal(formatDateTime('2026-11-27T01:02:03Z'), '2026年11月27日 09:02');
  assert.equal(formatDateTimeSeconds('2026-11-27T01:02:03Z'), '2026年11月27日 09:02:03');
  assert.equal(formatMaybeMasked('1975-05-01'), '1975年5月1日');
  assert.equal(formatMaybeMasked('1975-**-**'), '1975年**月**日');
  assert.equal(formatWeekday('2026-11-27T01:00:00Z'), '星期五');
  assert.equal(formatDate(null), '');
  assert.equal(formatDate('not a date'), '');
  assert.equal(greetingKey(new Date('2026-11-27T00:00:00Z')), 'morning'); // 08:00 in Beijing
});

test('Beijing wall-clock filter times become UTC ISO for the API', () => {
  assert.equal(shanghaiToIso('2026-11-27 09:30:00'), '2026-11-27T01:30:00Z');
  assert.equal(shanghaiToIso('2026-11-27 00:00:00'), '2026-11-26T16:00:00Z');
  assert.equal(shanghaiToIso(''), '');
});

test('numbers get thousands separators, fen become yuan', () => {
  assert.equal(formatNumber(1234567), '1,234,567');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(null), '');
  assert.equal(formatFen(123456), '1,234.56');
  assert.equal(formatFen(5), '0.05');
  assert.equal(formatFen(-150), '-1.50');
});

test('password rule: 8+ characters, three of upper/lower/digit/symbol', () => {
  assert.equal(passwordProblem(''), 'tooShort');
  assert.equal(passwordProblem('Ab1#'), 'tooShort');
  assert.equal(passwordProblem('abcdefgh'), 'tooSimple');
  assert.equal(passwordProblem('abcdefg1'), 'tooSimple');
  assert.equal(passwordProblem('Abcdefg1'), '');
  assert.equal(passwordProblem('abcdef#1'), '');
  assert.equal(passwordProblem('密码密码Ab1x'), '');
  assert.equal(passwordClasses('aA1#'), 4);
  // Every problem has a message.
  for (const k of ['tooShort', 'tooSimple', 'sameAsOld', 'mismatch']) assert.ok(zhCN.password[k]);
});

test('t() reads the messages file, fills {params}, shows missing keys', () => {
  assert.equal(t('login.title'), '登录');
  assert.equal(t('home.hello', { greeting: '上午好', name: '张明' }), '上午好，张明');
  assert.equal(t('no.such.key'), 'no.such.key');
  assert.equal(tOr('audit.actions.nope', 'nope'), 'nope');
  assert.equal(roleName('committee'), '机关党委');
  assert.equal(roleName('auditor'), '审计管理员');
  assert.equal(roleName('unknown_role'), 'unknown_role');
});

function stubFetch(status, body, contentType = 'application/json') {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    const text = body === undefined ? '' : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers: { 'content-type': contentType } });
  };
  return calls;
}

test('api: JSON in and out, same-origin cookie, CSRF header only on unsafe methods', async () => {
  api.setCsrfToken('tok123');
  let calls = stubFetch(200, { items: [], total: 0, next: null });
  const r = await api.listAudit({ limit: 50, login: 'admin', action: '', cursor: undefined });
  assert.deepEqual(r, { items: [], total: 0, next: null });
  assert.equal(calls[0].url, '/api/v1/audit?limit=50&login=admin');
  assert.equal(calls[0].init.method, 'GET');
  assert.equal(calls[0].init.credentials, 'same-origin');
  assert.equal(calls[0].init.headers['X-CSRF-Token'], undefined);

  calls = stubFetch(204);
  assert.equal(await api.changePassword('Old#1234', 'New#12345'), null);
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['X-CSRF-Token'], 'tok123');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(calls[0].init.body), { old_password: 'Old#1234', new_password: 'New#12345' });

  calls = stubFetch(204);
  await api.signOut();
  assert.equal(calls[0].init.method, 'DELETE');
  assert.equal(calls[0].init.headers['X-CSRF-Token'], 'tok123');
});

test('api: an error answer is thrown with status, code, message, field', async () => {
  stubFetch(401, { error: { code: 'bad_credentials', message: '账号或密码不正确', field: 'password' } });
  await assert.rejects(api.signIn('admin', 'x'), (e) => {
    assert.equal(e.status, 401);
    assert.equal(e.code, 'bad_credentials');
    assert.equal(e.message, '账号或密码不正确');
    assert.equal(e.field, 'password');
    return true;
  });
  stubFetch(502, undefined, 'text/html');
  await assert.rejects(api.health(), (e) => e.status === 502 && /502/.test(e.message) && e.field === null);
  globalThis.fetch = async () => { throw new TypeError('fetch failed'); };
  await assert.rejects(api.health(), (e) => e.status === 0 && e.code === 'network' && e.message === t('common.networkError'));
});

test('api: the session probe answers null when signed out', async () => {
  stubFetch(401, { error: { code: 'unauthenticated', message: '请先登录' } });
  assert.equal(await api.fetchSession(), null);
  assert.equal(api.loginPathFor('/m/points'), '/m/login');
  assert.equal(api.loginPathFor('/admin/audit'), '/admin/login');
});


test('codes have Chinese labels; unknown ones never show as English', () => {
  assert.equal(activityKindLabel('grassroots_visit'), '支部下基层');
  assert.equal(warningLabel('no_discipline_member'), '纪检委员空缺');
  assert.equal(warningLabel('term_ending'), '即将换届');
  assert.equal(ruleSourceLabel('claim'), '个人申报');
  assert.equal(activityKindLabel('made_up_kind'), '其他');
  assert.equal(periodLabel('2026-Q4'), '2026年第四季度');
  assert.equal(periodLabel('2026-03'), '2026年3月');
  assert.equal(periodLabel('2026'), '2026年');
});
