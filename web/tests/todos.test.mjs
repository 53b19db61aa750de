import test from 'node:test';
import assert from 'node:assert/strict';
import { todoLink, groupTodos, TODO_LINK_TYPES } from '../src/lib/todos.js';

test('every to-do link type leads somewhere on both apps', () => {
  const link = { id: 7, activity_id: 3, org_id: 2, list_id: 5 };
  for (const type of TODO_LINK_TYPES) {
    for (const app of ['admin', 'mobile']) {
      const to = todoLink({ link: { ...link, type } }, app);
      assert.ok(to.startsWith(app === 'admin' ? '/admin/' : '/m/'), `${app} ${type}: ${to}`);
    }
  }
  // the secretary's "N 条积分申报待审批" on the phone (the type was once misspelt there)
  assert.equal(todoLink({ link: { type: 'points_claims' } }, 'mobile'), '/m/approvals');
  assert.equal(todoLink({ link: { type: 'list_item', id: 9, list_id: 2 } }, 'admin'), '/admin/lists/2?item=9');
  assert.equal(todoLink({ link: { type: 'nonsense' } }, 'admin'), '');
});

test('to-dos are grouped by kind with counts, decisions first', () => {
  const items = [
    { kind: 'activity', title: 'a' }, { kind: 'leave_decision', title: 'l1' }, { kind: 'leave_decision', title: 'l2' },
    { kind: 'claims_to_approve', title: 'c' },
  ];
  const g = groupTodos(items);
  assert.deepEqual(g.map((x) => [x.kind, x.count]), [['leave_decision', 2], ['claims_to_approve', 1], ['activity', 1]]);
  assert.deepEqual(g[0].items.map((x) => x.title), ['l1', 'l2']);
});
