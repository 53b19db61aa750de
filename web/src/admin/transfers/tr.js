// Helpers shared by the 组织关系转接 screens: the tag of a transfer's state, the
// line under its validity, and a month "2026-11" in the screens' style.
import { t } from '../../i18n.js';

/** The tag of a transfer's state: expired and overdue letters in red. */
export function stateTag(row) {
  if (row.expired) return { text: t('transfers.flags.expired'), type: 'danger' };
  if (row.receipt_overdue) return { text: `${row.state_label} · ${t('transfers.flags.overdue')}`, type: 'danger' };
  const types = { draft: 'info', issued: 'warning', registered: 'warning', reported: 'primary', done: 'success', withdrawn: 'info' };
  return { text: row.state_label, type: types[row.state] || 'info' };
}

/** 还剩 N 天 / 已过期 N 天 for an open letter, '' otherwise. */
export function daysLine(row) {
  if (row.days_left === null || row.days_left === undefined) return '';
  return row.days_left >= 0 ? t('transfers.list.daysLeft', { n: row.days_left }) : t('transfers.list.daysPast', { n: -row.days_left });
}

/** "2026-11" → 2026年11月 */
export function monthText(m) {
  const x = /^(\d{4})-(\d{2})$/.exec(m || '');
  return x ? `${x[1]}年${Number(x[2])}月` : '';
}
