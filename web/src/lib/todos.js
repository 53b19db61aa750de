// The to-do list's links and groups, one table for both apps: every link type a
// provider on the server writes (src/*/..._todo.c, life_report.c) leads to the
// screen where the thing is done, on the phone and in the console. A type missing
// here shows as plain text; tests/browser/todos.test.mjs walks every type.

/** Every link type the server sends. */
export const TODO_LINK_TYPES = ['activity', 'leave', 'compliance', 'points_claims', 'points_claim', 'list_item'];
/** 发展党员 to-dos: the person's file in the console; on the phone the applicant's own
 * progress, or the 联系人's people for an assessment that is due. */
export const DEVELOPMENT_LINK_TYPES = ['development'];
/** 学习园地 to-dos: an assignment not finished, a notice not read; both on the phone's 学习园地
 * (the console's assignment table for the office). */
export const STUDY_LINK_TYPES = ['study_assignment', 'study_notice'];
/** Link types of the dues (党费) to-dos: a member's own ('dues') lead to 我的党费 on the phone;
 * the office's (payments to confirm, bases to check, reductions to approve, arrears) to the
 * console's dues screens (the phone has no office dues screen yet: on the phone too they open the console's). */
export const DUES_LINK_TYPES = ['dues', 'dues_payments', 'dues_declarations', 'dues_reductions', 'dues_arrears'];
/** 组织关系转接 to-dos: the office's letters (expired, 回执 overdue, to issue or place) lead to
 * the transfer in the console; a branch's 流动党员 to contact to the register; the member's
 * own letter ('my_transfer') to 我的组织关系转接 on the phone (the phone has no office
 * transfer screens: the console's open there, as the office's dues do). */
export const TRANSFER_LINK_TYPES = ['transfer', 'flow_member', 'my_transfer'];

const ROUTES = {
  admin: {
    activity: (l) => `/admin/activities/${l.id}`,
    leave: (l) => `/admin/activities/${l.activity_id}`,
    compliance: (l) => `/admin/compliance${l.org_id ? `?org=${l.org_id}` : ''}`,
    points_claims: () => '/admin/points/claims',
    points_claim: () => '/admin/points/claims?mine=1',
    list_item: (l) => (l.list_id ? `/admin/lists/${l.list_id}?item=${l.id}` : '/admin/lists'),
    dues_payments: () => '/admin/dues',
    dues_declarations: () => '/admin/dues/bases',
    dues_reductions: () => '/admin/dues/reductions',
    dues_arrears: () => '/admin/dues/arrears',
    development: (l) => `/admin/development/${l.id}`,
    study_assignment: (l) => `/admin/study/assignments?id=${l.id}`,
    study_notice: () => '/admin/study/notices',
    transfer: (l) => `/admin/transfers/${l.id}`,
    flow_member: (l) => `/admin/transfers/flow?id=${l.id}`,
    // a member's own dues and letter (an inbox message read on the PC) have their screens on the phone
    dues: () => '/m/dues',
    my_transfer: () => '/m/transfer',
  },
  mobile: {
    activity: (l) => `/m/activities/${l.id}`,
    leave: (l) => `/m/activities/${l.activity_id}`,
    compliance: (l) => `/m/compliance${l.org_id ? `?org=${l.org_id}` : ''}`,
    points_claims: () => '/m/approvals',
    points_claim: () => '/m/points?tab=claims',
    list_item: (l) => `/m/items/${l.id}`,
    dues: () => '/m/dues',
    study_assignment: () => '/m/study',
    study_notice: () => '/m/study',
    // the office's dues work has no phone screen yet: the console's screen opens (it works on a phone, if cramped)
    dues_payments: () => '/admin/dues',
    dues_declarations: () => '/admin/dues/bases',
    dues_reductions: () => '/admin/dues/reductions',
    dues_arrears: () => '/admin/dues/arrears',
    development: (l, item) => (item.kind === 'development_assessment' ? '/m/development/mentees' : '/m/development'),
    my_transfer: () => '/m/transfer',
    // the office's transfers and the branch's 流动党员 have no phone screens yet: the console's open
    transfer: (l) => `/admin/transfers/${l.id}`,
    flow_member: (l) => `/admin/transfers/flow?id=${l.id}`,
  },
};

/** Where a to-do is done: app 'admin' or 'mobile'; '' for an unknown type. */
export function todoLink(item, app) {
  const l = (item && item.link) || {};
  const f = ROUTES[app] && ROUTES[app][l.type];
  return f ? f(l, item) : '';
}

/** Kinds that are one person's decision each (many of them at once are read by kind). */
const ORDER = ['leave_decision', 'claims_to_approve', 'supervision_overdue', 'requirement_missing', 'item_overdue',
  'item_due', 'activity', 'claim_rejected', 'claim_approved'];

/**
 * The to-dos grouped by kind, most pressing kinds first, each group in the
 * server's order (soonest due first): [{kind, items, count}].
 */
export function groupTodos(items) {
  const groups = new Map();
  for (const it of items || []) {
    if (!groups.has(it.kind)) groups.set(it.kind, { kind: it.kind, items: [] });
    groups.get(it.kind).items.push(it);
  }
  const rank = (k) => { const i = ORDER.indexOf(k); return i < 0 ? ORDER.length : i; };
  return [...groups.values()].map((g) => ({ ...g, count: g.items.length }))
    .sort((a, b) => rank(a.kind) - rank(b.kind));
}
