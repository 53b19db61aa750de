// Mobile app routes (/m/…). A screen is a folder with its .vue file and a route
// here; a route with meta.tab also gets a tab in the bottom bar (in order).
// meta.title is a message key; meta.roles (optional) lists who may open it.
// Nothing here imports Vant: it is part of the entry chunk.

/** Pages inside the layout with the tab bar. */
export const tabPages = [
  {
    path: '',
    name: 'm-home',
    component: () => import('./home/Home.vue'),
    meta: { title: 'mobile.tabs.home', tab: { icon: 'wap-home-o', badge: 'inbox' } },
  },
  {
    path: 'study',
    name: 'm-study',
    component: () => import('./study/Study.vue'),
    meta: { title: 'mobile.tabs.study', tab: { icon: 'bookmark-o' } },
  },
  {
    path: 'activities',
    name: 'm-activities',
    component: () => import('./activities/Activities.vue'),
    meta: { title: 'mobile.tabs.activities', tab: { icon: 'flag-o' } },
  },
  {
    path: 'points',
    name: 'm-points',
    component: () => import('./points/Points.vue'),
    meta: { title: 'mobile.tabs.points', tab: { icon: 'medal-o' } },
  },
  {
    path: 'me',
    name: 'm-me',
    component: () => import('./me/Me.vue'),
    meta: { title: 'mobile.tabs.me', tab: { icon: 'user-o' } },
  },
  {
    path: 'brands',
    name: 'm-brands',
    component: () => import('./brands/BrandWall.vue'),
    meta: { title: 'mobile.brands' },
  },
  {
    path: 'brands/:id',
    name: 'm-brand',
    component: () => import('./brands/BrandPage.vue'),
    meta: { title: 'mobile.brand' },
  },
  {
    path: 'branch/:id(\\d+)',
    name: 'm-branch',
    component: () => import('./branch/Branch.vue'),
    meta: { title: 'profile.branchTitle' },
  },
];

export default {
  path: '/m',
  component: () => import('./MobileRoot.vue'),
  meta: { section: 'mobile' },
  children: [
    {
      path: 'login',
      name: 'm-login',
      component: () => import('./login/Login.vue'),
      meta: { public: true, title: 'login.title' },
    },
    {
      path: 'password',
      name: 'm-password',
      component: () => import('./password/ChangePassword.vue'),
      meta: { password: true, title: 'password.title' },
    },
    {
      path: 'items',
      name: 'm-items',
      component: () => import('./items/MyItems.vue'),
      meta: { title: 'lists.mine' },
    },
    {
      path: 'items/:id',
      name: 'm-item',
      component: () => import('./items/ItemUpdate.vue'),
      meta: { title: 'lists.itemDetail' },
    },
    {
      path: '',
      component: () => import('./MobileLayout.vue'),
      children: tabPages,
    },
    {
      path: 'activities/:id',
      name: 'm-activity',
      component: () => import('./activity/ActivityDetail.vue'),
      meta: { title: 'life.detail' },
    },
    {
      path: 'checkin/:id',
      name: 'm-checkin',
      component: () => import('./checkin/CheckIn.vue'),
      meta: { title: 'life.checkinTitle' },
    },
    {
      path: 'inbox',
      name: 'm-inbox',
      component: () => import('./inbox/Inbox.vue'),
      meta: { title: 'inbox.title' },
    },
    {
      path: 'inbox/:id(\\d+)',
      name: 'm-inbox-open',
      component: () => import('./inbox/InboxOpen.vue'),
      meta: { title: 'inbox.title' },
    },
    {
      path: 'workbench',
      name: 'm-workbench',
      component: () => import('./workbench/Workbench.vue'),
      meta: { title: 'workbench.title', roles: ['secretary', 'committee'] },
    },
    {
      path: 'workbench/new',
      name: 'm-workbench-new',
      component: () => import('./workbench/MeetingNew.vue'),
      meta: { title: 'workbench.newTitle', roles: ['secretary', 'committee'] },
    },
    {
      path: 'workbench/meetings/:id(\\d+)',
      name: 'm-workbench-meeting',
      component: () => import('./workbench/Meeting.vue'),
      meta: { title: 'workbench.meeting', roles: ['secretary', 'committee'] },
    },
    {
      path: 'workbench/meetings/:id(\\d+)/qr',
      name: 'm-workbench-qr',
      component: () => import('./workbench/MeetingQr.vue'),
      meta: { title: 'life.qrTitle', roles: ['secretary', 'committee'] },
    },
    {
      path: 'workbench/warnings',
      name: 'm-workbench-warnings',
      component: () => import('./workbench/Warnings.vue'),
      meta: { title: 'workbench.warningsTitle', roles: ['secretary', 'committee'] },
    },
    {
      path: 'approvals',
      name: 'm-approvals',
      component: () => import('./approvals/Approvals.vue'),
      meta: { title: 'points.approvals.title', roles: ['secretary', 'committee'] },
    },
    {
      path: 'compliance',
      name: 'm-compliance',
      component: () => import('./compliance/Compliance.vue'),
      meta: { title: 'life.complianceTitle', roles: ['secretary', 'committee', 'discipline', 'leader', 'admin'] },
    },
    {
      path: 'dues',
      name: 'm-dues',
      component: () => import('./dues/MyDues.vue'),
      meta: { title: 'dues.my' },
    },
    {
      path: 'development',
      name: 'm-development',
      component: () => import('./development/MyProgress.vue'),
      meta: { title: 'development.phone.title' },
    },
    {
      path: 'development/mentees',
      name: 'm-development-mentees',
      component: () => import('./development/Mentees.vue'),
      meta: { title: 'development.phone.menteesTitle' },
    },
    {
      path: 'study/:id(\\d+)',
      name: 'm-study-reader',
      component: () => import('./study/Reader.vue'),
      meta: { title: 'study.reader' },
    },
    {
      path: 'study/quiz/:id(\\d+)',
      name: 'm-study-quiz',
      component: () => import('./study/Quiz.vue'),
      meta: { title: 'study.quizzes' },
    },
    {
      path: 'transfer',
      name: 'm-transfer',
      component: () => import('./transfer/MyTransfer.vue'),
      meta: { title: 'transfers.phone.title' },
    },
    {
      path: 'life',
      name: 'm-life',
      component: () => import('./life/MyLife.vue'),
      meta: { title: 'life.myYear' },
    },
    { path: ':pathMatch(.*)*', redirect: '/m/' },
  ],
};
