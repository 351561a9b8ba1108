/** Problem library messages (zh-CN first; English has the same keys). */
export const zhCN = {
  problems: {
    nav: '问题库', title: '问题库', create: '登记问题', empty: '暂无问题', knowledge: '知识库检索', searchPlaceholder: '输入关键词，多个词以空格分隔',
    noArticles: '没有匹配的知识条目', fromProblem: '来自问题 #{id}',
    states: { open: '处理中', resolved: '待核实', closed: '已解决' },
    fields: {
      title: '标题', description: '描述', orgUnit: '组织', ruleCode: '规则编码', category: '类别', owner: '负责人', proposer: '提出人', plan: '整改计划',
      deadline: '期限', state: '状态', progress: '进度', resolution: '解决方案', createdAt: '登记时间', links: '关联告警与工单', updates: '进展',
    },
    links: { alert: '告警', workorder: '工单', add: '添加关联', ref: '编号' },
    actions: { update: '更新进展', resolve: '提交解决方案', verify: '核实解决', reject: '退回', link: '关联' },
    dialogs: { body: '进展说明', progress: '进度（%）', resolution: '解决方案', reason: '退回原因' },
    proposerOnly: '仅提出人可核实或退回', noUpdates: '暂无进展', overdue: '已超期', notFound: '问题不存在或不在您的范围内', done: '已完成：{action}',
  },
  errors: { PROBLEM_FORBIDDEN: '只有提出人可以核实或退回问题。', PROBLEM_INVALID_TRANSITION: '问题当前状态不允许此操作。', PROBLEM_UNKNOWN_USER: '负责人不存在或已停用。' },
} as const;

type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export const en: Widen<typeof zhCN> = {
  problems: {
    nav: 'Problem library', title: 'Problem library', create: 'Record a problem', empty: 'No problems', knowledge: 'Knowledge base', searchPlaceholder: 'Keywords, separated by spaces',
    noArticles: 'No matching articles', fromProblem: 'From problem #{id}',
    states: { open: 'Open', resolved: 'Awaiting verification', closed: 'Solved' },
    fields: {
      title: 'Title', description: 'Description', orgUnit: 'Org unit', ruleCode: 'Rule code', category: 'Category', owner: 'Owner', proposer: 'Proposer', plan: 'Plan',
      deadline: 'Deadline', state: 'State', progress: 'Progress', resolution: 'Resolution', createdAt: 'Recorded', links: 'Linked alerts and work orders', updates: 'Progress updates',
    },
    links: { alert: 'Alert', workorder: 'Work order', add: 'Add a link', ref: 'Number' },
    actions: { update: 'Post progress', resolve: 'Record the resolution', verify: 'Verify as solved', reject: 'Send back', link: 'Link' },
    dialogs: { body: 'What happened', progress: 'Progress (%)', resolution: 'Resolution', reason: 'Why send it back' },
    proposerOnly: 'Only the proposer verifies or sends back', noUpdates: 'No updates yet', overdue: 'Overdue', notFound: 'This problem does not exist or is outside your scope', done: 'Done: {action}',
  },
  errors: { PROBLEM_FORBIDDEN: 'Only the proposer may verify or send back a problem.', PROBLEM_INVALID_TRANSITION: 'The problem’s state does not allow this now.', PROBLEM_UNKNOWN_USER: 'The owner does not exist or is disabled.' },
};
