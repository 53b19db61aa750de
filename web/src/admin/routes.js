// Admin console routes (/admin/…). 三员分立: the 系统管理员 (admin) sees accounts and
// settings, the 安全管理员 (secadmin) accounts' roles and the security settings, the
// 审计管理员 (auditor) the audit log; none of them any party-work screen. A screen is a folder with its .vue file and
// a route in `pages`; the side menu is built from these routes' meta:
//   title  message key shown in the menu and the browser tab
//   icon   name of an icon from @element-plus/icons-vue (registered in AdminLayout.vue)
//   roles  roles that see and may open it (omit for everyone signed in)
//   menu   false to keep a page out of the menu
// Nothing here imports Element Plus: it is part of the entry chunk.
import { hasAnyRole } from '../session.js';

/** A leader with no office work of their own: the cockpit is their home. */
export function leaderOnly() {
  return hasAnyRole(['leader']) && !hasAnyRole(['admin', 'committee', 'discipline', 'secretary', 'officer', 'auditor']);
}

// Menu groups, in order; a page names its group in meta.group (none: top level).
export const groups = [
  { key: 'org', title: 'admin.group.org', icon: 'OfficeBuilding' },
  { key: 'develop', title: 'development.menu.group', icon: 'Promotion' },
  { key: 'life', title: 'admin.group.life', icon: 'Calendar' },
  { key: 'lists', title: 'admin.group.lists', icon: 'Tickets' },
  { key: 'points', title: 'admin.group.points', icon: 'Medal' },
  { key: 'assess', title: 'admin.group.assess', icon: 'DataAnalysis' },
  { key: 'dues', title: 'admin.group.dues', icon: 'Money' },
  { key: 'study', title: 'study.admin.group', icon: 'Document' },
  { key: 'system', title: 'admin.group.system', icon: 'Setting' },
];

export const pages = [
  {
    path: '',
    name: 'a-home',
    component: () => import('./home/Dashboard.vue'),
    meta: { title: 'admin.menu.home', icon: 'HomeFilled' },
    beforeEnter: () => (leaderOnly() ? { name: 'a-cockpit' } : true),
  },
  {
    path: 'orgs',
    name: 'a-orgs',
    component: () => import('./orgs/OrgTree.vue'),
    meta: { group: 'org', title: 'admin.menu.orgs', icon: 'OfficeBuilding', roles: ['committee', 'discipline', 'secretary', 'officer', 'leader'] },
  },
  {
    path: 'people',
    name: 'a-people',
    component: () => import('./people/Roster.vue'),
    meta: { group: 'org', title: 'admin.menu.people', icon: 'User', roles: ['committee', 'discipline', 'secretary', 'officer', 'leader'] },
  },
  {
    path: 'people/:id(\\d+)',
    name: 'a-person',
    component: () => import('./people/PersonRecord.vue'),
    meta: { title: 'people.record', menu: false, roles: ['committee', 'discipline', 'secretary', 'officer', 'leader'] },
  },
  {
    path: 'brands',
    name: 'a-brands',
    component: () => import('./brands/BrandWall.vue'),
    meta: { group: 'org', title: 'admin.menu.brands', icon: 'Medal', roles: ['committee', 'discipline', 'secretary', 'officer', 'leader'] },
  },
  // issue 17: 组织关系转接 and 流动党员
  {
    path: 'transfers',
    name: 'a-transfers',
    component: () => import('./transfers/TransferList.vue'),
    meta: { group: 'org', title: 'transfers.menu.list', icon: 'Switch', roles: ['committee', 'secretary', 'discipline', 'leader'] },
  },
  {
    path: 'transfers/flow',
    name: 'a-transfers-flow',
    component: () => import('./transfers/FlowMembers.vue'),
    meta: { group: 'org', title: 'transfers.menu.flow', icon: 'Position', roles: ['committee', 'secretary', 'discipline', 'leader'] },
  },
  {
    path: 'transfers/:id(\\d+)',
    name: 'a-transfer',
    component: () => import('./transfers/TransferDetail.vue'),
    meta: { title: 'transfers.menu.list', menu: false, roles: ['committee', 'secretary', 'discipline', 'leader'] },
  },
  // issue 15: 发展党员
  {
    path: 'development',
    name: 'a-development',
    component: () => import('./development/Board.vue'),
    meta: { group: 'develop', title: 'development.menu.board', icon: 'Promotion', roles: ['committee', 'secretary', 'discipline', 'leader'] },
  },
  {
    path: 'development/:id(\\d+)',
    name: 'a-development-file',
    component: () => import('./development/PersonFile.vue'),
    meta: { title: 'development.menu.file', menu: false, roles: ['committee', 'secretary', 'discipline', 'leader'] },
  },
  {
    path: 'development/stats',
    name: 'a-development-stats',
    component: () => import('./development/Stats.vue'),
    meta: { group: 'develop', title: 'development.menu.stats', icon: 'DataAnalysis', roles: ['committee', 'secretary', 'discipline', 'leader'] },
  },
  {
    path: 'development/calendar',
    name: 'a-development-calendar',
    component: () => import('./development/Calendar.vue'),
    meta: { group: 'develop', title: 'development.menu.calendar', icon: 'Calendar', roles: ['committee', 'secretary'] },
  },
  {
    path: 'activities',
    name: 'a-activities',
    component: () => import('./life/ActivityList.vue'),
    meta: { group: 'life', title: 'life.listTitle', icon: 'Calendar', roles: ['committee', 'secretary', 'officer', 'discipline', 'leader'] },
  },
  {
    path: 'activities/:id',
    name: 'a-activity',
    component: () => import('./life/ActivityDetail.vue'),
    meta: { title: 'life.detail', menu: false, roles: ['committee', 'secretary', 'officer', 'discipline', 'leader'] },
  },
  {
    path: 'compliance',
    name: 'a-compliance',
    component: () => import('./life/Compliance.vue'),
    meta: { group: 'life', title: 'life.complianceTitle', icon: 'Flag', roles: ['committee', 'secretary', 'discipline', 'leader'] },
  },
  {
    path: 'life-stats',
    name: 'a-life-stats',
    component: () => import('./life/Stats.vue'),
    meta: { group: 'life', title: 'life.statsTitle', icon: 'DataAnalysis', roles: ['committee', 'secretary', 'officer', 'discipline', 'leader'] },
  },
  {
    path: 'lists',
    name: 'a-lists',
    component: () => import('./lists/ListsIndex.vue'),
    meta: { group: 'lists', title: 'lists.menu', icon: 'Tickets', roles: ['committee', 'discipline', 'secretary', 'officer', 'leader'] },
  },
  {
    path: 'lists/report',
    name: 'a-lists-report',
    component: () => import('./lists/ListReport.vue'),
    meta: { group: 'lists', title: 'lists.menuReport', icon: 'DataAnalysis', roles: ['committee', 'discipline', 'secretary', 'officer', 'leader'] },
  },
  {
    path: 'lists/:id',
    name: 'a-list',
    component: () => import('./lists/ListDetail.vue'),
    meta: { title: 'lists.menu', menu: false },
  },
  {
    path: 'lists/:id/report',
    name: 'a-list-report',
    component: () => import('./lists/ListReport.vue'),
    meta: { title: 'lists.report', menu: false },
  },
  {
    path: 'inspections',
    name: 'a-inspections',
    component: () => import('./inspections/Inspections.vue'),
    meta: { group: 'lists', title: 'lists.menuInspections', icon: 'Flag', roles: ['committee', 'discipline', 'secretary', 'leader'] },
  },
  {
    path: 'audit',
    name: 'a-audit',
    component: () => import('./audit/AuditLog.vue'),
    meta: { group: 'system', title: 'admin.menu.audit', icon: 'Document', roles: ['auditor'] },
  },
  // issue 5: points (积分)
  {
    path: 'points/rankings',
    name: 'a-points-rankings',
    component: () => import('./points-rankings/Rankings.vue'),
    meta: { group: 'points', title: 'points.menu.rankings', icon: 'Medal', roles: ['committee', 'secretary', 'leader', 'discipline'] },
  },
  {
    path: 'points/claims',
    name: 'a-points-claims',
    component: () => import('./points-claims/ApprovalQueue.vue'),
    meta: { group: 'points', title: 'points.menu.claims', icon: 'Tickets', roles: ['committee', 'secretary'] },
  },
  {
    path: 'points/ledger',
    name: 'a-points-ledger',
    component: () => import('./points-ledger/MemberLedger.vue'),
    meta: { group: 'points', title: 'points.menu.ledger', icon: 'Document', roles: ['committee', 'secretary', 'leader', 'discipline'] },
  },
  {
    path: 'points/rules',
    name: 'a-points-rules',
    component: () => import('./points-rules/RuleCatalogue.vue'),
    meta: { group: 'points', title: 'points.menu.rules', icon: 'Setting', roles: ['committee', 'secretary', 'leader', 'discipline'] },
  },
  {
    path: 'points/verify',
    name: 'a-points-verify',
    component: () => import('./points-verify/LedgerVerify.vue'),
    meta: { group: 'points', title: 'points.menu.verify', icon: 'DataAnalysis', roles: ['committee', 'discipline'] },
  },
  {
    path: 'cockpit',
    name: 'a-cockpit',
    component: () => import('./cockpit/Cockpit.vue'),
    meta: { title: 'admin.menu.cockpit', icon: 'DataAnalysis', roles: ['committee', 'leader', 'discipline'] },
  },
  {
    path: 'assess',
    name: 'a-assess',
    component: () => import('./assess/Periods.vue'),
    meta: { group: 'assess', title: 'admin.menu.assessPeriods', icon: 'Medal', roles: ['committee', 'leader', 'discipline', 'secretary'] },
  },
  {
    path: 'assess/schemes',
    name: 'a-assess-schemes',
    component: () => import('./assess/Schemes.vue'),
    meta: { group: 'assess', title: 'admin.menu.assessSchemes', icon: 'Tickets', roles: ['committee', 'leader', 'discipline'] },
  },
  {
    path: 'assess/periods/:id',
    name: 'a-assess-results',
    component: () => import('./assess/Results.vue'),
    meta: { title: 'admin.menu.assessResults', menu: false, roles: ['committee', 'leader', 'discipline', 'secretary'] },
  },
  {
    path: 'assess/periods/:id/scoring',
    name: 'a-assess-scoring',
    component: () => import('./assess/Scoring.vue'),
    meta: { title: 'admin.menu.assessScoring', menu: false, roles: ['committee'] },
  },
  // issue 19: 学习园地
  {
    path: 'study/materials',
    name: 'a-study-materials',
    component: () => import('./study/Materials.vue'),
    meta: { group: 'study', title: 'study.admin.menuMaterials', icon: 'Document', roles: ['committee', 'secretary', 'leader', 'discipline', 'officer'] },
  },
  {
    path: 'study/assignments',
    name: 'a-study-assignments',
    component: () => import('./study/Assignments.vue'),
    meta: { group: 'study', title: 'study.admin.menuAssignments', icon: 'Tickets', roles: ['committee', 'secretary', 'leader', 'discipline', 'officer'] },
  },
  {
    path: 'study/hours',
    name: 'a-study-hours',
    component: () => import('./study/Hours.vue'),
    meta: { group: 'study', title: 'study.admin.menuHours', icon: 'DataAnalysis', roles: ['committee', 'secretary', 'leader', 'discipline', 'officer'] },
  },
  {
    path: 'study/quizzes',
    name: 'a-study-quizzes',
    component: () => import('./study/Quizzes.vue'),
    meta: { group: 'study', title: 'study.admin.menuQuizzes', icon: 'Flag', roles: ['committee', 'secretary', 'leader', 'discipline', 'officer'] },
  },
  {
    path: 'study/notices',
    name: 'a-study-notices',
    component: () => import('./study/Notices.vue'),
    meta: { group: 'study', title: 'study.admin.menuNotices', icon: 'Bell', roles: ['committee', 'secretary', 'leader', 'discipline', 'officer'] },
  },
  // issue 16: party dues (党费管理)
  {
    path: 'dues',
    name: 'a-dues',
    component: () => import('./dues/DuesSheet.vue'),
    meta: { group: 'dues', title: 'dues.menuSheet', icon: 'Money', roles: ['committee', 'secretary', 'leader', 'discipline'] },
  },
  {
    path: 'dues/arrears',
    name: 'a-dues-arrears',
    component: () => import('./dues/Arrears.vue'),
    meta: { group: 'dues', title: 'dues.menuArrears', icon: 'Bell', roles: ['committee', 'secretary', 'leader', 'discipline'] },
  },
  {
    path: 'dues/import',
    name: 'a-dues-import',
    component: () => import('./dues/PayrollImport.vue'),
    meta: { group: 'dues', title: 'dues.menuImport', icon: 'Document', roles: ['committee', 'secretary'] },
  },
  {
    path: 'dues/bases',
    name: 'a-dues-bases',
    component: () => import('./dues/Bases.vue'),
    meta: { group: 'dues', title: 'dues.menuBases', icon: 'User', roles: ['committee', 'secretary'] },
  },
  {
    path: 'dues/reductions',
    name: 'a-dues-reductions',
    component: () => import('./dues/Reductions.vue'),
    meta: { group: 'dues', title: 'dues.menuReductions', icon: 'Tickets', roles: ['committee', 'secretary', 'leader', 'discipline'] },
  },
  {
    path: 'dues/summary',
    name: 'a-dues-summary',
    component: () => import('./dues/Summary.vue'),
    meta: { group: 'dues', title: 'dues.menuSummary', icon: 'DataAnalysis', roles: ['committee', 'secretary', 'leader', 'discipline'] },
  },
  {
    path: 'users',
    name: 'a-users',
    component: () => import('./users/UserList.vue'),
    meta: { group: 'system', title: 'admin.menu.users', icon: 'User', roles: ['admin', 'secadmin'] },
  },
  {
    path: 'settings',
    name: 'a-settings',
    component: () => import('./settings/Settings.vue'),
    meta: { group: 'system', title: 'admin.menu.settings', icon: 'Setting', roles: ['admin', 'secadmin', 'committee'] },
  },
  {
    path: 'notify',
    name: 'a-notify',
    component: () => import('./notify/NotifySettings.vue'),
    meta: { group: 'system', title: 'notifyAdmin.menu', icon: 'Bell', roles: ['admin', 'committee', 'secretary'] },
  },
  {
    path: 'inbox',
    name: 'a-inbox',
    component: () => import('./inbox/AdminInbox.vue'),
    meta: { title: 'inbox.title', icon: 'Bell', menu: false },
  },
  {
    path: 'password',
    name: 'a-password',
    component: () => import('./password/ChangePassword.vue'),
    meta: { title: 'password.title', icon: 'Lock', menu: false, password: true },
  },
];

export default {
  path: '/admin',
  component: () => import('./AdminRoot.vue'),
  meta: { section: 'admin' },
  children: [
    {
      path: 'login',
      name: 'a-login',
      component: () => import('./login/Login.vue'),
      meta: { public: true, title: 'login.title' },
    },
    {
      // full screen for the projector: outside the layout with the menu
      path: 'activities/:id/qr',
      name: 'a-activity-qr',
      component: () => import('./life/QrScreen.vue'),
      meta: { title: 'life.qrTitle', roles: ['committee', 'secretary', 'officer'] },
    },
    {
      // the printable 公示, outside the layout with the menu
      path: 'development/notices/:id/print',
      name: 'a-development-notice',
      component: () => import('./development/NoticePrint.vue'),
      meta: { title: 'development.menu.notice', roles: ['committee', 'secretary', 'discipline', 'leader'] },
    },
    {
      // the printable 介绍信 (存根, letter, 回执) or the 回执 of a letter in, outside the layout
      path: 'transfers/:id(\\d+)/print',
      name: 'a-transfer-print',
      component: () => import('./transfers/LetterPrint.vue'),
      meta: { title: 'transfers.menu.letter', roles: ['committee', 'secretary', 'discipline', 'leader'] },
    },
    {
      path: '',
      component: () => import('./AdminLayout.vue'),
      children: pages,
    },
    { path: ':pathMatch(.*)*', redirect: '/admin/' },
  ],
};
