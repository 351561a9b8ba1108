/** Messages of the closed-loop administration pages (zh-CN first; English has the same keys). */
export const zhCN = {
  woAdmin: {
    nav: { routing: '工单分派', calendars: '工作日历' },
    routing: {
      title: '分派与升级', routes: '分派规则', routesHint: '按组织 × 类别指定联络员；“*”表示任意类别。下级组织未配置时沿用上级规则，均无时由运监中心接收。',
      category: '类别', liaisons: '联络员', add: '保存规则', remove: '删除', noRoutes: '尚未配置分派规则',
      roster: '值班表', rosterHint: '值班期间工单优先分派给值班人员。', from: '开始', to: '结束', user: '人员', addDuty: '添加值班', noRoster: '暂无值班安排',
      contacts: '升级联系人', contactsHint: '超时升级时通知的人员，按组织自下而上查找。', target: '升级对象', users: '人员', saveContacts: '保存联系人', noContacts: '暂无升级联系人',
      targets: { liaison: '联络员', department_head: '科室负责人', center_lead: '运监中心负责人', hospital_management: '院领导' },
    },
    policy: {
      deadlines: '时限设置', deadlinesHint: '按级别设置签收与办结时限；新工单创建时冻结当时的设置，已有工单不受影响。',
      acknowledge: '签收时限', resolve: '办结时限', basis: { clock: '自然时间（小时）', working: '工作时间（小时）', working_days: '工作日（天）' },
      escalation: '升级策略', escalationHint: '超过时限后依次升级，时间按时限本身的口径计算。', afterHours: '超时后（小时）', repeatCount: '最后一级重复提醒次数', repeatHours: '提醒间隔（小时）',
      addLevel: '添加一级', removeLevel: '移除', save: '保存设置', center: '运监中心组织',
    },
    calendars: {
      title: '工作日历', group: '集团', timeZone: '时区', hours: '工作时段', hoursHint: '每行一个时段，格式 08:00-12:00；留空表示休息日。', makeUp: '调休上班日时段',
      weekdays: { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' },
      days: '节假日与调休', date: '日期', kind: '类型', name: '名称', off: '放假', work: '调休上班', addDay: '添加', remove: '删除', noDays: '暂无特殊日期',
      import: '导入节假日安排', importHint: '每行一条：日期或日期范围、off/work（或 休/班）、名称。例如：2027-01-01..2027-01-03 off 元旦', importButton: '导入',
      imported: '已导入，现共有 {n} 个特殊日期', save: '保存日历', year: '年份',
    },
  },
  errors: {
    WORKORDER_PERSON_OUT_OF_SCOPE: '所选人员不存在、已停用，或无权查看或处理该组织单元的工单。',
    WORKORDER_ROSTER_INVALID: '值班结束时间必须晚于开始时间。', CALENDAR_NOT_A_GROUP: '工作日历只能设置在集团一级。',
  },
} as const;

type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export const en: Widen<typeof zhCN> = {
  woAdmin: {
    nav: { routing: 'Work-order routing', calendars: 'Working calendars' },
    routing: {
      title: 'Routing and escalation', routes: 'Routes', routesHint: 'Liaisons per org unit × category; “*” means any category. A unit without a route uses its parent’s; with none, the monitoring center receives the order.',
      category: 'Category', liaisons: 'Liaisons', add: 'Save route', remove: 'Remove', noRoutes: 'No routes yet',
      roster: 'Duty roster', rosterHint: 'While on duty, a person receives the unit’s new orders first.', from: 'From', to: 'To', user: 'Person', addDuty: 'Add duty', noRoster: 'Nobody on the roster',
      contacts: 'Escalation contacts', contactsHint: 'Who is told when a deadline is missed, looked up from the order’s unit upwards.', target: 'Level', users: 'People', saveContacts: 'Save contacts', noContacts: 'No escalation contacts',
      targets: { liaison: 'Liaison', department_head: 'Department head', center_lead: 'Center lead', hospital_management: 'Hospital management' },
    },
    policy: {
      deadlines: 'Deadlines', deadlinesHint: 'Acknowledge and resolve deadlines per severity; a new order freezes the settings of its day, open orders keep theirs.',
      acknowledge: 'Acknowledge within', resolve: 'Resolve within', basis: { clock: 'Elapsed (hours)', working: 'Working time (hours)', working_days: 'Working days' },
      escalation: 'Escalation', escalationHint: 'After a missed deadline, level by level, counted on the deadline’s own basis.', afterHours: 'Hours after the deadline', repeatCount: 'Reminders after the last level', repeatHours: 'Hours between reminders',
      addLevel: 'Add a level', removeLevel: 'Remove', save: 'Save settings', center: 'Monitoring center unit',
    },
    calendars: {
      title: 'Working calendars', group: 'Group', timeZone: 'Time zone', hours: 'Working hours', hoursHint: 'One range a line, as 08:00-12:00; empty means a day off.', makeUp: 'Hours on make-up working days',
      weekdays: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
      days: 'Holidays and make-up days', date: 'Date', kind: 'Kind', name: 'Name', off: 'Day off', work: 'Make-up working day', addDay: 'Add', remove: 'Remove', noDays: 'No special days',
      import: 'Import holiday arrangements', importHint: 'One rule a line: a date or range, off/work (or 休/班), a name. E.g. 2027-01-01..2027-01-03 off New Year', importButton: 'Import',
      imported: 'Imported: {n} special days now', save: 'Save calendar', year: 'Year',
    },
  },
  errors: {
    WORKORDER_PERSON_OUT_OF_SCOPE: 'A chosen person does not exist, is disabled, or may not see or act on this org unit’s work orders.',
    WORKORDER_ROSTER_INVALID: 'A duty period must end after it starts.', CALENDAR_NOT_A_GROUP: 'Working calendars belong to a group.',
  },
};
