// Shared helpers for the browser tests: launch Debian's chromium through
// playwright-core (from web/node_modules), open a phone (390×844) or desktop
// (1440×900) page, save a screenshot into tests/out/ when a test fails, and
// sign in through the real sign-in screens.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.join(ROOT, 'tests/out');
export const CHROMIUM = process.env.DJ_CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT = 15000;

/** A password that passes the server's rule, for change-password steps. */
export const NEW_PASSWORD = 'Xinmima#2027';

export function assertWebBuilt() {
  if (!existsSync(path.join(ROOT, 'web/dist/index.html'))) {
    throw new Error('web/dist is missing: run `npm install && npm run build` in web/ first');
  }
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  // What WeChat's built-in browser on an iPhone says it is.
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 '
    + '(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN',
};
const DESKTOP = { viewport: { width: 1440, height: 900 } };

/** Opens a fresh context (own cookies) and page of the given kind: 'phone' or 'desktop'. */
export async function newPage(browser, kind, baseURL) {
  const context = await browser.newContext({
    ...(kind === 'phone' ? PHONE : DESKTOP),
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.djErrors = [];
  // requests in flight, for settle(): what networkidle waits 500 ms for, counted instead
  page.djInflight = 0;
  page.on('request', () => { page.djInflight += 1; });
  page.on('requestfinished', () => { page.djInflight -= 1; });
  page.on('requestfailed', () => { page.djInflight -= 1; });
  page.on('pageerror', (e) => page.djErrors.push(`pageerror: ${e.message}`));
  // Vant's icon font names a copy on alicdn.com after its inline one; the CSP blocking that
  // third-party request is intended (the inline copy draws the icons), not a page error
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Loading the font '[^']*alicdn\.com/.test(m.text())) page.djErrors.push(`console: ${m.text()}`);
  });
  return page;
}

function fileName(name) {
  return name.replace(/[^\w\u4e00-\u9fff-]+/g, '_').slice(0, 80);
}

/**
 * Runs fn(page) on a new page; when it throws, saves tests/out/<test name>.png
 * and adds the page's URL and script errors to the error.
 */
export async function withPage(t, browser, kind, baseURL, fn) {
  const page = await newPage(browser, kind, baseURL);
  try {
    await fn(page);
  } catch (e) {
    mkdirSync(OUT, { recursive: true });
    const shot = path.join(OUT, `${fileName(t.name)}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    e.message += `\n  at page ${page.url()}\n  screenshot: ${shot}`
      + (page.djErrors.length ? `\n  ${page.djErrors.join('\n  ')}` : '');
    throw e;
  } finally {
    await page.context().close();
  }
}

/**
 * Waits until the page has had no request in flight for quietMs (at most maxMs in all),
 * then one animation frame for the answer to be drawn.
 */
export async function settle(page, quietMs = 120, maxMs = 8000) {
  const end = Date.now() + maxMs;
  let quietSince = page.djInflight > 0 ? 0 : Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    if (page.djInflight > 0) quietSince = 0;
    else if (!quietSince) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) break;
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}

/**
 * Goes to an in-app path the way a click does: through the app's router, without
 * loading the page again (the first visit, or a page outside the app, loads it).
 */
export async function spaGo(page, to) {
  const pushed = await page.evaluate(async (p) => {
    const app = document.querySelector('#app')?.__vue_app__;
    const router = app && app.config.globalProperties.$router;
    if (!router) return false;
    await router.push(p);
    return true;
  }, to).catch(() => false);
  if (!pushed) await page.goto(to);
  await settle(page);
}

/** Saves a screenshot of the page now (for looking at the screens). */
export async function snap(page, name) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, `${fileName(name)}.png`), fullPage: true });
}

function isSessionPost(r) {
  return new URL(r.url()).pathname === '/api/v1/session' && r.request().method() === 'POST';
}

/**
 * Fills the sign-in form of the current page (either section) and submits it.
 * Returns {status, body} of the server's answer to POST /api/v1/session.
 */
export async function submitSignIn(page, login, password) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(password);
  const answer = page.waitForResponse(isSessionPost);
  await page.locator('button[type="submit"]').click();
  const r = await answer;
  return { status: r.status(), body: await r.json().catch(() => null) };
}

/** Fills and submits the change-password form of the current page. */
export async function submitChangePassword(page, oldPassword, newPassword) {
  await page.locator('input[name="old_password"]').fill(oldPassword);
  await page.locator('input[name="new_password"]').fill(newPassword);
  await page.locator('input[name="confirm_password"]').fill(newPassword);
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/session/password');
  await page.locator('button[type="submit"]').click();
  const r = await answer;
  return { status: r.status(), body: await r.json().catch(() => null) };
}

/**
 * Signs in on `${section}/login` and, when the server says the password must
 * be changed first, changes it to NEW_PASSWORD (the app routes there itself).
 * Returns {user, password} with the password now in force.
 */
export async function signInAs(page, section, login, password) {
  await page.goto(`${section}/login`);
  const { status, body } = await submitSignIn(page, login, password);
  if (status !== 200) throw new Error(`sign-in as ${login}: ${status} ${JSON.stringify(body)}`);
  let current = password;
  if (body.user.must_change_password) {
    await page.waitForURL((u) => u.pathname === `${section}/password`);
    const r = await submitChangePassword(page, password, NEW_PASSWORD);
    if (r.status !== 204) throw new Error(`forced password change: ${r.status} ${JSON.stringify(r.body)}`);
    current = NEW_PASSWORD;
    await page.waitForURL((u) => u.pathname !== `${section}/password`);
    if (new URL(page.url()).pathname === `${section}/login`) {
      // The server ended the session with the change: sign in with the new password.
      const again = await submitSignIn(page, login, current);
      if (again.status !== 200) throw new Error(`sign-in after change: ${again.status} ${JSON.stringify(again.body)}`);
    }
  }
  await page.waitForURL((u) => !/\/(login|password)$/.test(u.pathname));
  return { user: body.user, grants: body.grants, password: current };
}

/**
 * GET `apiPath` from inside the page, with its cookies, as the page's own code would.
 * Returns {status, body} (body null when the answer is not JSON).
 */
export function apiFromPage(page, apiPath) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text); } catch { body = null; }
    return { status: r.status, body };
  }, apiPath);
}

/** The status of GET /api/v1/session from inside the page (its cookies). */
export async function sessionStatus(page) {
  return (await apiFromPage(page, '/api/v1/session')).status;
}

/**
 * The value of an input that the page fills after an answer arrives (a form
 * opened before its data): waits until it is not empty, at most `timeout` ms,
 * and returns it (still '' if it never filled, for the caller's assertion to say so).
 */
export async function filledValue(locator, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let v = await locator.inputValue();
  while (v === '' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    v = await locator.inputValue();
  }
  return v;
}
