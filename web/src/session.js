// Who is signed in: the user, their role grants and the CSRF token, shared by
// every screen. Loaded once per page load from GET /api/v1/session.
import { reactive, computed } from 'vue';
import * as api from './api.js';
import { syncServerClock } from './lib/clock.js';

export const session = reactive({
  loaded: false,
  user: null,     // {id, login, name, must_change_password}
  grants: [],     // [{role, org_id, org_name}]
});

function apply(body) {
  session.user = body ? body.user : null;
  session.grants = (body && body.grants) || [];
  api.setCsrfToken(body ? body.csrf_token : '');
  if (body && body.now) syncServerClock(body.now);
  session.loaded = true;
}

export function clearSession() { apply(null); }

let loading = null;
/** Loads the session once; `force` asks the server again. */
export function loadSession(force = false) {
  if (session.loaded && !force) return Promise.resolve(session.user);
  if (!loading) {
    loading = api.fetchSession()
      .then((body) => { apply(body); return session.user; })
      .catch((e) => { if (!session.loaded) apply(null); throw e; })
      .finally(() => { loading = null; });
  }
  return loading;
}

/** How many times a sign-in is sent again when the server is too busy to check it. */
export const SIGN_IN_RETRIES = 3;

/**
 * Signs in.  When many sign in at once the server may answer 503 (busy) with
 * a Retry-After: the attempt is sent again after that wait, up to
 * SIGN_IN_RETRIES times, and onWait(seconds) lets the screen say so.
 */
export async function signIn(login, password, { onWait } = {}) {
  for (let tries = 0; ; tries++) {
    try {
      apply(await api.signIn(login, password));
      return session.user;
    } catch (e) {
      const wait = e.status === 503 && e.code === 'busy' ? Math.min(e.retryAfter ?? 1, 10) : null;
      if (wait === null || tries >= SIGN_IN_RETRIES) throw e;
      if (onWait) onWait(wait);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  }
}

/** Signed in with a 企业微信/粤政易 code (issue 18). */
export async function signInWecom(code) {
  apply(await api.wecomSignIn(code));
  return session.user;
}

export async function signOut() {
  try {
    await api.signOut();
  } finally {
    apply(null);
  }
}

/** After a successful change the server may keep or end the session; ask it. */
export async function changePassword(oldPassword, newPassword) {
  await api.changePassword(oldPassword, newPassword);
  if (session.user) session.user.must_change_password = false;
  try { await loadSession(true); } catch { /* keep what we have */ }
  return session.user;
}

export const roles = computed(() => [...new Set(session.grants.map((g) => g.role))]);

export function hasAnyRole(list) {
  if (!list || list.length === 0) return true;
  return session.grants.some((g) => list.includes(g.role));
}

/** A member and nothing else (or no grant at all): the phone app is their home. */
export function isMemberOnly() {
  return session.grants.every((g) => g.role === 'member');
}
