// Routes and the guard: each section (/m mobile, /admin console) is a lazy
// chunk with its own routes.js. The guard loads the session once, sends
// anonymous users to the section's sign-in page, users who must change their
// password to the section's password page, and hides screens by role (meta.roles).
import { createRouter, createWebHistory } from 'vue-router';
import mobileSection from './mobile/routes.js';
import adminSection from './admin/routes.js';
import { session, loadSession, clearSession, hasAnyRole, isMemberOnly } from './session.js';
import { bindRouter } from './api.js';
import { t } from './i18n.js';

function isPhone() {
  const narrow = window.matchMedia && window.matchMedia('(max-width: 767px)').matches;
  return narrow || /MicroMessenger|Android.*Mobile|iPhone|iPod/i.test(navigator.userAgent);
}

const routes = [
  {
    path: '/',
    name: 'root',
    component: { render: () => null },
    async beforeEnter() {
      try { await loadSession(); } catch { /* the section shows the error */ }
      return isPhone() || (session.user && isMemberOnly()) ? '/m/' : '/admin/';
    },
  },
  mobileSection,
  adminSection,
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

bindRouter(router, clearSession);

function sectionBase(to) {
  const s = to.matched[0] && to.matched[0].meta.section;
  return s === 'mobile' ? '/m' : s === 'admin' ? '/admin' : null;
}

/** Only same-section, in-app paths are followed after sign-in. */
export function safeRedirect(to, base) {
  const r = typeof to.query.redirect === 'string' ? to.query.redirect : '';
  return r.startsWith(`${base}/`) && !r.startsWith(`${base}/login`) ? r : `${base}/`;
}

router.beforeEach(async (to) => {
  const base = sectionBase(to);
  if (!base) return true;
  try { await loadSession(); } catch { /* server unreachable: treat as signed out */ }

  if (to.meta.public) {
    return session.user ? safeRedirect(to, base) : true;
  }
  if (!session.user) return { path: `${base}/login`, query: { redirect: to.fullPath } };
  if (session.user.must_change_password && !to.meta.password) {
    return { path: `${base}/password`, query: { redirect: to.fullPath } };
  }
  if (!hasAnyRole(to.meta.roles)) return `${base}/`;
  return true;
});

router.afterEach((to) => {
  const title = to.meta.title ? t(to.meta.title) : '';
  const app = t('common.appName');
  document.title = title ? `${title} - ${app}` : app;
});

export default router;
