// Helpers the work-list screens share (admin and mobile): status colours,
// deadline wording, quarters in Asia/Shanghai.
import { serverNow } from './clock.js';
import { shanghaiParts, formatDate } from './format.js';
import { t } from '../i18n.js';

export const STATUSES = ['not_started', 'in_progress', 'overdue', 'done', 'cancelled'];

/** Element Plus tag type for a status. */
export function statusTagType(s) {
  return { not_started: 'info', in_progress: 'warning', done: 'success', overdue: 'danger', cancelled: 'info' }[s] || 'info';
}

/** Vant tag type for a status. */
export function statusVantType(s) {
  return { not_started: 'default', in_progress: 'warning', done: 'success', overdue: 'danger', cancelled: 'default' }[s] || 'default';
}

/** "剩 3 天" / "逾期 2 天" / "今天到期" for an open item; '' when done, cancelled or without a deadline. */
export function dueHint(item) {
  if (!item || item.days_left === null || item.days_left === undefined) return '';
  if (item.status === 'done' || item.status === 'cancelled') return '';
  // past the deadline but reported complete in time: waiting for 销号, not late
  if (item.days_left < 0) return item.status === 'overdue' ? t('lists.daysOverdue', { n: -item.days_left }) : '';
  if (item.days_left === 0) return t('lists.dueToday');
  return t('lists.daysLeft', { n: item.days_left });
}

/** 2026-03-31 → 2026年3月31日 */
export function formatDay(d) {
  return d ? formatDate(`${d}T00:00:00+08:00`) : '';
}

/** Today in Shanghai as YYYY-MM-DD. */
export function todayText(now = serverNow()) {
  const p = shanghaiParts(now);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The current quarter in Shanghai: "2026-Q4". */
export function currentQuarter(now = serverNow()) {
  const p = shanghaiParts(now);
  return `${p.year}-Q${Math.floor((p.month - 1) / 3) + 1}`;
}

/** The last n quarters up to the current one, newest first: [{value:'2026-Q4', label:'2026年第4季度'}]. */
export function recentQuarters(n = 8, now = serverNow()) {
  let [y, q] = currentQuarter(now).split('-Q').map(Number);
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({ value: `${y}-Q${q}`, label: t('lists.quarterName', { y, q }) });
    q -= 1;
    if (q === 0) { q = 4; y -= 1; }
  }
  return out;
}

/** A random key so a retried post is not recorded twice. */
export function clientKey() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}
