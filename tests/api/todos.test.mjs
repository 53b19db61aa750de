// The phone's to-do list gathers every subject: work-list items due or overdue
// for the people responsible, points claims to decide and claims decided.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { seedAgency, ORG, PERSON } from '../lib/fixtures.mjs';

const shanghaiDay = (offsetDays) => new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);

let srv;
test.before(async () => { srv = await startServer(); seedAgency(srv.db); });
test.after(async () => { await srv.stop(); });

test('items I answer for show when overdue or due soon, not when far off or done', async () => {
  const committee = srv.client();
  await committee.login('committee');
  const list = await committee.post('/api/v1/lists', { kind: 'model_organ', title: '模范机关创建清单', year: 2026 });
  assert.equal(list.status, 201, list.text);
  const add = async (title, due) => {
    const r = await committee.post(`/api/v1/lists/${list.body.id}/items`, {
      title, category: '学习型', org_id: ORG.branchA, owners: [PERSON.memberA], due_on: due,
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const late = await add('整理学习笔记', shanghaiDay(-3));
  const soon = await add('开展专题学习', shanghaiDay(2));
  await add('年度总结', shanghaiDay(60));
  const member = srv.client();
  await member.login('member-a');
  const todos = (await member.get('/api/v1/todos')).body.items.filter((t) => t.source === 'lists');
  assert.deepEqual(todos.map((t) => [t.kind, t.link.id]), [['item_overdue', late], ['item_due', soon]]);
  assert.match(todos[0].detail, /已逾期 3 天/);
  assert.match(todos[1].detail, /还剩 2 天/);
  const other = srv.client();
  await other.login('member-b');
  assert.equal((await other.get('/api/v1/todos')).body.items.filter((t) => t.source === 'lists').length, 0);
});

test('a claim is the secretary\'s to-do until decided, then the member\'s notice', async () => {
  const member = srv.client();
  await member.login('member-a');
  const claim = await member.post('/api/v1/points/claims', {
    rule_code: 'article_published', description: '在市报发表理论文章一篇', occurred_on: shanghaiDay(0),
  });
  assert.equal(claim.status, 201, claim.text);
  const sec = srv.client();
  await sec.login('sec-a');
  const queue = (await sec.get('/api/v1/todos')).body.items.filter((t) => t.source === 'points');
  assert.deepEqual(queue.map((t) => t.kind), ['claims_to_approve']);
  assert.match(queue[0].title, /^1 条积分申报待审批/);
  assert.match(queue[0].detail, /^最早一条提交于 \d{4}年\d{1,2}月\d{1,2}日$/);
  const secB = srv.client();
  await secB.login('sec-b');
  assert.equal((await secB.get('/api/v1/todos')).body.items.filter((t) => t.source === 'points').length, 0,
    'another branch\'s secretary is not asked');
  const decided = await sec.post(`/api/v1/points/claims/${claim.body.id}/decision`, { approve: false, reason: '请补充刊发版面' });
  assert.equal(decided.status, 200, decided.text);
  assert.equal((await sec.get('/api/v1/todos')).body.items.filter((t) => t.source === 'points').length, 0);
  const notes = (await member.get('/api/v1/todos')).body.items.filter((t) => t.source === 'points');
  assert.deepEqual(notes.map((t) => t.kind), ['claim_rejected']);
  assert.match(notes[0].detail, /请补充刊发版面/);
});
