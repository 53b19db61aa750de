// Helpers shared by the 发展党员 screens: the party organisations for pickers,
// what a board card says about its deadline, a client key for idempotent submits.
export { partyOrgTree } from '../../lib/party-orgs.js';
import { formatDate } from '../../lib/format.js';
import { t } from '../../i18n.js';

/** The line under a card: overdue, days left to a deadline, or from when the next step may be taken. */
export function dueLine(row) {
  const what = row.due_code ? t(`development.dueCodes.${row.due_code}`) : '';
  if (row.overdue) return { text: t('development.board.overdue', { what, n: -row.days_left }), kind: 'overdue' };
  if (row.warning) return { text: t('development.board.left', { what, n: row.days_left }), kind: 'warning' };
  if (row.stage === 6) return { text: t('development.board.archive'), kind: 'plain' };
  if (row.days_to_next != null && row.days_to_next > 0) return { text: t('development.board.from', { date: formatDate(row.next_on) }), kind: 'plain' };
  if (row.next_step) return { text: t('development.board.ready'), kind: 'ready' };
  return { text: '', kind: 'plain' };
}

/** A random key that makes a repeated submit (a double click, a retry) harmless. */
export function clientKey() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return [...a].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** "YYYY-MM-DD" of a Date in Asia/Shanghai. */
export function dayOf(d) {
  return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10);
}
