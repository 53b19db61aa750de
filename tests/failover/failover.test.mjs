// Failover without losing an acknowledged write (issue 20): a PostgreSQL primary and a
// synchronous streaming replica (two clusters on this machine, synchronous_commit=on),
// two `dangjian serve` connecting with libpq's multi-host URL and
// target_session_attrs=read-write. A burst of QR check-ins and point awards runs while
// the primary is killed with SIGKILL and the replica promoted; every write that got a
// 2xx is on the new primary, the ledger's chains and seals verify, and the servers
// answer writes again within 10 s without a restart. Needs root (the clusters run as
// the postgres user). Run: tests/failover/run (tests/run calls it).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, chownSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, PASSWORD, Client, freePort } from '../lib/server.mjs';
import { startNode } from '../lib/cluster.mjs';
import { seedAgency, sql, ORG, PERSON } from '../lib/fixtures.mjs';
import { childEnv, iso8 } from '../lib/clock.mjs';

const PGBIN = readdirSync('/usr/lib/postgresql').sort().map((v) => `/usr/lib/postgresql/${v}/bin`).pop();
const MIN = 60 * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const asPg = (cmd, args, opts = {}) => execFileSync('runuser', ['-u', 'postgres', '--', path.join(PGBIN, cmd), ...args], { stdio: 'pipe', ...opts });

function pgStart(data, sock, port, extra = []) {
  asPg('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', `${data}.log`, 'start', '-o',
    [`-k ${sock}`, `-p ${port}`, '-c listen_addresses=', '-c max_connections=200', '-c wal_level=replica',
      '-c max_wal_senders=5', '-c hot_standby=on', ...extra].join(' ')]);
}

test('failover: kill -9 the primary, promote the synchronous replica; no acknowledged write is lost', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dj-failover-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const [p1, p2] = [await freePort(), await freePort()];
  const d1 = path.join(dir, 'primary'), d2 = path.join(dir, 'replica');
  const nodes = [];
  let stopped = false;
  const T0 = Date.now();
  const stage = (what) => t.diagnostic(`${((Date.now() - T0) / 1000).toFixed(1)} s: ${what}`);
  try {
    // the primary: every commit waits for the replica ("replica1") to have it
    asPg('initdb', ['-D', d1, '-A', 'trust', '-U', 'dj'], { cwd: dir });
    pgStart(d1, dir, p1, ['-c synchronous_commit=on']);
    execFileSync('createdb', ['-h', dir, '-p', String(p1), '-U', 'dj', 'dangjian']);
    // the replica: a base backup that follows the primary (its own settings have no
    // synchronous standby, so once promoted it does not wait for one)
    asPg('pg_basebackup', ['-D', d2, '-R', '-X', 'stream', '-c', 'fast', '-d', `host=${dir} port=${p1} user=dj application_name=replica1`], { cwd: dir });
    pgStart(d2, dir, p2);
    stage('replica started');
    const primaryUrl = `postgresql://dj@/dangjian?host=${encodeURIComponent(dir)}&port=${p1}`;
    // only now (the base backup taken) does the primary wait for its replica
    sql(primaryUrl, "ALTER SYSTEM SET synchronous_standby_names = 'replica1'; SELECT pg_reload_conf();");
    for (let i = 0; ; i++) {
      const st = sql(primaryUrl, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica1';").trim();
      if (st === 'sync') break;
      if (i > 100) assert.fail(`the replica is not synchronous: "${st}"`);
      await sleep(100);
    }
    // the servers: one URL naming both hosts; libpq picks the one that takes writes
    const url = `postgresql://dj@/dangjian?host=${encodeURIComponent(`${dir},${dir}`)}&port=${p1},${p2}` +
      '&target_session_attrs=read-write&connect_timeout=2';
    const keyFile = path.join(dir, 'seal.key');
    writeFileSync(keyFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    execFileSync(BIN, ['init', '--db', url, '--admin-password', PASSWORD, '--key-file', keyFile], { env: childEnv(), stdio: 'pipe' });
    seedAgency(primaryUrl);
    for (let i = 0; i < 2; i++) nodes.push(await startNode({ db: url, keyFile, dir }));
    stage('servers up');

    const sec = new Client(nodes[0].url); await sec.login('sec-a');
    const committee = new Client(nodes[1].url); await committee.login('committee');
    const mem = [new Client(nodes[0].url), new Client(nodes[1].url)];
    await mem[0].login('member-a'); await mem[1].login('member-b');
    // activities to sign in to, and a claim rule that needs no approval and allows several a day
    const acts = [];
    for (let i = 0; i < 30; i++) {
      const now = Date.now();
      const r = await sec.post('/api/v1/activities', { org_id: ORG.branchA, kind: 'branch_assembly', title: `故障切换演练 ${i + 1}`,
        starts_at: iso8(now - 5 * MIN), ends_at: iso8(now + 55 * MIN), place: '三楼会议室' });
      assert.equal(r.status, 201, r.text);
      assert.equal((await sec.post(`/api/v1/activities/${r.body.id}/notice`)).status, 200);
      acts.push(r.body.id);
    }
    const rule = await committee.post('/api/v1/points/rules', { code: 'failover_drill', name: '演练记分', category: '业务贡献',
      points: 1, source: 'claim', several_a_day: true, needs_approval: false, effective_from: '2020-01-01' });
    assert.equal(rule.status, 201, rule.text);
    stage('activities made');

    // the burst: hand check-ins (the secretary, both servers) and claims recorded at once
    const acked = { checkins: [], entries: [] };
    const failed = { checkins: 0, entries: 0 };
    let killedAt = 0, firstAfter = 0, stop = false;
    const people = [PERSON.secA, PERSON.memberA, 3, 4, 6];
    const secOn = [sec, Object.assign(new Client(nodes[1].url), { cookie: sec.cookie, csrf: sec.csrf })];
    const checkins = (async () => {
      let k = 0;
      for (const a of acts) {
        for (const p of people) {
          if (stop) return;
          const c = secOn[k++ % 2];
          const sent = Date.now();
          const r = await c.post(`/api/v1/activities/${a}/checkin`, { person_id: p }).catch(() => ({ status: 0 }));
          if (r.status === 201 || r.status === 200) {
            acked.checkins.push([a, p]);
            if (killedAt && sent > killedAt && !firstAfter) firstAfter = Date.now();
          } else failed.checkins++;
          await sleep(20);
        }
      }
    })();
    const claims = (async () => {
      for (let i = 0; !stop; i++) {
        const c = mem[i % 2];
        const sent = Date.now();
        const r = await c.post('/api/v1/points/claims', { rule_code: 'failover_drill', description: `演练记分第 ${i + 1} 次`, occurred_on: iso8(Date.now()).slice(0, 10) })
          .catch(() => ({ status: 0 }));
        if (r.status === 201) {
          assert.ok(r.body.entry_id > 0, JSON.stringify(r.body));
          acked.entries.push(r.body.entry_id);
          if (killedAt && sent > killedAt && !firstAfter) firstAfter = Date.now();
        } else failed.entries++;
        await sleep(10);
      }
    })();
    await sleep(2500);
    // the primary dies hard: SIGKILL to the postmaster and every backend
    const pid = Number(readFileSync(path.join(d1, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const kids = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
    const before = acked.checkins.length + acked.entries.length;
    killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    for (const k of kids) { try { process.kill(k, 'SIGKILL'); } catch { /* gone */ } }
    stopped = true;
    // the operator (or Patroni) promotes the replica
    await sleep(500);
    asPg('pg_ctl', ['-D', d2, '-w', 'promote']);
    const promotedAt = Date.now();
    await within(15000, () => firstAfter > 0, 'a write acknowledged after the failover');
    await sleep(2000);
    stop = true;
    await Promise.all([checkins, claims]);
    stage('burst over');
    const back = (firstAfter - killedAt) / 1000;
    t.diagnostic(`acknowledged writes: ${acked.checkins.length} check-ins, ${acked.entries.length} point awards (${before} before the kill); ` +
      `refused or failed: ${failed.checkins + failed.entries}; writes answered again ${back.toFixed(2)} s after the kill ` +
      `(${((firstAfter - promotedAt) / 1000).toFixed(2)} s after the promotion)`);
    assert.ok(acked.entries.length > 20 && acked.checkins.length > 20, JSON.stringify({ n: [acked.checkins.length, acked.entries.length] }));
    assert.ok(back <= 10, `service back after ${back} s`);

    // every acknowledged write is on the new primary
    const newUrl = `postgresql://dj@/dangjian?host=${encodeURIComponent(dir)}&port=${p2}`;
    const att = new Set(sql(newUrl, 'SELECT activity_id || \':\' || person_id FROM attendance;').trim().split('\n'));
    const lost = acked.checkins.filter(([a, p]) => !att.has(`${a}:${p}`));
    assert.deepEqual(lost, [], 'acknowledged check-ins missing');
    const ids = new Set(sql(newUrl, 'SELECT id FROM points_ledger;').trim().split('\n').map(Number));
    assert.deepEqual(acked.entries.filter((id) => !ids.has(id)), [], 'acknowledged awards missing');
    // the chains and the seals verify, through the API and the CLI
    const v = await committee.get('/api/v1/points/verify');
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.ok, true, JSON.stringify(v.body));
    const cli = spawnSync(BIN, ['verify', '--db', url, '--key-file', keyFile], { encoding: 'utf8', env: childEnv() });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    stage('verified');
  } finally {
    for (const s of nodes) await s.stop().catch(() => s.kill());
    for (const d of [d2, d1]) {
      if (d === d1 && stopped) continue;
      try { asPg('pg_ctl', ['-D', d, '-m', 'immediate', 'stop']); } catch { /* not running */ }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

async function within(ms, fn, what) {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}
