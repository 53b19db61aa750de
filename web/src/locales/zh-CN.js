// 简体中文 — every Chinese string the web app shows, grouped by screen.
// A new screen adds its own group (keep the banner comments) and reads it with
// t('group.key') from src/i18n.js. Placeholders look like {name}.

export default {
  // ───────────────────────────── common ─────────────────────────────
  common: {
    appName: '智慧云党建',
    appSlogan: '党建引领 · 智慧赋能',
    loading: '加载中…',
    submit: '提交',
    save: '保存',
    cancel: '取消',
    confirm: '确定',
    search: '查询',
    reset: '重置',
    back: '返回',
    loadMore: '加载更多',
    noMore: '没有更多了',
    retry: '重试',
    networkError: '无法连接服务器，请检查网络后重试',
    httpError: '服务器出错了（{status}），请稍后重试',
    sessionExpired: '登录已过期，请重新登录',
    forbidden: '您没有权限查看此页面',
    none: '无',
  },

  // ───────────────────────────── roles ─────────────────────────────
  roles: {
    admin: '系统管理员',
    committee: '机关党委',
    discipline: '纪委',
    secretary: '支部书记',
    officer: '工青妇干部',
    leader: '领导',
    member: '党员',
    auditor: '审计管理员',
  },

  // ───────────────────────────── login ─────────────────────────────
  login: {
    title: '登录',
    welcome: '欢迎登录',
    mobileSubtitle: '党员移动端',
    adminSubtitle: '管理后台',
    login: '账号',
    loginPlaceholder: '请输入账号',
    password: '密码',
    passwordPlaceholder: '请输入密码',
    submit: '登 录',
    submitting: '正在登录…',
    loginRequired: '请输入账号',
    passwordRequired: '请输入密码',
    forgot: '忘记密码请联系本单位机关党委或系统管理员重置',
    switchToAdmin: '进入管理后台',
    switchToMobile: '使用手机版',
  },

  // ───────────────────────────── logout ─────────────────────────────
  logout: {
    action: '退出登录',
    done: '已退出登录',
  },

  // ───────────────────────────── password ─────────────────────────────
  password: {
    title: '修改密码',
    mustChange: '为了账号安全，首次登录或密码被重置后，请先修改密码再继续使用。',
    old: '原密码',
    oldPlaceholder: '请输入原密码',
    new: '新密码',
    newPlaceholder: '请输入新密码',
    confirm: '确认新密码',
    confirmPlaceholder: '请再次输入新密码',
    rule: '密码至少 8 位，且须包含大写字母、小写字母、数字、符号中的至少三种。',
    oldRequired: '请输入原密码',
    tooShort: '新密码至少 8 位',
    tooSimple: '新密码须包含大写字母、小写字母、数字、符号中的至少三种',
    sameAsOld: '新密码不能与原密码相同',
    mismatch: '两次输入的新密码不一致',
    submit: '确认修改',
    done: '密码已修改',
    signInAgain: '密码已修改，请用新密码重新登录',
    strength: '已包含 {n} 种字符',
  },

  // ───────────────────────────── home ─────────────────────────────
  home: {
    greeting: {
      night: '夜深了',
      morning: '早上好',
      forenoon: '上午好',
      noon: '中午好',
      afternoon: '下午好',
      evening: '晚上好',
    },
    hello: '{greeting}，{name}',
    today: '今天是 {date} {weekday}',
    todoTitle: '我的待办',
    todoEmpty: '暂无待办事项',
    todoHint: '支部安排的三会一课、主题党日、学习任务和需要您审批的积分申请，会在这里提醒您。',
    quickTitle: '常用功能',
    welcome: '欢迎使用智慧云党建管理后台',
    rolesTitle: '我的角色',
    noRoles: '暂未分配角色。请联系机关党委或系统管理员为您授权。',
    roleAt: '{role} · {org}',
    dashboardHint: '左侧菜单列出您可以使用的功能。组织、党员、三会一课、积分等功能上线后会陆续出现在菜单中。',
    account: '账号',
    lastLogin: '今天',
  },

  // ───────────────────────────── audit ─────────────────────────────
  audit: {
    title: '审计日志',
    login: '操作人',
    loginPlaceholder: '账号',
    action: '操作',
    actionPlaceholder: '如 login',
    entity: '对象',
    entityPlaceholder: '如 user',
    range: '时间范围',
    rangeStart: '开始时间',
    rangeEnd: '结束时间',
    at: '时间',
    ip: 'IP 地址',
    before: '修改前',
    after: '修改后',
    emptyValue: '（无）',
    total: '共 {total} 条，已显示 {shown} 条',
    empty: '没有符合条件的审计记录。请放宽筛选条件（如清空时间范围）后点击「查询」。',
    emptyAll: '还没有审计记录。系统中的登录、修改等操作会自动记录在这里。',
    actions: {
      init: '系统初始化',
      login: '登录',
      logout: '退出登录',
      login_failed: '登录失败',
      password_change: '修改密码',
      password_reset: '重置密码',
      create: '新增',
      update: '修改',
      delete: '删除',
    },
  },

  // ───────────────────────────── mobile ─────────────────────────────
  mobile: {
    tabs: {
      home: '首页',
      activities: '活动',
      points: '积分',
      me: '我的',
    },
    activitiesTitle: '活动',
    activitiesEmpty: '暂无活动',
    activitiesHint: '支部发布三会一课、主题党日后会出现在这里，届时扫描现场二维码即可签到。',
    pointsTitle: '积分',
    pointsEmpty: '暂无积分记录',
    pointsHint: '参加组织生活、完成学习任务后获得的积分、排名和光荣榜会显示在这里。',
    meTitle: '我的',
    myOrgs: '我的组织与角色',
    accountSecurity: '账号与安全',
  },

  // ───────────────────────────── admin ─────────────────────────────
  admin: {
    menu: {
      home: '首页',
      audit: '审计日志',
    },
    consoleName: '智慧云党建 · 管理后台',
    userMenu: '账号',
    mobileVersion: '手机版',
  },
};
