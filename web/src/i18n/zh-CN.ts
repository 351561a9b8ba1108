/** Simplified Chinese messages; the English file must have exactly the same keys (checked by its type). */
export const zhCN = {
  app: { name: '运监', fullName: '医院运营监测中心', skip: '跳到正文' },
  nav: {
    main: '主导航', overview: '总览', orgs: '组织下钻', admin: '系统管理', users: '用户', tokens: 'API 令牌', orgUnits: '组织机构',
    audit: '审计日志', screen: '大屏', menu: '菜单',
  },
  common: {
    save: '保存', cancel: '取消', create: '新建', close: '关闭', confirm: '确定', loading: '加载中…', empty: '暂无数据', actions: '操作',
    refresh: '刷新', copy: '复制', copied: '已复制', all: '全部', status: '状态', language: '语言', yes: '是', no: '否', search: '查询',
    reset: '重置', more: '加载更多', name: '名称', code: '编码', orgUnit: '组织', role: '角色', createdAt: '创建时间', never: '从未',
    required: '必填', saved: '已保存', done: '完成', error: '出错了', back: '返回', details: '详情', none: '无',
  },
  auth: {
    title: '登录', subtitle: '医院运营监测中心', username: '用户名', password: '密码', submit: '登录', submitting: '正在登录…',
    signOut: '退出登录', signedInAs: '当前用户', expired: '会话已过期，请重新登录。', signedOut: '您已退出登录。',
    invalidCredentials: '用户名或密码错误。', throttled: '登录失败次数过多，请 {seconds} 秒后再试。', throttledNoTime: '登录失败次数过多，请稍后再试。',
    disabled: '账号已停用，请联系管理员。', footer: '一人一号 · 最小权限 · 全程留痕',
  },
  password: {
    title: '修改密码', firstLogin: '首次登录须修改初始密码。', expired: '密码已过期，请设置新密码。', voluntary: '定期修改密码有助于保护账号安全。',
    current: '当前密码', next: '新密码', confirm: '确认新密码', submit: '修改密码', mismatch: '两次输入的新密码不一致。',
    changed: '密码已修改。', policy: '密码要求', minLength: '至少 {n} 个字符', letterAndDigit: '同时包含字母和数字',
    maxAge: '每 {n} 天须更换', noExpiry: '不会过期', history: '不能与最近 {n} 次使用过的密码相同', lockout: '同一来源连续输错 {n} 次后，每次再试须等待更久（最长 {m} 分钟）；账号不会被锁定',
  },
  layout: { scope: '范围', scopeHint: '切换查看的组织范围', profile: '个人', changePassword: '修改密码' },
  roles: { admin: '管理员', analyst: '运监分析员', liaison: '科室联络员', executive: '院领导', source: '数据源' },
  orgKinds: { group: '集团', hospital: '医院', channel: '渠道', department: '科室', team: '小组' },
  channels: { online: '线上', offline: '线下' },
  overview: {
    title: '总览', unitsInScope: '组织数', updated: '更新于 {time}', grain: '统计周期', grains: { day: '日', week: '周', month: '月' }, openScreen: '打开大屏',
    periodChange: '环比', yearChange: '同比', soFar: '{period} 至今', target: '目标', all: '查看全部',
    severity: { 1: '特别重大', 2: '重大', 3: '较大', 4: '一般' },
    openAlerts: '未关闭告警', noOpenAlerts: '当前没有未关闭的告警。', workorders: '协同工单', openOrders: '在办工单', awaitingVerification: '待验证', overdue: '逾期',
    sources: '数据源', sourcesHealth: '{total} 个数据源中 {bad} 个异常（近 24 小时）',
    trouble: { silent: '无数据', low_capture: '获取率低', rejections: '校验失败多', late: '上报延迟' },
    flowTitle: '线上线下就诊流量（近 24 小时，每小时）', online: '线上', offline: '线下', children: '下级组织',
    noIndicators: '该范围暂无指标数据。数据源接入后，这里显示核心指标、同比/环比与迷你走势图。',
  },
  orgs: {
    title: '组织下钻', tree: '组织树', detail: '组织详情', path: '层级路径', children: '下级组织', kind: '类型', channel: '渠道',
    parent: '上级', active: '状态', activeYes: '启用', activeNo: '停用', select: '在左侧选择一个组织查看详情。', depth: '层级',
  },
  users: {
    title: '用户', create: '新建用户', username: '用户名', displayName: '姓名', email: '电子邮箱', homeOrg: '所属组织',
    initialPassword: '初始密码', initialHint: '用户首次登录时须修改此密码。', lastLogin: '最近登录', grants: '授权',
    disable: '停用', enable: '启用', unlock: '解锁', resetPassword: '重置密码', addGrant: '添加授权', revoke: '撤销',
    disabled: '已停用', locked: '已锁定', mustChange: '待改密', activeState: '正常', created: '用户 {name} 已创建。',
    confirmDisable: '停用用户 {name}？其会话将立即结束。', newPassword: '新的初始密码', passwordReset: '已重置 {name} 的密码。',
    grantAdded: '授权已添加。', initialRole: '在所属组织的角色', grantRevoked: '授权已撤销。', filter: '按用户名或姓名筛选',
  },
  tokens: {
    title: 'API 令牌', create: '新建令牌', name: '名称', prefix: '前缀', expiresAt: '过期时间', lastUsed: '最近使用',
    revoke: '吊销', revoked: '已吊销', active: '有效', secretTitle: '令牌密钥', secretOnce: '密钥只显示这一次，请立即复制并妥善保存。',
    confirmRevoke: '吊销令牌 {name}？使用它的系统将无法再访问。', noExpiry: '不过期',
  },
  orgUnits: {
    title: '组织机构', create: '新建组织', rename: '重命名', move: '移动', deactivate: '停用', reactivate: '启用',
    nameZh: '中文名称', nameEn: '英文名称', kind: '类型', channel: '渠道', parent: '上级组织', newParent: '新的上级组织',
    confirmDeactivate: '停用组织 {name}？', created: '组织 {name} 已创建。',
  },
  audit: {
    title: '审计日志', actor: '操作人 ID', action: '动作', targetKind: '对象类型', targetId: '对象 ID', from: '开始时间', to: '结束时间',
    at: '时间', seq: '序号', ip: '地址', summary: '内容', noMore: '没有更多记录了。',
  },
  screen: {
    title: '运营监测大屏', exit: '退出大屏', page: '第 {n} / {total} 屏', pages: { overview: '运营总览', quality: '线上线下与数据质量', workorders: '告警与工单督办' },
    waiting: '等待实时数据', live: '实时', updated: '数据更新 {time}', overdue: '逾期工单', openAlerts: '未关闭告警', openOrders: '在办工单',
    sourcesInTrouble: '异常数据源', periodChange: '环比', yearChange: '同比', soFar: '本期至今', sites: '下属机构', kpis: '核心指标',
    noSites: '无下级组织', noKpis: '该范围暂无指标数据', flow: '线上 / 线下就诊流量（近 24 小时）', online: '线上', offline: '线下', onlineShare: '线上占比',
    noFlow: '该范围没有线上线下渠道数据', sources: '数据源质量', noSources: '无权查看数据源', notPermitted: '无权查看',
    ticker: '实时动态', tickerEmpty: '等待新的告警与工单动态…', order: '工单',
    alertTo: { pending: '待确认', firing: '告警', resolved: '恢复' },
    orderAction: { created: '新建', acknowledged: '已受理', started: '处理中', held: '挂起', resumed: '恢复处理', resolved: '已解决', closed: '已关闭', reopened: '重新打开', escalated: '升级', commented: '备注', attachmentAdded: '附件', assigned: '指派', alertAttached: '关联告警', verified: '已验证', indicatorRecovered: '指标恢复', indicatorRecoveryCleared: '指标再次异常', watchersChanged: '关注人变更' },
    states: { new: '待受理', acknowledged: '已受理', in_progress: '处理中', on_hold: '挂起', resolved: '待验证' },
  },
  notFound: { title: '页面不存在', body: '您访问的页面不存在或已移动。', home: '回到总览' },
  errors: {
    AUTH_FORBIDDEN: '您没有执行此操作的权限。', AUTH_CSRF: '页面已过期，请刷新后重试。', NETWORK: '无法连接服务器。',
    USER_USERNAME_TAKEN: '该用户名已被使用（停用的账号保留其用户名）。', AUTH_WRONG_PASSWORD: '当前密码错误。',
    AUTH_PASSWORD_REUSED: '新密码不能与最近使用过的密码相同。', USER_CANNOT_DISABLE_SELF: '不能停用自己的账号。',
  },
} as const;

type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };
export type Messages = Widen<typeof zhCN>;
