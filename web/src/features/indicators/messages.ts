/** Messages of the indicator explorer and indicator administration (zh-CN; the English tree has the same keys). */
export const zhCN = {
  indicators: {
    nav: '指标分析', title: '指标分析', pick: '选择指标', search: '搜索指标（名称或编码）', noMatch: '没有匹配的指标',
    org: '组织', grain: '粒度', from: '开始日期', to: '结束日期', apply: '查询',
    grains: { hour: '小时', day: '日', week: '周', month: '月', quarter: '季度', year: '年' },
    categories: {
      access: '诊疗与服务量', inpatient: '住院', money: '费用与收入', pharmacy: '药事', service: '服务与满意度', call_center: '呼叫中心',
      online_offline: '线上线下一体化', equipment: '设备', quality_cost: '品质成本', other: '其他',
    },
    directions: { higher_better: '越高越好', lower_better: '越低越好', neutral: '中性' },
    statuses: { met: '达标', missed: '未达标', not_applicable: '不评判', no_value: '无数据', no_target: '无目标' },
    series: { value: '本期值', open: '未结束周期（部分数据）', previous: '上期（环比基期）', yearAgo: '去年同期', target: '目标', anomaly: '异动', band: '预期范围', finding: '历史发现' },
    latest: '最近完整周期', current: '当前周期（未结束）', changeRate: '环比', yoyRate: '同比', target: '目标', noData: '无数据',
    openNote: '阴影区域为尚未结束的周期，其值只是部分数据，不代表下降。',
    anomalyTip: '异动：观测 {observed}，预期 {low} – {high}，偏离 {deviation}', anomalyCount: '异动 {n} 处', findingCount: '历史发现 {n} 处', findingTip: '历史发现（早于规则的实时范围，不产生告警）：{message}',
    trend: '趋势', table: '明细数据', period: '周期', value: '值', previous: '上期值', yearAgo: '去年同期值', state: '状态',
    openTag: '未结束', inherited: '继承',
    breakdown: '下级分解', breakdownOf: '{period} · 按下级组织', noChildren: '该组织没有下级组织。', total: '合计', rank: '排名',
    selectPeriod: '点击趋势图中的周期可切换分解周期。',
    ranking: '同级排名', rankingOf: '{parent} 下属单位 · {period}', top: '前 N 名', bottom: '后 N 名', limit: '显示',
    noRanking: '看不到上级组织，无法与同级单位比较。', you: '当前',
    exportCsv: '导出 CSV', exportXlsx: '导出 Excel', loadFailed: '加载失败：{message}',
    noIndicators: '没有可查看的指标。', noOrgs: '没有可查看的组织。',
  },
  indicatorAdmin: {
    nav: '指标管理', title: '指标管理', definitions: '指标定义', filter: '按名称、编码或公式筛选', code: '编码', name: '名称', unit: '单位',
    direction: '方向', formula: '计算公式', description: '说明', version: '版本', origin: '来源', category: '分类',
    origins: { library: '指标库', custom: '自定义' }, viewJson: '定义 JSON', explore: '分析', targets: '目标',
    versions: '历史版本', savedBy: '{who} 于 {at}',
    targetsOf: '目标 · {name}', targetOrg: '组织', targetValue: '目标值', targetSource: '来源', own: '本级设定', inheritedFrom: '继承自 {org}',
    notSet: '未设定', setTarget: '设置目标', editTarget: '修改目标', period: '周期', periodHint: '周期编码，如 2026-11、2026-Q4、2026-W48、2026',
    targetSaved: '目标已保存。', pickIndicator: '在上方列表中选择一个指标，查看并设置其目标。',
    manual: '手工录入值', manualOnly: '该指标由事件计算，不能手工录入。', enterValue: '录入', valueSaved: '数值已保存（原值：{before}）。',
    upload: '上传文件', uploadHint: 'CSV 或 Excel，列：org, period, value', uploadResult: '接受 {accepted} 行，拒绝 {rejected} 行', row: '行', field: '字段',
    message: '说明', chooseFile: '请选择文件。',
  },
} as const;

type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };
export type IndicatorMessages = Widen<typeof zhCN>;

export const en: IndicatorMessages = {
  indicators: {
    nav: 'Indicators', title: 'Indicator explorer', pick: 'Choose an indicator', search: 'Search indicators (name or code)', noMatch: 'No matching indicator',
    org: 'Org unit', grain: 'Grain', from: 'From', to: 'To', apply: 'Show',
    grains: { hour: 'Hour', day: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter', year: 'Year' },
    categories: {
      access: 'Access and volume', inpatient: 'Inpatient', money: 'Money', pharmacy: 'Pharmacy', service: 'Service', call_center: 'Call center',
      online_offline: 'Online-offline', equipment: 'Equipment', quality_cost: 'Quality cost', other: 'Other',
    },
    directions: { higher_better: 'Higher is better', lower_better: 'Lower is better', neutral: 'Neutral' },
    statuses: { met: 'Met', missed: 'Missed', not_applicable: 'Not judged', no_value: 'No value', no_target: 'No target' },
    series: { value: 'Value', open: 'Open period (partial)', previous: 'Previous period', yearAgo: 'Same period last year', target: 'Target', anomaly: 'Anomaly', band: 'Expected range', finding: 'Finding in history' },
    latest: 'Latest complete period', current: 'Current period (open)', changeRate: 'vs previous', yoyRate: 'vs last year', target: 'Target', noData: 'No data',
    openNote: 'The shaded period has not ended: its value is partial and is not a drop.',
    anomalyTip: 'Anomaly: observed {observed}, expected {low} – {high}, deviation {deviation}', anomalyCount: '{n} anomalies', findingCount: '{n} findings in history', findingTip: 'Finding in history (before the rule’s live horizon, no alert): {message}',
    trend: 'Trend', table: 'Data', period: 'Period', value: 'Value', previous: 'Previous', yearAgo: 'Last year', state: 'State',
    openTag: 'open', inherited: 'inherited',
    breakdown: 'Breakdown', breakdownOf: '{period} · by child unit', noChildren: 'This unit has no child units.', total: 'Total', rank: 'Rank',
    selectPeriod: 'Click a period in the trend to break it down.',
    ranking: 'Ranking among siblings', rankingOf: 'Units under {parent} · {period}', top: 'Top N', bottom: 'Bottom N', limit: 'Show',
    noRanking: 'The parent unit is outside your scope, so there are no siblings to compare with.', you: 'selected',
    exportCsv: 'Export CSV', exportXlsx: 'Export Excel', loadFailed: 'Could not load: {message}',
    noIndicators: 'No indicators to show.', noOrgs: 'No org units to show.',
  },
  indicatorAdmin: {
    nav: 'Indicators', title: 'Indicator administration', definitions: 'Definitions', filter: 'Filter by name, code or formula', code: 'Code', name: 'Name',
    unit: 'Unit', direction: 'Direction', formula: 'Formula', description: 'Description', version: 'Version', origin: 'Origin', category: 'Category',
    origins: { library: 'Library', custom: 'Custom' }, viewJson: 'Definition JSON', explore: 'Explore', targets: 'Targets',
    versions: 'Versions', savedBy: '{who} at {at}',
    targetsOf: 'Targets · {name}', targetOrg: 'Org unit', targetValue: 'Target', targetSource: 'Set by', own: 'Set here', inheritedFrom: 'Inherited from {org}',
    notSet: 'Not set', setTarget: 'Set target', editTarget: 'Change target', period: 'Period', periodHint: 'Period key, e.g. 2026-11, 2026-Q4, 2026-W48, 2026',
    targetSaved: 'Target saved.', pickIndicator: 'Choose an indicator in the list above to see and set its targets.',
    manual: 'Manual values', manualOnly: 'This indicator is computed from events and cannot be entered by hand.', enterValue: 'Enter',
    valueSaved: 'Value saved (was {before}).', upload: 'Upload file', uploadHint: 'CSV or Excel with columns org, period, value',
    uploadResult: '{accepted} rows accepted, {rejected} rejected', row: 'Row', field: 'Field', message: 'Message', chooseFile: 'Choose a file.',
  },
};
