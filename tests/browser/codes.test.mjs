// No code reaches a screen (issue 11, item 10): with the demo agency, every page of the
// console's menu for each office role, the detail pages behind them, and every phone
// screen are read as a person sees them; a code (grassroots_visit, term_ending,
// article_published, quarter, pending …) in the visible text fails the test, naming the
// page. Each code the server sends has its Chinese label (web/src/lib/labels.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { assertWebBuilt, launchBrowser, withPage, signInAs, settle, spaGo, apiFromPage } from './lib.mjs';

let server;
let browser;
let ids = {};

before(async () => {
  assertWebBuilt();
  server = await startServer({ demo: true });
  const c = server.client();
  await c.login('demo-committee');
  const acts = (await c.get('/api/v1/activities?limit=100&state=closed')).body.items;
  const lists = (await c.get('/api/v1/lists')).body.items;
  const people = (await c.get('/api/v1/people?status=full&limit=1')).body.items;
  const periods = (await c.get('/api/v1/assessment/periods')).body.items;
  ids = {
    activity: acts.find((a) => a.kind === 'branch_assembly')?.id || acts[0].id,
    list: lists[0].id,
    person: people[0].id,
    period: periods[0]?.id,
  };
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// snake_case identifiers, and the one-word codes the server sends
// (a login such as demo-committee is a person's data, not a code: hyphenated words are left alone)
const CODE = /(?<![\w-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|pending|approved|rejected|quarter|claim|manual|attendance|probationary|planned|noticed|held|closed|cancelled|missing|overdue|branch|union|women|youth|committee|secretary|discipline|leader|officer|auditor)(?![\w-])/g;

// Sign-in names people type are data, not codes: the accounts page lists them (auditor …).
const LOGINS = new Set(['admin', 'secadmin', 'auditor']);

// Each page is reached through the app's router, as a click would (a whole page load for
// each of some 150 pages cost minutes of the suite), once every request it made has answered.
async function codesOn(page, path) {
  await spaGo(page, path);
  const text = await page.evaluate(() => document.body.innerText);
  const found = [...new Set(text.match(CODE) || [])];
  return path.startsWith('/admin/users') ? found.filter((c) => !LOGINS.has(c)) : found;
}

async function sweep(page, paths) {
  const found = [];
  for (const p of paths) {
    const codes = await codesOn(page, p);
    if (codes.length) found.push(`${p}: ${codes.join(', ')}`);
  }
  return found;
}

for (const login of ['demo-committee', 'demo-secretary', 'demo-discipline', 'demo-leader', 'demo-officer', 'admin']) {
  test(`console as ${login}: no code on any page`, async (t) => {
    await withPage(t, browser, 'desktop', server.url, async (page) => {
      await signInAs(page, '/admin', login, PASSWORD);
      page.djErrors.length = 0;
      await page.locator('.el-menu').first().waitFor();
      // open every submenu, then take each menu entry's address
      for (const sub of await page.locator('.el-sub-menu__title').all()) {
        if (!(await sub.locator('xpath=..').getAttribute('class')).includes('is-opened')) await sub.click();
      }
      // the menu's entries are router items, not links: follow each one to learn its address
      const menu = [];
      const items = page.locator('.el-menu .el-menu-item');
      for (let i = 0; i < await items.count(); i++) {
        await items.nth(i).click();
        await settle(page, 50);
        menu.push(new URL(page.url()).pathname);
      }
      const paths = [...new Set(['/admin/', ...menu])];
      if (['demo-committee', 'demo-secretary', 'demo-leader'].includes(login)) {
        paths.push(`/admin/activities/${ids.activity}`, `/admin/lists/${ids.list}`, `/admin/people/${ids.person}`,
          '/admin/activities?view=calendar', `/admin/points/ledger?person=${ids.person}`);
        if (ids.period && login !== 'demo-secretary') paths.push(`/admin/assess/periods/${ids.period}`);
      }
      // 三员分立: the 系统管理员 has accounts and settings only; the party-work roles see every screen of theirs
      assert.ok(paths.length >= (login === 'admin' ? 4 : 5), paths.join(' '));
      const found = await sweep(page, paths);
      assert.deepEqual(found, [], `codes on screen:\n${found.join('\n')}`);
    });
  });
}

for (const login of ['demo-member', 'demo-secretary']) {
  test(`phone as ${login}: no code on any screen`, async (t) => {
    await withPage(t, browser, 'phone', server.url, async (page) => {
      await signInAs(page, '/m', login, PASSWORD);
      const paths = ['/m/', '/m/activities', '/m/points', '/m/points?tab=honour', '/m/points?tab=claims', '/m/me', '/m/life',
        '/m/brands', '/m/items', `/m/activities/${ids.activity}`, '/m/study'];
      if (login === 'demo-secretary') {
        paths.push('/m/approvals', '/m/compliance', '/m/workbench', '/m/workbench/new', '/m/workbench/warnings');
        // the secretary's workbench: each of the branch's recent meetings as it is run
        const mine = await apiFromPage(page, '/api/v1/activities?limit=5&order=desc');
        assert.equal(mine.status, 200, JSON.stringify(mine.body));
        for (const a of mine.body.items) paths.push(`/m/workbench/meetings/${a.id}`);
      }
      const found = await sweep(page, paths);
      assert.deepEqual(found, [], `codes on screen:\n${found.join('\n')}`);
    });
  });
}
