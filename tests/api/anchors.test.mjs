// Tamper evidence a database owner cannot forge (issue 12, item 7): the audit trail
// and the points ledger are sealed with a key kept outside the database; checkpoints
// exported by the 审计管理员 catch rows cut off the end.  Someone with the database
// rewrites a ledger entry and recomputes every hash after it, edits an audit row,
// deletes one, cuts off the newest: `dangjian verify` names each.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, BIN, PASSWORD } from '../lib/server.mjs';
import { childEnv, shanghaiDate } from '../lib/clock.mjs';
import { seedAgency, sql, PERSON } from '../lib/fixtures.mjs';

let srv;
const pg = () => srv.db.startsWith('postgresql://');
const dropTrigger = (name, table) => (pg() ? `DROP TRIGGER ${name} ON ${table};` : `DROP TRIGGER ${name};`);
const verify = (...extra) => {
  const r = spawnSync(BIN, ['verify', '--db', srv.db, '--key-file', srv.keyFile, ...extra], { encoding: 'utf8', env: childEnv() });
  return { status: r.status, out: r.stdout ? JSON.parse(r.stdout) : null, err: r.stderr };
};
const sealed = (chain) => Number(sql(srv.db, `SELECT COUNT(*) FROM chain_links WHERE chain = '${chain}';`).trim());
async function until(cond, what) {
  for (let i = 0; i < 100; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// the ledger's own hash of an entry (src/points/points.c, points_entry_hash)
function entryHash(e, prev) {
  const h = createHash('sha256');
  const text = (tag, s) => { const v = s ?? ''; h.update(`${tag}=${Buffer.byteLength(v)}:`); if (v) h.update(v); };
  const int = (tag, v) => h.update(`${tag}=${v ?? 0};`);
  text('prev', prev); int('person', e.person_id); int('seq', e.seq); int('rule', e.rule_id); text('code', e.rule_code);
  int('delta', e.delta); text('source', e.source_type); int('source_id', e.source_id); int('reverses', e.reverses_id);
  text('reason', e.reason); text('occurred', e.occurred_at); int('created_by', e.created_by);
  int('approved_by', e.approved_by); text('created', e.created_at);
  return h.digest('hex');
}
const COLS = ['id', 'person_id', 'seq', 'rule_id', 'rule_code', 'delta', 'source_type', 'source_id', 'reverses_id',
  'reason', 'occurred_at', 'created_by', 'approved_by', 'created_at', 'prev_hash', 'hash'];
function entries(person) {
  const rows = sql(srv.db, `SELECT ${COLS.join(', ')} FROM points_ledger WHERE person_id = ${person} ORDER BY seq;`)
    .trim().split('\n');
  return rows.map((line) => {
    const v = line.split('|');
    const o = Object.fromEntries(COLS.map((c, i) => [c, v[i] === '' ? null : v[i]]));
    for (const c of ['id', 'person_id', 'seq', 'rule_id', 'delta', 'source_id', 'reverses_id', 'created_by', 'approved_by']) {
      o[c] = o[c] === null ? null : Number(o[c]);
    }
    return o;
  });
}

test.before(async () => {
  srv = await startServer();
  seedAgency(srv.db);
  const com = srv.client();
  await com.login('committee');
  for (let i = 0; i < 3; i++) {
    const r = await com.post('/api/v1/points/entries', {
      person_id: PERSON.memberA, rule_code: 'absence_unexcused', reason: `第 ${i + 1} 次无故缺席`, occurred_on: shanghaiDate(-i - 1), client_key: `anchor-manual-${i}`,
    });
    assert.equal(r.status, 201, r.text);
  }
  await until(() => sealed('ledger') >= 3 && sealed('audit') >= 5, 'the sealer');
});
test.after(async () => { await srv.stop(); });

test('verify passes on an untouched database, the key needed', async () => {
  const v = verify();
  assert.equal(v.status, 0, v.err);
  assert.equal(v.out.ok, true);
  assert.equal(v.out.seals.ok, true);
  assert.ok(v.out.seals.chains.ledger.links >= 3);
  assert.ok(v.out.seals.chains.audit.links >= 5);
  // another key: every seal is wrong
  const other = path.join(srv.dir, 'other.key');
  writeFileSync(other, `${'ab'.repeat(32)}\n`);
  const wrong = spawnSync(BIN, ['verify', '--db', srv.db, '--key-file', other], { encoding: 'utf8', env: childEnv() });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /对不上密钥/);
});

test('a ledger entry rewritten with every hash recomputed is named', async () => {
  const before = entries(PERSON.memberA);
  const victim = before[1];
  // the ledger's own chain is made whole again after the change ...
  let prev = before[0].hash;
  const changed = before.map((e) => ({ ...e }));
  changed[1].reason = '已请假（改写）';
  const updates = [];
  for (let i = 1; i < changed.length; i++) {
    changed[i].prev_hash = prev;
    changed[i].hash = entryHash(changed[i], prev);
    prev = changed[i].hash;
    updates.push(`UPDATE points_ledger SET reason = '${changed[i].reason}', prev_hash = '${changed[i].prev_hash}', hash = '${changed[i].hash}' WHERE id = ${changed[i].id};`);
  }
  sql(srv.db, `${dropTrigger('points_ledger_no_update', 'points_ledger')} ${updates.join(' ')}
    UPDATE points_heads SET hash = '${prev}' WHERE person_id = ${PERSON.memberA};`);
  const v = verify();
  assert.equal(v.status, 1);
  assert.equal(v.out.ok, false);
  // ... so the ledger's own check passes: only the seal, made with the key, tells
  assert.equal(v.out.first_bad, undefined, 'the recomputed chain fooled the plain hash check');
  assert.equal(v.out.seals.ok, false);
  assert.equal(v.out.seals.chain, 'ledger');
  assert.equal(v.out.seals.ref_id, victim.id);
  assert.match(v.err, new RegExp(`积分流水编号 ${victim.id} 在封存后被修改`));
  // put it back as it was: whole again
  sql(srv.db, before.slice(1).map((e) => `UPDATE points_ledger SET reason = '${e.reason}', prev_hash = '${e.prev_hash}', hash = '${e.hash}' WHERE id = ${e.id};`).join(' ')
    + ` UPDATE points_heads SET hash = '${before.at(-1).hash}' WHERE person_id = ${PERSON.memberA};`);
  assert.equal(verify().status, 0);
});

test('an audit row edited or deleted is named', async () => {
  const id = Number(sql(srv.db, "SELECT MIN(a.id) FROM audit a JOIN chain_links k ON k.chain = 'audit' AND k.ref_id = a.id WHERE a.action = 'create';").trim());
  const original = sql(srv.db, `SELECT after FROM audit WHERE id = ${id};`).trim();
  sql(srv.db, `${dropTrigger('audit_no_update', 'audit')} UPDATE audit SET after = '{"reason":"无"}' WHERE id = ${id};`);
  let v = verify();
  assert.equal(v.status, 1);
  assert.equal(v.out.seals.chain, 'audit');
  assert.equal(v.out.seals.ref_id, id);
  assert.match(v.err, new RegExp(`审计记录编号 ${id} 在封存后被修改`));
  sql(srv.db, `UPDATE audit SET after = '${original.replaceAll("'", "''")}' WHERE id = ${id};`);
  assert.equal(verify().status, 0, 'restored');
  // deleted
  const gone = Number(sql(srv.db, "SELECT MAX(ref_id) FROM chain_links WHERE chain = 'audit';").trim());
  sql(srv.db, `${dropTrigger('audit_no_delete', 'audit')} DELETE FROM audit WHERE id = ${gone};`);
  v = verify();
  assert.equal(v.status, 1);
  assert.equal(v.out.seals.ref_id, gone);
  assert.match(v.err, new RegExp(`审计记录编号 ${gone} 在封存后被删除`));
});

test('rows cut off the end with their seals are caught by the auditor\'s checkpoint file', async () => {
  // a fresh server: the auditor exports the checkpoints, then someone cuts off the newest records
  const own = await startServer();
  try {
    seedAgency(own.db);
    const c = own.client();
    await c.login('leader');
    await c.login('discipline');
    const auditor = own.client();
    await auditor.login('auditor');
    const exp = await auditor.get('/api/v1/audit/checkpoints');
    assert.equal(exp.status, 200, exp.text);
    assert.equal(exp.body.kind, 'dangjian-checkpoints');
    assert.ok(exp.body.checkpoints.length >= 1);
    assert.match(exp.headers.get('content-disposition'), /attachment/);
    const kept = path.join(own.dir, 'kept.json');
    writeFileSync(kept, exp.text);
    const denied = own.client();
    await denied.login('admin');
    assert.equal((await denied.get('/api/v1/audit/checkpoints')).status, 403);
    const run = (...a) => {
      const r = spawnSync(BIN, ['verify', '--db', own.db, '--key-file', own.keyFile, ...a], { encoding: 'utf8', env: childEnv() });
      return { status: r.status, out: JSON.parse(r.stdout), err: r.stderr };
    };
    assert.equal(run('--checkpoints', kept).status, 0);
    // the newest sealed records go, their seals and the checkpoints in the database too
    const isPg = own.db.startsWith('postgresql://');
    const drop = (n, t) => (isPg ? `DROP TRIGGER ${n} ON ${t};` : `DROP TRIGGER ${n};`);
    // from the link before the head the auditor's file names, to the end
    const head = JSON.parse(exp.body.checkpoints.at(-1).heads).audit.seq;
    const refs = sql(own.db, `SELECT ref_id FROM chain_links WHERE chain = 'audit' AND seq >= ${head - 1};`).trim().split('\n').join(',');
    sql(own.db, `${drop('audit_no_delete', 'audit')} ${drop('chain_links_no_delete', 'chain_links')}
      DELETE FROM audit WHERE id IN (${refs}); DELETE FROM chain_links WHERE chain = 'audit' AND seq >= ${head - 1};
      DELETE FROM checkpoints;`);
    const alone = run();
    assert.equal(alone.status, 0, 'the database alone looks whole');
    const withFile = run('--checkpoints', kept);
    assert.equal(withFile.status, 1);
    assert.equal(withFile.out.seals.chain, 'audit');
    // the head the file names is gone (or, once the server sealed newer rows in its place, another link)
    assert.match(withFile.err, /所保存的检查点.*审计记录第 \d+ 环(已不在数据库中|与数据库不一致)/);
  } finally {
    await own.stop();
  }
});

test('a backup carries no live sessions', async () => {
  if (pg()) return; // `dangjian backup` copies a SQLite file; PostgreSQL is backed up with its own tools
  const c = srv.client();
  await c.login('member-b', PASSWORD);
  const to = path.join(srv.dir, 'backup.db');
  const r = spawnSync(BIN, ['backup', '--db', srv.db, '--to', to], { encoding: 'utf8', env: childEnv() });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(sql(srv.db, 'SELECT COUNT(*) FROM sessions;').trim()) > 0);
  assert.equal(sql(to, 'SELECT COUNT(*) FROM sessions;').trim(), '0');
  assert.equal(sql(to, 'SELECT COUNT(*) FROM login_throttle;').trim(), '0');
  assert.ok(Number(sql(to, 'SELECT COUNT(*) FROM people;').trim()) >= 10);
});
