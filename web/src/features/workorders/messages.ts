/** Work-order messages (zh-CN first; the English tree must have the same keys). */
export const zhCN = {
  workorders: {
    nav: '协同工单',
    title: '工单队列',
    views: { mine: '我的待办', department: '本科室', all: '全部' },
    layout: { board: '看板', list: '列表' },
    create: '新建工单',
    empty: '没有符合条件的工单',
    count: '共 {n} 张',
    filters: { state: '状态', severity: '级别', org: '组织', overdue: '超期', onlyOverdue: '仅超期', notOverdue: '未超期', any: '不限' },
    states: { new: '新建', acknowledged: '已签收', in_progress: '处理中', on_hold: '挂起', resolved: '已办结', closed: '已关闭' },
    severity: { '1': '特别重大', '2': '重大', '3': '较大', '4': '一般' },
    severityShort: '{n}级',
    holdReasons: { awaiting_info: '等待信息', awaiting_vendor: '等待厂商', awaiting_approval: '等待审批', other: '其他' },
    outcome: { verified: '核实关闭', cancelled: '直接关闭' },
    fields: {
      id: '编号', title: '标题', description: '描述', severity: '级别', category: '类别', orgUnit: '责任组织', related: '协同组织', origin: '来源',
      originator: '发起人', assignees: '处理人', watchers: '关注人', createdAt: '创建时间', acknowledgeBy: '签收时限', resolveBy: '办结时限',
      rootCause: '根本原因', actionTaken: '整改措施', reopenCount: '重开次数', recurrence: '复发次数', ruleCode: '规则', closeNote: '关闭说明',
      hold: '挂起原因', state: '状态',
    },
    origin: { alert: '告警', manual: '人工' },
    system: '系统', unassigned: '待分派',
    countdown: {
      acknowledge: '签收', resolve: '办结', left: '剩余 {time}', overdue: '超期 {time}', paused: '已暂停 · 剩余 {time}', working: '工作时间',
      d: '{n}天', h: '{n}小时', m: '{n}分', lessThanMinute: '不到1分钟',
    },
    recovered: '指标已恢复', recoveredAt: '指标于 {time} 恢复并保持稳定',
    sections: { details: '工单信息', alerts: '来源告警', timeline: '处理记录', attachments: '附件', watchers: '关注人', suggestions: '知识库推荐', actions: '操作', resolution: '办结信息' },
    actions: {
      acknowledge: '签收', start: '开始处理', hold: '挂起', resume: '恢复处理', resolve: '办结', verify: '核实关闭', close: '关闭', reopen: '重新打开',
      assign: '分派', watch: '关注', unwatch: '取消关注', comment: '评论', attach: '上传附件',
    },
    dialogs: {
      holdReason: '挂起原因', holdNote: '说明', holdNoteRequired: '选择“其他”时须填写说明', rootCause: '根本原因', actionTaken: '整改措施', verifyNote: '核实意见（可选）',
      closeNote: '关闭说明', reopenReason: '重开原因', assignees: '处理人', comment: '评论内容', send: '发送', file: '文件',
      attachLimits: '单个文件不超过 {size}，支持 PDF、PNG、JPEG、XLSX、DOCX、CSV、TXT',
      tooLarge: '文件超过 {size}', badType: '不支持的文件类型', upload: '上传',
    },
    timeline: {
      actions: {
        created: '创建工单', acknowledged: '签收', started: '开始处理', held: '挂起', resumed: '恢复处理',
        resolved: '办结', verified: '核实关闭', closed: '关闭', reopened: '重新打开', assigned: '分派',
        watchersChanged: '关注人变更', commented: '评论', attachmentAdded: '上传附件', alertAttached: '并入告警',
        escalated: '超时升级', indicatorRecovered: '指标恢复', indicatorRecoveryCleared: '指标再次异常',
      },
      notification: '通知', sent: '已送达', pending: '待发送', failed: '发送失败', dead: '放弃发送', via: '经 {channel} 通知 {recipient}',
      channels: { in_app: '站内', email: '邮件', wecom: '企业微信', dingtalk: '钉钉', webhook: 'Webhook' },
    },
    noAttachments: '暂无附件', noWatchers: '暂无关注人', noSuggestions: '问题库中暂无相关知识', noAlerts: '人工创建，无来源告警',
    download: '下载', notFound: '工单不存在或不在您的范围内', back: '返回队列', readOnly: '您对此工单只有查看权限',
    created: '已创建工单 #{id}', done: '已完成：{action}',
  },
  errors: {
    WORKORDER_INVALID_TRANSITION: '工单当前状态不允许此操作，请刷新后重试。', WORKORDER_FORBIDDEN: '只有发起人或运监中心可以核实、关闭或重开工单。',
    WORKORDER_NO_ROUTE: '该组织和类别没有配置联络员，请指定处理人或先配置分派规则。', WORKORDER_VALIDATION: '输入不完整或不合法。', WORKORDER_PERSON_OUT_OF_SCOPE: '所选人员不存在、已停用，或无权查看或处理该组织单元的工单。',
    BODY_TOO_LARGE: '文件过大。', UNSUPPORTED_MEDIA_TYPE: '不支持的文件类型。',
  },
} as const;

type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export const en: Widen<typeof zhCN> = {
  workorders: {
    nav: 'Work orders',
    title: 'Work queue',
    views: { mine: 'My queue', department: 'My department', all: 'All' },
    layout: { board: 'Board', list: 'List' },
    create: 'New work order',
    empty: 'No work orders match',
    count: '{n} orders',
    filters: { state: 'State', severity: 'Severity', org: 'Org unit', overdue: 'Overdue', onlyOverdue: 'Overdue only', notOverdue: 'Not overdue', any: 'Any' },
    states: { new: 'New', acknowledged: 'Acknowledged', in_progress: 'In progress', on_hold: 'On hold', resolved: 'Resolved', closed: 'Closed' },
    severity: { '1': 'Critical', '2': 'Major', '3': 'Significant', '4': 'Minor' },
    severityShort: 'S{n}',
    holdReasons: { awaiting_info: 'Awaiting information', awaiting_vendor: 'Awaiting vendor', awaiting_approval: 'Awaiting approval', other: 'Other' },
    outcome: { verified: 'Verified', cancelled: 'Closed without verification' },
    fields: {
      id: 'No.', title: 'Title', description: 'Description', severity: 'Severity', category: 'Category', orgUnit: 'Org unit', related: 'Also involved', origin: 'Origin',
      originator: 'Originator', assignees: 'Assignees', watchers: 'Watchers', createdAt: 'Created', acknowledgeBy: 'Acknowledge by', resolveBy: 'Resolve by',
      rootCause: 'Root cause', actionTaken: 'Action taken', reopenCount: 'Reopened', recurrence: 'Recurrences', ruleCode: 'Rule', closeNote: 'Closing note',
      hold: 'On hold because', state: 'State',
    },
    origin: { alert: 'Alert', manual: 'Manual' },
    system: 'System', unassigned: 'Unassigned',
    countdown: {
      acknowledge: 'Acknowledge', resolve: 'Resolve', left: '{time} left', overdue: '{time} overdue', paused: 'Paused · {time} left', working: 'working time',
      d: '{n}d', h: '{n}h', m: '{n}m', lessThanMinute: 'under a minute',
    },
    recovered: 'Indicator recovered', recoveredAt: 'The indicator recovered at {time} and stayed recovered',
    sections: { details: 'Details', alerts: 'Source alerts', timeline: 'Timeline', attachments: 'Attachments', watchers: 'Watchers', suggestions: 'Knowledge base', actions: 'Actions', resolution: 'Resolution' },
    actions: {
      acknowledge: 'Acknowledge', start: 'Start work', hold: 'Put on hold', resume: 'Resume', resolve: 'Resolve', verify: 'Verify and close', close: 'Close', reopen: 'Reopen',
      assign: 'Assign', watch: 'Watch', unwatch: 'Stop watching', comment: 'Comment', attach: 'Attach a file',
    },
    dialogs: {
      holdReason: 'Reason', holdNote: 'Note', holdNoteRequired: 'A note is required for “Other”', rootCause: 'Root cause', actionTaken: 'Action taken', verifyNote: 'Verification note (optional)',
      closeNote: 'Why close it', reopenReason: 'Why reopen it', assignees: 'Assignees', comment: 'Comment', send: 'Send', file: 'File',
      attachLimits: 'Up to {size} per file: PDF, PNG, JPEG, XLSX, DOCX, CSV, TXT',
      tooLarge: 'The file is larger than {size}', badType: 'This file type is not accepted', upload: 'Upload',
    },
    timeline: {
      actions: {
        created: 'Opened', acknowledged: 'Acknowledged', started: 'Started work', held: 'Put on hold', resumed: 'Resumed',
        resolved: 'Resolved', verified: 'Verified and closed', closed: 'Closed', reopened: 'Reopened', assigned: 'Assigned',
        watchersChanged: 'Watchers changed', commented: 'Commented', attachmentAdded: 'Attached a file', alertAttached: 'Alert attached',
        escalated: 'Escalated', indicatorRecovered: 'Indicator recovered', indicatorRecoveryCleared: 'Indicator breached again',
      },
      notification: 'Notification', sent: 'delivered', pending: 'pending', failed: 'failed', dead: 'given up', via: 'to {recipient} by {channel}',
      channels: { in_app: 'in-app', email: 'e-mail', wecom: 'WeCom', dingtalk: 'DingTalk', webhook: 'webhook' },
    },
    noAttachments: 'No attachments', noWatchers: 'Nobody is watching', noSuggestions: 'No related knowledge in the problem library', noAlerts: 'Opened by hand, no source alerts',
    download: 'Download', notFound: 'This work order does not exist or is outside your scope', back: 'Back to the queue', readOnly: 'You may only view this work order',
    created: 'Work order #{id} opened', done: 'Done: {action}',
  },
  errors: {
    WORKORDER_INVALID_TRANSITION: 'The work order’s state does not allow this now; refresh and try again.', WORKORDER_FORBIDDEN: 'Only the originator or the monitoring center may verify, close or reopen.',
    WORKORDER_NO_ROUTE: 'No liaison is routed for this org unit and category: name the assignees or configure a route.', WORKORDER_VALIDATION: 'The input is incomplete or invalid.', WORKORDER_PERSON_OUT_OF_SCOPE: 'A chosen person does not exist, is disabled, or may not see or act on this org unit’s work orders.',
    BODY_TOO_LARGE: 'The file is too large.', UNSUPPORTED_MEDIA_TYPE: 'This file type is not accepted.',
  },
};
