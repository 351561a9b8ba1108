/** Messages of the alerts feature (inbox, detail, silences, mute windows); the English tree has the same keys. */
export const zhCN = {
  alerts: {
    nav: { inbox: '告警', silences: '静默与屏蔽' },
    severity: { s1: '特别重大', s2: '重大', s3: '较大', s4: '一般' },
    states: { pending: '待定', firing: '告警中', resolved: '已恢复' },
    suppression: {
      notified: '已通知', silence: '已静默', inhibition: '已抑制', mute_window: '屏蔽时段内', dedup: '已去重', group_wait: '分组等待',
    },
    reasons: {
      breach: '越限', no_data: '无数据', for_satisfied: '持续满足', cleared: '恢复正常', cleared_before_firing: '触发前已恢复',
      late_data_raised: '迟到数据触发', late_data_retracted: '迟到数据撤销', period_added: '新周期仍越限', gap: '中间周期未越限，事件结束',
      expired: '后续周期未再判定，事件结束',
    },
    triggers: { evaluation: '评估', late_data: '迟到数据', schedule: '定时检查' },
    inbox: {
      title: '告警', severity: '级别', state: '状态', rule: '规则编码', org: '组织', view: '视图', list: '列表', grouped: '分组',
      message: '告警内容', since: '开始', updated: '最近变化', notification: '通知', count: '共 {n} 条', groupCount: '{n} 条',
      groupTitle: '{rule} · {parent}', open: '查看', truncated: '仅显示最近 {n} 条，请缩小筛选范围。', topLevel: '顶层',
      ended: '结束', periods: '{n} 个周期',
    },
    detail: {
      title: '告警详情', back: '返回告警列表', rule: '规则', indicator: '指标', period: '周期', value: '当前值', bound: '阈值',
      activeSince: '开始于', stateSince: '状态自', category: '类别', chart: '指标走势', chartNone: '该规则逐条检查事件，没有指标序列；触发依据见下方变化记录。',
      chartEmpty: '所选时段没有指标数据。', history: '变化记录', at: '时间', transition: '变化', why: '原因', trigger: '触发方式',
      values: '观测值', baseline: '基线', notification: '通知', workOrder: '协同工单', noWorkOrder: '尚未关联工单。', silence: '静默此告警',
      silencedUntil: '已静默至 {until}：{reason}（{by}）', series: '指标值', target: '目标', expected: '预期区间', firing: '告警区间', facts: '事件字段',
      notifiedNote: '通知被抑制时告警仍会记录。', suppressedBy: '依据',
      periods: '持续周期', ended: '结束', open: '仍在持续', periodsTitle: '越限周期', firstSeen: '首次判定',
      periodsNote: '连续越限的周期合并为一条告警；一个已结束的周期不再越限时告警自动恢复。',
    },
    silenceForm: {
      title: '静默此告警', reason: '原因', reasonHint: '例如：已批准的变更窗口、已知故障处理中', endsAt: '结束时间', matchers: '匹配条件',
      matchersHint: '静默只影响通知，告警仍会记录。条件由告警的规则、组织和标签预填。', submit: '静默', created: '已静默至 {until}。',
      reasonRequired: '请填写原因。', endsAtRequired: '请选择结束时间。', endsAtPast: '结束时间须晚于现在。',
    },
    silences: {
      title: '静默', active: '生效中', expired: '已结束', scheduled: '未开始', all: '全部', create: '新建静默', orgUnit: '适用组织',
      matchers: '匹配条件', startsAt: '开始时间', endsAt: '结束时间', createdBy: '创建人', reason: '原因', expire: '结束静默',
      confirmExpire: '立即结束这条静默？它会保留在记录中。', addMatcher: '添加条件', removeMatcher: '删除', label: '标签', op: '运算', value: '值',
      scopeNote: '静默只在所选组织及其下级范围内生效。', startsNow: '留空表示立即开始', expiredDone: '静默已结束。', created: '静默已创建。',
    },
    mute: {
      title: '屏蔽时段', note: '屏蔽时段对全部组织生效：时段内通知顺延，告警照常记录。', create: '新建屏蔽时段', edit: '编辑', remove: '删除',
      name: '名称', timezone: '时区', weekdays: '星期', holidays: '节假日', holidaysHint: '工作日历中的休息日', times: '时间段', start: '开始',
      end: '结束', addRange: '添加时间段', removeRange: '删除', wholeDay: '全天', everyDay: '每天', overnight: '跨夜',
      confirmRemove: '删除屏蔽时段“{name}”？', saved: '屏蔽时段已保存。', removed: '屏蔽时段已删除。',
      days: { d1: '周一', d2: '周二', d3: '周三', d4: '周四', d5: '周五', d6: '周六', d7: '周日' },
    },
  },
  errors: {
    SILENCE_INVALID: '静默条件无效。', MUTE_WINDOW_INVALID: '屏蔽时段无效。', MUTE_WINDOW_NAME_TAKEN: '已有同名的屏蔽时段。',
    MUTE_WINDOW_NOT_FOUND: '屏蔽时段不存在或已删除。', SILENCE_INVALID_TRANSITION: '该静默已结束。', ALERT_NOT_FOUND: '告警不存在或不在您的范围内。',
  },
} as const;

type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export const en: Widen<typeof zhCN> = {
  alerts: {
    nav: { inbox: 'Alerts', silences: 'Silences & mute windows' },
    severity: { s1: 'Critical', s2: 'Major', s3: 'Significant', s4: 'Minor' },
    states: { pending: 'Pending', firing: 'Firing', resolved: 'Resolved' },
    suppression: {
      notified: 'Notified', silence: 'Silenced', inhibition: 'Inhibited', mute_window: 'In a mute window', dedup: 'Deduplicated', group_wait: 'Group wait',
    },
    reasons: {
      breach: 'Breach', no_data: 'No data', for_satisfied: 'Held long enough', cleared: 'Cleared', cleared_before_firing: 'Cleared before firing',
      late_data_raised: 'Raised by late data', late_data_retracted: 'Retracted by late data', period_added: 'Next period still breaching',
      gap: 'Ended: the periods between did not breach', expired: 'Ended: no later period was judged',
    },
    triggers: { evaluation: 'Evaluation', late_data: 'Late data', schedule: 'Scheduled check' },
    inbox: {
      title: 'Alerts', severity: 'Severity', state: 'State', rule: 'Rule code', org: 'Org unit', view: 'View', list: 'List', grouped: 'Grouped',
      message: 'Alert', since: 'Since', updated: 'Last change', notification: 'Notification', count: '{n} alerts', groupCount: '{n}',
      groupTitle: '{rule} · {parent}', open: 'Open', truncated: 'Showing the latest {n} only; narrow the filters.', topLevel: 'Top level',
      ended: 'Ended', periods: '{n} period(s)',
    },
    detail: {
      title: 'Alert', back: 'Back to alerts', rule: 'Rule', indicator: 'Indicator', period: 'Period', value: 'Value', bound: 'Bound',
      activeSince: 'Active since', stateSince: 'In this state since', category: 'Category', chart: 'Indicator trend',
      chartNone: 'This rule checks single events and watches no indicator series; the history below shows what triggered it.',
      chartEmpty: 'No indicator data in this range.', history: 'History', at: 'Time', transition: 'Change', why: 'Reason', trigger: 'Trigger',
      values: 'Observed', baseline: 'Baseline', notification: 'Notification', workOrder: 'Work order', noWorkOrder: 'No work order linked yet.',
      silence: 'Silence this alert', silencedUntil: 'Silenced until {until}: {reason} ({by})', series: 'Value', target: 'Target',
      expected: 'Expected range', firing: 'Firing', facts: 'Event fields', notifiedNote: 'Suppressed notifications still leave the alert on record.',
      periods: 'Periods', ended: 'Ended', open: 'Ongoing', periodsTitle: 'Breaching periods', firstSeen: 'First judged',
      periodsNote: 'Consecutive breaching periods are one alert; it resolves by itself when a closed period no longer breaches.',
      suppressedBy: 'By',
    },
    silenceForm: {
      title: 'Silence this alert', reason: 'Reason', reasonHint: 'E.g. an approved change window, a known outage being fixed', endsAt: 'Ends at',
      matchers: 'Matchers', matchersHint: 'A silence holds back notifications only; the alert stays on record. Prefilled from the alert’s rule, org unit and labels.',
      submit: 'Silence', created: 'Silenced until {until}.', reasonRequired: 'Give a reason.', endsAtRequired: 'Choose when the silence ends.',
      endsAtPast: 'The end must be in the future.',
    },
    silences: {
      title: 'Silences', active: 'Active', expired: 'Ended', scheduled: 'Scheduled', all: 'All', create: 'New silence', orgUnit: 'Org unit',
      matchers: 'Matchers', startsAt: 'Starts', endsAt: 'Ends', createdBy: 'Created by', reason: 'Reason', expire: 'End now',
      confirmExpire: 'End this silence now? It stays on record.', addMatcher: 'Add matcher', removeMatcher: 'Remove', label: 'Label', op: 'Op', value: 'Value',
      scopeNote: 'A silence applies only within the chosen org unit and below.', startsNow: 'Leave empty to start now', expiredDone: 'The silence has ended.',
      created: 'Silence created.',
    },
    mute: {
      title: 'Mute windows', note: 'Mute windows apply to every org unit: notifications wait until the window ends; alerts are recorded as usual.',
      create: 'New mute window', edit: 'Edit', remove: 'Delete', name: 'Name', timezone: 'Time zone', weekdays: 'Weekdays', holidays: 'Holidays',
      holidaysHint: 'Days off in the working calendar', times: 'Times', start: 'Start', end: 'End', addRange: 'Add a time range', removeRange: 'Remove',
      wholeDay: 'All day', everyDay: 'Every day', overnight: 'overnight', confirmRemove: 'Delete the mute window “{name}”?', saved: 'Mute window saved.',
      removed: 'Mute window deleted.',
      days: { d1: 'Mon', d2: 'Tue', d3: 'Wed', d4: 'Thu', d5: 'Fri', d6: 'Sat', d7: 'Sun' },
    },
  },
  errors: {
    SILENCE_INVALID: 'The silence is invalid.', MUTE_WINDOW_INVALID: 'The mute window is invalid.', MUTE_WINDOW_NAME_TAKEN: 'A mute window with this name exists.',
    MUTE_WINDOW_NOT_FOUND: 'The mute window does not exist or was deleted.', SILENCE_INVALID_TRANSITION: 'This silence has already ended.',
    ALERT_NOT_FOUND: 'The alert does not exist or is outside your scope.',
  },
};
