// Display helpers: dates in Asia/Shanghai as 2026年11月27日, numbers with
// thousands separators. Every screen formats through these.
import { serverNow } from './clock.js';

export const TIME_ZONE = 'Asia/Shanghai';

const dateParts = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short',
});
const WEEKDAYS = { Sun: '日', Mon: '一', Tue: '二', Wed: '三', Thu: '四', Fri: '五', Sat: '六' };

function toDate(v) {
  if (v instanceof Date) return v;
  if (v === null || v === undefined || v === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Wall-clock parts of a moment in Asia/Shanghai: {year, month, day, hour, minute, second, weekday}. */
export function shanghaiParts(v) {
  const d = toDate(v);
  if (!d) return null;
  const p = {};
  for (const { type, value } of dateParts.formatToParts(d)) p[type] = value;
  return {
    year: +p.year, month: +p.month, day: +p.day,
    hour: +p.hour, minute: +p.minute, second: +p.second, weekday: WEEKDAYS[p.weekday],
  };
}

const pad = (n) => String(n).padStart(2, '0');

/** 2026年11月27日 */
export function formatDate(v) {
  const p = shanghaiParts(v);
  return p ? `${p.year}年${p.month}月${p.day}日` : '';
}

/** 2026年11月27日 17:30 — the one style of a moment on every screen. */
export function formatDateTime(v) {
  const p = shanghaiParts(v);
  return p ? `${p.year}年${p.month}月${p.day}日 ${pad(p.hour)}:${pad(p.minute)}` : '';
}

/** 2026年11月27日 17:30:05, where the second matters (the audit log). */
export function formatDateTimeSeconds(v) {
  const p = shanghaiParts(v);
  return p ? `${p.year}年${p.month}月${p.day}日 ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` : '';
}

/** A calendar day as the API gives it ("1975-05-01"), or masked ("1975-**-**"),
 *  in the screens' style: 1975年5月1日, 1975年**月**日. */
export function formatMaybeMasked(d) {
  if (!d) return '';
  const m = /^(\d{4})-(\d{2}|\*\*)-(\d{2}|\*\*)$/.exec(String(d));
  if (!m) return String(d);
  const n = (x) => (x === '**' ? x : String(Number(x)));
  return `${m[1]}年${n(m[2])}月${n(m[3])}日`;
}

/** 星期五 */
export function formatWeekday(v) {
  const p = shanghaiParts(v);
  return p ? `星期${p.weekday}` : '';
}

const numberFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

/** 12345.6 → 12,345.6; null → '' */
export function formatNumber(n) {
  if (n === null || n === undefined || n === '' || Number.isNaN(Number(n))) return '';
  return numberFmt.format(Number(n));
}

/** Integer fen → 1,234.50 (yuan, always two decimals). */
export function formatFen(fen) {
  if (fen === null || fen === undefined) return '';
  const neg = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = new Intl.NumberFormat('zh-CN').format(Math.floor(abs / 100));
  return `${neg ? '-' : ''}${yuan}.${pad(abs % 100)}`;
}

/**
 * A wall-clock time picked in the UI ("2026-11-27 09:30:00", meant as Beijing
 * time) → ISO-8601 UTC ("2026-11-27T01:30:00Z") for the API.
 */
export function shanghaiToIso(s) {
  if (!s) return '';
  const d = new Date(`${String(s).trim().replace(' ', 'T')}+08:00`);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z');
}

/** 0–5 早上好, … by the hour in Beijing; returns a key under home.greeting. */
export function greetingKey(v = serverNow()) {
  const h = shanghaiParts(v).hour;
  if (h < 5) return 'night';
  if (h < 9) return 'morning';
  if (h < 12) return 'forenoon';
  if (h < 14) return 'noon';
  if (h < 18) return 'afternoon';
  return 'evening';
}
