// bench/notify (see run): a notice to N members, delivered through the outbox to a fake 企业微信.
import { performance } from 'node:perf_hooks';
import { startServer } from '../../tests/lib/server.mjs';
import { startFakeWecom } from '../../tests/lib/fake-wecom.mjs';
import { seedAgency, sql, ORG } from '../../tests/lib/fixtures.mjs';

const N = Number(process.env.N || 10000);
const RATE = Number(process.env.RATE || 0);
const iso8 = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

const fake = await startFakeWecom({ rate: RATE });
const srv = await startServer({ args: ['--quiet'] });
try {
  seedAgency(srv.db);
  // N more members of branch A, each with an account and a work-app binding
  const rows = [];
  for (let i = 0; i < N; i++) rows.push(`(${1000 + i}, '成员${i}', ${ORG.branchA}, 'full', 'x', 'x')`);
  const users = rows.map((_, i) => `(${1000 + i}, 'm${i}', '成员${i}', 'x', ${1000 + i}, 'x')`);
  const binds = rows.map((_, i) => `('wx${i}', ${1000 + i}, 'x')`);
  const chunks = (xs) => { const out = []; for (let i = 0; i < xs.length; i += 1000) out.push(xs.slice(i, i + 1000)); return out; };
  let text = 'BEGIN;\n';
  for (const c of chunks(rows)) text += `INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES ${c.join(',')};\n`;
  for (const c of chunks(users)) text += `INSERT INTO users (id, login, name, password_hash, person_id, created_at) VALUES ${c.join(',')};\n`;
  for (const c of chunks(binds)) text += `INSERT INTO wecom_bindings (wecom_userid, person_id, created_at) VALUES ${c.join(',')};\n`;
  sql(srv.db, `${text}COMMIT;`);
  const as = async (login) => { const c = srv.client(); await c.login(login); return c; };
  const admin = await as('admin');
  await admin.patch('/api/v1/settings', { 'notify.quiet_start_hour': 0, 'notify.quiet_end_hour': 0, 'notify.retry_base_seconds': 1 });
  await admin.put('/api/v1/notify/channels/wecom', { enabled: true, api_base: fake.url, corpid: fake.corpId, agentid: '1000002',
    app_url: srv.url, secret: fake.secret, timeout_seconds: 5 });
  const sec = await as('sec-a');
  const mem = await as('member-a');
  const t0 = Date.now() + 26 * 3600e3;
  const a = await sec.post('/api/v1/activities', { org_id: ORG.branchA, kind: 'branch_assembly', title: '支部党员大会',
    starts_at: iso8(t0), ends_at: iso8(t0 + 3600e3), place: '大礼堂' });
  console.log(`activity with ${a.body.expected_count} expected`);
  const s0 = performance.now();
  const n = await sec.post(`/api/v1/activities/${a.body.id}/notice`);
  const noticeMs = performance.now() - s0;
  console.log(`notice: HTTP ${n.status} in ${noticeMs.toFixed(0)} ms (inbox and outbox rows written in its transaction)`);
  const inboxRows = Number(sql(srv.db, "SELECT COUNT(*) FROM notifications;").trim());
  const outbox = Number(sql(srv.db, "SELECT COUNT(*) FROM notify_outbox;").trim());
  console.log(`rows: ${inboxRows} inbox messages, ${outbox} outbox rows`);
  if (!process.env.NOTICE_ONLY) await deliver(mem);
} finally {
  await srv.stop();
  await fake.stop();
}

async function deliver(mem) {
  // reads while the worker delivers
  const reads = [];
  let delivering = true;
  const reader = (async () => {
    while (delivering) {
      const r0 = performance.now();
      await mem.get('/api/v1/inbox/unread');
      reads.push(performance.now() - r0);
    }
  })();
  const d0 = performance.now();
  await fake.until((s) => s.messages.length >= N, 30 * 60 * 1000, 'every delivery'); // the N bound members (the fixture's own people are not bound)
  const deliverMs = performance.now() - d0;
  delivering = false;
  await reader;
  await new Promise((r) => setTimeout(r, 2000));
  const to = fake.state.messages.map((m) => m.touser);
  console.log(`delivered ${to.length} (${new Set(to).size} distinct) in ${(deliverMs / 1000).toFixed(1)} s`
    + ` = ${(to.length / deliverMs * 1000).toFixed(0)}/s; calls ${fake.state.attempts}, refused by the rate limit ${fake.state.limited}`);
  console.log(`unread-count reads meanwhile: ${reads.length}, p50 ${pct(reads, 0.5).toFixed(1)} ms, p99 ${pct(reads, 0.99).toFixed(1)} ms`);
  if (to.length !== new Set(to).size) { console.log('DUPLICATES'); process.exitCode = 1; }
}
