// Helpers shared by the 学习园地 console screens.
import { t } from '../../i18n.js';

/** A client key for one submission (the server answers a resent one with the first). */
export const newKey = () => `s-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

/** Plain text typed in the editor becomes paragraphs; text with tags is sent as it is
 * (the server keeps only the allowed tags). */
export function toRichText(text) {
  const s = String(text || '').trim();
  if (/<\/?(p|h[2-4]|strong|b|em|i|u|ul|ol|li|blockquote|br)\b/i.test(s)) return s;
  const esc = (x) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return s.split(/\n\s*\n|\n/).filter((p) => p.trim()).map((p) => `<p>${esc(p.trim())}</p>`).join('');
}

/** Seconds as 5分30秒 / 12分钟. */
export function lengthText(s) {
  if (!s) return '—';
  const m = Math.floor((s || 0) / 60);
  const r = (s || 0) % 60;
  return r ? t('study.admin.minSec', { m, s: r }) : t('study.admin.minutesOnly', { m });
}
