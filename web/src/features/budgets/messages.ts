/** Budget and quality-cost pages, zh-CN and en (same shape). */
export const zhCN = {
  budgets: {
    nav: '预算执行', title: '预算执行与预警', year: '年度', org: '组织', grain: '粒度', item: '科目',
    grains: { month: '月', quarter: '季度', half: '半年', year: '年' },
    budget: '预算', effective: '结转后预算', actual: '实际', execution: '执行率', deviation: '偏差率', original: '调整前',
    template: '下载模板 (XLSX)', templateCsv: '下载模板 (CSV)', importBudget: '导入预算', importActual: '导入实际数', imported: '已导入 {lines} 行（{units} 个组织）',
    badCells: '有 {n} 个错误单元格，未导入任何数据：', export: '导出', allItems: '全部科目', up: '上一级',
    requests: '调整与预算外支出', adjustments: '预算调整（每年一次）', exceptions: '预算外支出申请', approve: '批准', reject: '驳回',
    reason: '理由', status: '状态', level: '审批层级', amount: '金额', month: '月份', requestedBy: '申请人', none: '暂无',
    statuses: { pending: '待审批', approved: '已批准', rejected: '已驳回' },
  },
  qualityCosts: {
    nav: '品质成本', title: '品质成本（PAF）', total: '品质成本合计', revenue: '收入', costToRevenue: '占收入比', failureToPrevention: '损失/预防',
    categories: { prevention: '预防成本', appraisal: '鉴定成本', internal_failure: '内部损失', external_failure: '外部损失' },
    share: '占比', trend: '月度趋势', ranking: '单位排名', rank: '名次', unit: '单位', target: '损失成本目标',
    targetText: '去年损失成本 {last}，今年按进度 {now}，变化 {change}（目标 {goal}）', met: '达成', missed: '未达成',
  },
};

export const en: typeof zhCN = {
  budgets: {
    nav: 'Budgets', title: 'Budget execution and warnings', year: 'Year', org: 'Org unit', grain: 'Grain', item: 'Item',
    grains: { month: 'month', quarter: 'quarter', half: 'half-year', year: 'year' },
    budget: 'Budget', effective: 'After carry-forward', actual: 'Actual', execution: 'Execution', deviation: 'Deviation', original: 'Before adjustment',
    template: 'Template (XLSX)', templateCsv: 'Template (CSV)', importBudget: 'Import budget', importActual: 'Import actuals', imported: 'Imported {lines} lines ({units} org units)',
    badCells: '{n} bad cells; nothing was imported:', export: 'Export', allItems: 'All items', up: 'Up',
    requests: 'Adjustments and out-of-budget spending', adjustments: 'Adjustments (once a year)', exceptions: 'Out-of-budget requests', approve: 'Approve', reject: 'Reject',
    reason: 'Reason', status: 'Status', level: 'Level', amount: 'Amount', month: 'Month', requestedBy: 'Requested by', none: 'None',
    statuses: { pending: 'pending', approved: 'approved', rejected: 'rejected' },
  },
  qualityCosts: {
    nav: 'Quality costs', title: 'Quality costs (PAF)', total: 'Total quality cost', revenue: 'Revenue', costToRevenue: 'To revenue', failureToPrevention: 'Failure / prevention',
    categories: { prevention: 'Prevention', appraisal: 'Appraisal', internal_failure: 'Internal failure', external_failure: 'External failure' },
    share: 'Share', trend: 'Monthly trend', ranking: 'Units ranked', rank: 'Rank', unit: 'Unit', target: 'Failure-cost target',
    targetText: 'Failure cost last year {last}, this year at its pace {now}, change {change} (goal {goal})', met: 'met', missed: 'missed',
  },
};
