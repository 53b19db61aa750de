// The organisation and year the dues screens show: the organisations the caller
// may keep dues for (GET /dues/branches), the one picked (kept in ?org=), and the
// year (this year by the server's clock, or ?year=).
import { ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { duesBranches } from '../../api.js';
import { serverNow } from '../../lib/clock.js';
import { shanghaiParts } from '../../lib/format.js';

export function useDuesOrg({ preferCommittee = false } = {}) {
  const route = useRoute();
  const router = useRouter();
  const thisYear = shanghaiParts(serverNow()).year;
  const branches = ref([]);
  const org = ref(route.query.org ? Number(route.query.org) : null);
  const year = ref(route.query.year ? Number(route.query.year) : thisYear);
  const years = [thisYear, thisYear - 1, thisYear - 2];
  const error = ref('');
  const ready = ref(false);

  async function loadBranches() {
    try {
      branches.value = (await duesBranches()).items;
      if (!org.value || !branches.value.some((b) => b.id === org.value)) {
        const pick = preferCommittee ? branches.value.find((b) => b.kind === 'committee') : branches.value.find((b) => b.kind !== 'committee');
        org.value = (pick || branches.value[0] || {}).id || null;
      }
    } catch (e) {
      error.value = e.message;
    }
    ready.value = true;
  }
  watch([org, year], () => {
    router.replace({ query: { ...route.query, org: org.value || undefined, year: year.value } });
  });
  const orgName = (id) => (branches.value.find((b) => b.id === id) || {}).name || '';
  return { branches, org, year, years, thisYear, error, ready, loadBranches, orgName };
}

/** 'YYYY-MM' → 2026年3月 */
export function monthText(m) {
  return m ? `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月` : '';
}

/** "34.57" → 3457 fen; NaN when it is no amount of money. */
export function toFen(s) {
  const v = String(s ?? '').trim().replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return NaN;
  const [y, f = ''] = v.split('.');
  return Number(y) * 100 + Number((f + '00').slice(0, 2));
}

/** fen → "34.57" for an input (no thousands separators). */
export function fenInput(fen) {
  return fen == null ? '' : `${Math.trunc(fen / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
}

export const newKey = () => `d-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
