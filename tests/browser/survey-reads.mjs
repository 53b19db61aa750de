// Not a test: lists the API reads each main screen makes (the browser's network log), so that
// bench/reads/run can be checked against them.  node tests/browser/survey-reads.mjs
import { startServer, PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, signInAs, settle, spaGo } from './lib.mjs';

const SCREENS = {
  phone: {
    'demo-member': ['/m/', '/m/study', '/m/activities', '/m/points', '/m/me', '/m/inbox', '/m/items', '/m/life', '/m/dues', '/m/development'],
    'demo-secretary': ['/m/', '/m/workbench', '/m/activities', '/m/compliance', '/m/approvals', '/m/points'],
  },
  desktop: {
    'demo-committee': ['/admin/', '/admin/orgs', '/admin/people', '/admin/activities', '/admin/compliance', '/admin/lists',
      '/admin/points/rankings', '/admin/points/ledger', '/admin/cockpit', '/admin/assess', '/admin/study/materials',
      '/admin/dues', '/admin/development', '/admin/transfers', '/admin/brands', '/admin/inbox', '/admin/life-stats'],
    'demo-leader': ['/admin/', '/admin/cockpit'],
  },
};
const srv = await startServer({ demo: true });
const browser = await launchBrowser();
try {
  for (const [kind, users] of Object.entries(SCREENS)) {
    for (const [login, screens] of Object.entries(users)) {
      const page = await newPage(browser, kind, srv.url);
      const section = screens[0].startsWith('/m') ? '/m' : '/admin';
      let seen = [];
      page.on('request', (rq) => {
        const u = new URL(rq.url());
        if (rq.method() === 'GET' && u.pathname.startsWith('/api/')) seen.push(u.pathname + u.search);
      });
      await signInAs(page, section, login, PASSWORD);
      await settle(page, 300);
      console.log(`${kind}\t${login}\t(home, after signing in)\t${[...new Set(seen)].join(' ')}`);
      for (const s of screens.slice(1)) {
        seen = [];
        await spaGo(page, s);
        await settle(page, 300);
        console.log(`${kind}\t${login}\t${s}\t${[...new Set(seen)].join(' ')}`);
      }
      await page.context().close();
    }
  }
} finally {
  await browser.close();
  await srv.stop();
}
