// The check-in QR screen's state, shared by the projector's screen on the PC and the
// secretary's phone: the activity, its rotating token (fetched again when it expires,
// or 5 s after a failure), the window's phase and the attendance counted every 5 s.
import { computed, ref, onMounted, onBeforeUnmount } from 'vue';
import { getActivity, activityQr, getAttendance } from '../api.js';
import { formatClock } from './life.js';
import { serverNowMs } from './clock.js';
import { t } from '../i18n.js';

/** id: the activity's id; keepAwake: ask the browser to keep the screen on (a phone). */
export function useQrScreen(id, { keepAwake = false } = {}) {
  const a = ref(null);
  const qr = ref(null);
  const error = ref('');
  const remaining = ref(30);
  const present = ref(0);
  const expected = ref(0);
  const quorum = ref(null);
  let refreshAt = 0;
  let timer = null;
  let countTick = 0;
  let wakeLock = null;

  /** not_open, open or closed, by the server's window. */
  const phase = computed(() => {
    if (!qr.value || qr.value.open) return 'open';
    return serverNowMs() < Date.parse(qr.value.opens_at) ? 'not_open' : 'closed';
  });
  const statusText = computed(() => {
    if (phase.value === 'not_open') return t('life.qrNotOpen', { time: formatClock(qr.value.opens_at) });
    if (phase.value === 'closed') return t('life.qrEnded', { time: formatClock(qr.value.closes_at) });
    return t('life.qrOpen', { time: formatClock(qr.value.closes_at) });
  });

  async function refreshQr() {
    try {
      qr.value = await activityQr(id);
      refreshAt = Date.now() + qr.value.expires_in * 1000;
      error.value = '';
    } catch (e) {
      error.value = e.message;
      refreshAt = Date.now() + 5000;
    }
  }

  async function refreshCount() {
    try {
      const s = await getAttendance(id);
      present.value = s.summary.present;
      expected.value = s.summary.expected;
      quorum.value = s.quorum;
    } catch { /* keep the last figures */ }
  }

  async function tick() {
    remaining.value = Math.max(0, Math.ceil((refreshAt - Date.now()) / 1000));
    if (Date.now() >= refreshAt) await refreshQr();
    if (++countTick % 5 === 0) refreshCount();
  }

  onMounted(async () => {
    try { a.value = await getActivity(id); } catch (e) { error.value = e.message; return; }
    await refreshQr();
    await refreshCount();
    timer = setInterval(tick, 1000);
    if (keepAwake) {
      try { wakeLock = navigator.wakeLock ? await navigator.wakeLock.request('screen') : null; } catch { wakeLock = null; }
    }
  });
  onBeforeUnmount(() => {
    clearInterval(timer);
    if (wakeLock) wakeLock.release().catch(() => {});
  });

  return { a, qr, error, remaining, present, expected, quorum, phase, statusText };
}
