// The Chinese label of each code the server sends (activity kinds, warnings, rule
// sources, periods …): screens show these, never the code itself. An unknown code
// shows as 其他 rather than as English.
import { t, tOr } from '../i18n.js';

const other = () => t('common.unknownCode');

/** 支部党员大会 for branch_assembly. */
export function activityKindLabel(code) { return tOr(`codes.activityKinds.${code}`, other()); }
/** 纪检委员空缺 for no_discipline_member. */
export function warningLabel(code) { return tOr(`codes.warnings.${code}`, other()); }
/** 个人申报 for claim. */
export function ruleSourceLabel(code) { return tOr(`codes.ruleSources.${code}`, other()); }
/** 党支部 for branch. */
export function orgKindLabel(code) { return tOr(`codes.orgKinds.${code}`, other()); }

/** 2026年, 2026年第一季度, 2026年3月 for 2026, 2026-Q1, 2026-03. */
export function periodLabel(code) {
  const s = String(code || '');
  let m = /^(\d{4})-Q([1-4])$/.exec(s);
  if (m) return `${m[1]}年${t(`codes.periodQuarters.${m[2]}`)}`;
  m = /^(\d{4})-(\d{2})$/.exec(s);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  m = /^(\d{4})$/.exec(s);
  return m ? `${m[1]}年` : s;
}
