// Unit tests of the work-list helpers (src/lib/lists.js): deadline wording,
// quarters in Asia/Shanghai, status colours, idempotency keys. Run: npm test
import './node-globals.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dueHint, currentQuarter, recentQuarters, todayText, formatDay, statusTagType, clientKey } from '../src/lib/lists.js';

test('deadline wording: days left, due today, overdue only when the status says so', () => {
  assert.equal(dueHint({ status: 'in_progress', days_left: 3 }), '剩 3 天');
  assert.equal(dueHint({ status: 'not_started', days_left: 0 }), '今天到期');
  assert.equal(dueHint({ status: 'overdue', days_left: -2 }), '逾期 2 天');
  // past the deadline but reported complete in time: awaiting 销号, not late
  assert.equal(dueHint({ status: 'in_progress', days_left: -5, awaiting_verification: true }), '');
  assert.equal(dueHint({ status: 'done', days_left: -5 }), '');
  assert.equal(dueHint({ status: 'in_progress', days_left: null }), '');
});

test('quarters and days follow the Shanghai calendar', () => {
  // 2026-03-31T16:30Z is already 2026-04-01 in Beijing: the second quarter
  const at = new Date('2026-03-31T16:30:00Z');
  assert.equal(todayText(at), '2026-04-01');
  assert.equal(currentQuarter(at), '2026-Q2');
  assert.equal(currentQuarter(new Date('2026-03-31T15:59:59Z')), '2026-Q1');
  const qs = recentQuarters(3, at);
  assert.deepEqual(qs.map((q) => q.value), ['2026-Q2', '2026-Q1', '2025-Q4']);
  assert.equal(qs[2].label, '2025年第4季度');
  assert.equal(formatDay('2026-03-31'), '2026年3月31日');
  assert.equal(formatDay(null), '');
});

test('status colours and client keys', () => {
  assert.equal(statusTagType('overdue'), 'danger');
  assert.equal(statusTagType('done'), 'success');
  const a = clientKey();
  assert.match(a, /^[0-9a-f]{24}$/);
  assert.notEqual(a, clientKey());
});
