// t('login.title') → the message from the locale file; {name} placeholders are
// filled from params. A missing key shows the key itself, so it is easy to spot.
import zhCN from './locales/zh-CN.js';

const messages = zhCN;

export function t(key, params) {
  let v = messages;
  for (const part of key.split('.')) {
    v = v && typeof v === 'object' ? v[part] : undefined;
  }
  if (typeof v !== 'string') return key;
  if (!params) return v;
  return v.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? String(params[k]) : m));
}

/** Like t(), but returns undefined when the key is missing (for optional labels). */
export function tOr(key, fallback) {
  const v = t(key);
  return v === key ? fallback : v;
}

export function roleName(role) {
  return tOr(`roles.${role}`, role);
}
