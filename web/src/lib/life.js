// Helpers shared by the organisational-life screens (mobile and console).
import { shanghaiParts, formatDate } from './format.js';
import { t } from '../i18n.js';

const pad = (n) => String(n).padStart(2, '0');

/** 2026年11月27日 09:00–11:00 (the end's date too when it is another day). */
export function formatRange(starts, ends) {
  const a = shanghaiParts(starts);
  const b = shanghaiParts(ends);
  if (!a || !b) return '';
  const end = a.year === b.year && a.month === b.month && a.day === b.day
    ? `${pad(b.hour)}:${pad(b.minute)}` : `${formatDate(ends)} ${pad(b.hour)}:${pad(b.minute)}`;
  return `${formatDate(starts)} ${pad(a.hour)}:${pad(a.minute)}–${end}`;
}

/** HH:mm in Beijing time. */
export function formatClock(v) {
  const p = shanghaiParts(v);
  return p ? `${pad(p.hour)}:${pad(p.minute)}` : '';
}

export const stateName = (s) => t(`life.states.${s}`);

/** Vant / Element tag types for an activity state. */
export const STATE_TAG = { planned: 'default', noticed: 'primary', held: 'warning', closed: 'success', cancelled: 'danger' };
