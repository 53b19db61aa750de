// Points (issue 5): idempotent awards from organisational-life events, caps, claims and
// their approval by the right branch, parallel awards, reversals, rankings, the rule
// catalogue's versions, the hash chain's tamper detection (API and CLI), XLSX export.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, startServer } from '../lib/server.mjs';
import { seedAgency, sql, PERSON } from '../lib/fixtures.mjs';

// h minutes after midnight of today in Shanghai (earlier today, in the same Shanghai day)
function todayAt(h) {
  const shDay = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  return new Date(Date.parse(`${shDay}T00:00:00+08:00`) + h * 60e3).toISOString().replace(/\.\d+Z$/, 'Z');
}
const TODAY = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
// the points year is Shanghai's: just after midnight on 1 January, UTC is still in the old one
const YEAR = Number(TODAY.slice(0, 4));

function addEvent(db, { person, activity, kind = 'attendance', akind = 'branch_assembly', qty = 1, at }) {
  sql(db, `INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)
           VALUES (${person}, ${activity}, '${kind}', '${akind}', ${qty}, '${at}')
           ON CONFLICT (person_id, activity_id, kind) DO NOTHING;`);
}

test('points: events, caps, claims, parallel awards, reversal, rankings, rules, verify', async (t) => {
  const srv = await startServer();
  try {
    seedAgency(srv.db);
    const committee = srv.client(); await committee.login('committee');
    const secA = srv.client(); await secA.login('sec-a');
    const secB = srv.client(); await secB.login('sec-b');
    const memA = srv.client(); await memA.login('member-a');
    const memB = srv.client(); await memB.login('member-b');
    const at = todayAt(1);

    await t.test('replaying the same attendance events awards once', async () => {
      for (const p of [PERSON.memberA, 3, 6]) addEvent(srv.db, { person: p, activity: 101, at });
      let r = await committee.post('/api/v1/points/sync', {});
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.awarded, 3);
      // the same events again, and the life module re-inserting one under a new row id
      addEvent(srv.db, { person: PERSON.memberA, activity: 101, at });
      sql(srv.db, `DELETE FROM life_events WHERE person_id = ${PERSON.memberA} AND activity_id = 101;`);
      addEvent(srv.db, { person: PERSON.memberA, activity: 101, at });
      r = await committee.post('/api/v1/points/sync', {});
      assert.equal(r.status, 200);
      assert.equal(r.body.awarded, 0);
      assert.equal(r.body.duplicates, 1);
      r = await committee.post('/api/v1/points/sync', {});
      assert.equal(r.body.events, 0);
      const n = sql(srv.db, `SELECT COUNT(*) FROM points_ledger WHERE person_id = ${PERSON.memberA};`).trim();
      assert.equal(n, '1');
      const me = await memA.get('/api/v1/points/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.year.earned, 1);
      assert.equal(me.body.year.score, 61);
      // a non-member (person 5 is an activist) gets no points, and is told why
      addEvent(srv.db, { person: 5, activity: 101, at });
      r = await committee.post('/api/v1/points/sync', {});
      assert.equal(r.body.skipped, 1);
    });

    await t.test('the daily study cap: a reduced award, then none with a reason the member sees', async () => {
      for (const [i, h] of [[201, 2], [202, 2], [203, 1.5]].entries())
        addEvent(srv.db, { person: PERSON.memberA, activity: h[0], kind: 'study_hours', akind: 'study_session', qty: h[1], at: todayAt(1 + i) });
      const r = await committee.post('/api/v1/points/sync', {});
      assert.equal(r.body.awarded, 2);
      assert.equal(r.body.skipped, 1);
      const deltas = sql(srv.db, `SELECT delta FROM points_ledger
        WHERE person_id = ${PERSON.memberA} AND rule_code = 'study_hours' ORDER BY seq;`).trim().split('\n').join(',');
      assert.equal(deltas, '2,1');
      const me = await memA.get('/api/v1/points/me');
      assert.ok(me.body.notices.some((n) => n.message === '本日学习积分已达上限'), JSON.stringify(me.body.notices));
      const led = await memA.get('/api/v1/points/ledger');
      assert.equal(led.body.total, 3);
      assert.match(led.body.items[0].reason, /上限/);
    });

    let claimB;
    await t.test('a secretary cannot approve another branch\'s claim; the right one can', async () => {
      let r = await memB.post('/api/v1/points/claims', { rule_code: 'article_published', description: '在市报发表理论文章一篇', occurred_on: TODAY });
      assert.equal(r.status, 201, r.text);
      claimB = r.body.id;
      r = await memB.post('/api/v1/points/claims', { rule_code: 'attend_branch_assembly', description: '想加分', occurred_on: TODAY });
      assert.equal(r.status, 400, 'an automatic rule cannot be claimed');
      r = await memB.post('/api/v1/points/claims', { rule_code: 'article_published', description: '未来的文章', occurred_on: `${YEAR + 1}-01-01` });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'occurred_on');
      r = await secA.post(`/api/v1/points/claims/${claimB}/decision`, { approve: true });
      assert.equal(r.status, 403);
      const queueA = await secA.get('/api/v1/points/claims');
      assert.equal(queueA.body.items.length, 0);
      const queueB = await secB.get('/api/v1/points/claims');
      assert.deepEqual(queueB.body.items.map((k) => k.id), [claimB]);
      r = await secB.post(`/api/v1/points/claims/${claimB}/decision`, { approve: false });
      assert.equal(r.status, 400, 'a rejection needs a reason');
      r = await secB.post(`/api/v1/points/claims/${claimB}/decision`, { approve: true, reason: '属实' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.delta, 3);
      r = await secB.post(`/api/v1/points/claims/${claimB}/decision`, { approve: true });
      assert.equal(r.status, 409);
      const mine = await memB.get('/api/v1/points/claims?mine=1');
      assert.equal(mine.body.items[0].status, 'approved');
      assert.equal(mine.body.items[0].decision_reason, '属实');
      // a secretary's own claim goes to someone else
      r = await secA.post('/api/v1/points/claims', { rule_code: 'lecture_given', description: '讲授专题党课', occurred_on: TODAY });
      r = await secA.post(`/api/v1/points/claims/${r.body.id}/decision`, { approve: true });
      assert.equal(r.status, 403);
    });

    await t.test('100 parallel awards for one member all land', async () => {
      // one deed a day is the rule; this one allows several (and has no daily cap)
      const rule = await committee.post('/api/v1/points/rules', { code: 'honour_batch', name: '集体表彰（逐项）', category: '业务贡献',
        points: 5, source: 'claim', several_a_day: true, effective_from: '2020-01-01' });
      assert.equal(rule.status, 201, rule.text);
      const ids = [];
      for (let i = 0; i < 100; i++) {
        const r = await memA.post('/api/v1/points/claims', { rule_code: 'honour_batch', description: `表彰第 ${i + 1} 项`, occurred_on: TODAY });
        assert.equal(r.status, 201, r.text);
        ids.push(r.body.id);
      }
      const before = (await memA.get('/api/v1/points/me')).body.year.earned;
      const rs = await Promise.all(ids.map((id) => committee.post(`/api/v1/points/claims/${id}/decision`, { approve: true, reason: '同意' })));
      assert.deepEqual(rs.map((r) => r.status), ids.map(() => 200));
      const me = await memA.get('/api/v1/points/me');
      assert.equal(me.body.year.earned, before + 500);
      const seqs = sql(srv.db, `SELECT COUNT(*), MAX(seq) FROM points_ledger WHERE person_id = ${PERSON.memberA};`).trim();
      const [count, maxSeq] = seqs.split('|').map(Number);
      assert.equal(count, maxSeq, 'the chain has no gap');
      const sum = sql(srv.db, `SELECT SUM(delta) FROM points_ledger WHERE person_id = ${PERSON.memberA};`).trim();
      assert.equal(Number(sum), me.body.year.earned, 'totals equal the ledger');
      const v = await committee.get('/api/v1/points/verify');
      assert.deepEqual(v.body, { ok: true, entries: Number(sql(srv.db, 'SELECT COUNT(*) FROM points_ledger;').trim()) });
    });

    await t.test('ranks: dense within branch and agency; the honour roll for every member', async () => {
      const r = await committee.get(`/api/v1/points/rankings?org=2&period=${YEAR}`);
      assert.equal(r.status, 200, r.text);
      const top = r.body.items[0];
      assert.equal(top.person_id, PERSON.memberA);
      assert.equal(top.rank, 1);
      // persons 3 and 6 both have 1 point: they share rank 2
      const r3 = r.body.items.find((i) => i.person_id === 3), r6 = r.body.items.find((i) => i.person_id === 6);
      assert.equal(r3.rank, 2);
      assert.equal(r6.rank, 2);
      assert.ok(r.body.branches.some((b) => b.org_id === 2 && b.members > 0));
      const me = await memA.get('/api/v1/points/me');
      assert.equal(me.body.year.rank_branch, 1);
      assert.equal(me.body.year.rank_agency, 1);
      const meB = await memB.get('/api/v1/points/me');
      assert.equal(meB.body.year.rank_agency, 2);
      const roll = await memB.get('/api/v1/points/honour-roll');
      assert.equal(roll.status, 200);
      assert.equal(roll.body.items[0].person_id, PERSON.memberA);
      assert.equal((await memB.get(`/api/v1/points/rankings?org=3`)).status, 403);
      assert.equal((await secA.get(`/api/v1/points/rankings?org=3`)).status, 403);
      const own = await secA.get('/api/v1/points/rankings');
      assert.equal(own.status, 200, 'a secretary ranks their own branch by default');
      assert.equal(own.body.org_id, 2);
      assert.equal((await committee.get('/api/v1/points/rankings?period=2026-13')).status, 400);
      const q = await committee.get(`/api/v1/points/rankings?org=1&period=${TODAY.slice(0, 7)}`);
      assert.equal(q.status, 200);
    });

    await t.test('a reversal is a new entry; nothing is updated or deleted', async () => {
      const entry = Number(sql(srv.db, `SELECT id FROM points_ledger WHERE person_id = 3;`).trim());
      let r = await memA.post(`/api/v1/points/entries/${entry}/reverse`, { reason: '误记' });
      assert.equal(r.status, 403);
      r = await committee.post(`/api/v1/points/entries/${entry}/reverse`, { reason: '当天请假，签到误记' });
      assert.equal(r.status, 201, r.text);
      r = await committee.post(`/api/v1/points/entries/${entry}/reverse`, { reason: '再冲一次' });
      assert.equal(r.status, 409);
      assert.equal(sql(srv.db, `SELECT total FROM points_totals WHERE person_id = 3 AND period = '${YEAR}';`).trim(), '0');
      assert.throws(() => sql(srv.db, `UPDATE points_ledger SET delta = 9 WHERE id = ${entry};`), /append-only/);
      assert.throws(() => sql(srv.db, `DELETE FROM points_ledger WHERE id = ${entry};`), /append-only/);
      // a manual deduction
      r = await committee.post('/api/v1/points/entries', { person_id: 6, rule_code: 'absence_unexcused', reason: '无故缺席主题党日', occurred_on: TODAY, client_key: 'manual-0001' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.delta, -2);
      r = await committee.post('/api/v1/points/entries', { person_id: 6, rule_code: 'honour_received', reason: '手工加分', occurred_on: TODAY, client_key: 'manual-0002' });
      assert.equal(r.status, 400);
    });

    await t.test('rule versions take effect from a date and never rewrite given points', async () => {
      const body = { code: 'attend_branch_assembly', name: '参加支部党员大会', category: '组织生活', points: 2, source: 'attendance', activity_kind: 'branch_assembly', effective_from: '2020-01-01' };
      let r = await committee.post('/api/v1/points/rules', body);
      assert.equal(r.status, 409);
      r = await memA.post('/api/v1/points/rules', { ...body, effective_from: TODAY });
      assert.equal(r.status, 403);
      r = await committee.post('/api/v1/points/rules', { ...body, effective_from: TODAY });
      assert.equal(r.status, 201, r.text);
      r = await committee.post('/api/v1/points/rules', { ...body, code: 'x y', effective_from: TODAY });
      assert.equal(r.status, 400);
      // a claim under a rule that needs no approval is recorded at once
      r = await committee.post('/api/v1/points/rules', { code: 'micro_share', name: '党建+微分享', category: '学习', points: 1, source: 'claim', needs_approval: false, effective_from: '2026-01-01' });
      assert.equal(r.status, 201, r.text);
      r = await memB.post('/api/v1/points/claims', { rule_code: 'micro_share', description: '在支部微信群分享学习体会', occurred_on: TODAY });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.status, 'approved');
      assert.ok(r.body.entry_id > 0);
      const rules = await memA.get('/api/v1/points/rules');
      const rule = rules.body.items.find((x) => x.code === 'attend_branch_assembly');
      assert.equal(rule.version, 2);
      assert.equal(rule.points, 2);
      // the old entries keep version 1 and 1 point; a new attendance today gets 2
      addEvent(srv.db, { person: 9, activity: 102, at });
      await committee.post('/api/v1/points/sync', {});
      const got = sql(srv.db, `SELECT l.delta || '|' || r.version FROM points_ledger l JOIN points_rules r ON r.id = l.rule_id WHERE l.person_id = 9;`).trim();
      assert.equal(got, '2|2');
      assert.equal(sql(srv.db, `SELECT delta FROM points_ledger WHERE person_id = 3 AND source_type = 'attendance';`).trim(), '1');
    });

    await t.test('XLSX export of the ledger and the rankings', async () => {
      for (const p of ['/api/v1/points/ledger/export?org=1', `/api/v1/points/rankings/export?org=1&period=${YEAR}`, `/api/v1/points/ledger/export?person=${PERSON.memberA}`]) {
        const r = await committee.get(p);
        assert.equal(r.status, 200, p);
        assert.equal(r.raw.subarray(0, 2).toString(), 'PK');
      }
    });

    await t.test('tampering with a stored row is named by /verify and by `dangjian verify`', async () => {
      let cli = spawnSync(BIN, ['verify', '--db', srv.db], { encoding: 'utf8' });
      assert.equal(cli.status, 0, cli.stderr);
      const victim = Number(sql(srv.db, `SELECT id FROM points_ledger WHERE person_id = ${PERSON.memberA} ORDER BY seq LIMIT 1 OFFSET 2;`).trim());
      // someone with the database file: drops the guard and edits one delta
      // (PostgreSQL names the trigger's table; SQLite's trigger names are global)
      const on = srv.db.startsWith('postgresql://') ? ' ON points_ledger' : '';
      sql(srv.db, `DROP TRIGGER points_ledger_no_update${on}; UPDATE points_ledger SET delta = delta + 10 WHERE id = ${victim};`);
      const v = await committee.get('/api/v1/points/verify');
      assert.equal(v.body.ok, false);
      assert.equal(v.body.first_bad, victim);
      assert.equal((await memA.get('/api/v1/points/verify')).status, 403);
      cli = spawnSync(BIN, ['verify', '--db', srv.db], { encoding: 'utf8' });
      assert.equal(cli.status, 1);
      assert.equal(JSON.parse(cli.stdout).first_bad, victim);
    });
  } finally {
    await srv.stop();
  }
});
