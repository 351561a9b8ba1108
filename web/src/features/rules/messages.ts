/** Messages of the rules administration; the English tree has the same keys. */
export const zhCN = {
  rules: {
    nav: '监控规则',
    title: '监控规则', create: '新建规则', search: '按编码或名称筛选', kind: '类型', pack: '规则包', allPacks: '全部规则包', noPack: '自定义',
    code: '编码', name: '名称', scope: '范围', withDescendants: '含下级', severity: '级别', category: '类别', enabled: '启用', version: '版本',
    lastError: '最近错误', count: '共 {n} 条规则', enable: '启用', disable: '停用', enabledDone: '规则 {code} 已启用。', disabledDone: '规则 {code} 已停用。',
    kinds: {
      threshold: '阈值', target_deviation: '偏离目标', change: '同比/环比', consecutive: '连续周期', window: '窗口汇总', anomaly: '异动检测',
      compliance: '事中合规', source_quality: '数据源质量',
    },
    packs: { default: '默认规则包', internet_hospital: '互联网医院合规包', data_quality: '数据质量包' },
    createForm: { kind: '规则类型', code: '规则编码', codeHint: '小写字母开头，仅含小写字母、数字和下划线', scope: '适用组织', next: '下一步' },
    editor: {
      back: '返回规则列表', newTitle: '新建规则 · {kind}', editTitle: '编辑规则', save: '保存', saving: '正在保存…', saved: '已保存为第 {version} 版。',
      created: '规则 {code} 已创建。', invalid: '规则定义有误，请按字段提示修改。', jsonInvalid: '不是有效的 JSON', versions: '历史版本', savedBy: '保存人',
      readOnly: '您没有修改此规则的权限。', notFound: '规则不存在或不在您的范围内。', listHint: '多个值用逗号分隔', otherErrors: '其他错误',
    },
    fields: {
      nameZh: '中文名称', nameEn: '英文名称', scope_orgUnit: '适用组织', scope_includeDescendants: '包含下级组织', severity: '级别', category: '路由类别',
      messageZh: '中文告警内容', messageEn: '英文告警内容', missingData: '缺数处理', evaluateOpenPeriod: '评估未结束周期', forPeriods: '持续周期数',
      forMinutes: '持续分钟数', hysteresis: '恢复条件（JSON）', labels: '标签（JSON）', indicator: '指标', grain: '周期', op: '比较', bound: '阈值',
      absolute: '取绝对值', measure: '度量', direction: '方向', compareTo: '对比', periods: '周期数', aggregate: '汇总方式', minScore: '最低异常分',
      eventTypes: '事件类型', match: '适用条件（JSON）', violation: '违规条件（JSON）', metric: '质量指标', sources: '数据源',
    },
    dryRun: {
      title: '试运行', hint: '用历史数据回放当前编辑的规则（未保存的修改也会生效），看它会触发多少次。', from: '开始', to: '结束', run: '试运行', running: '正在回放…',
      firings: '会触发 {n} 次', episodes: '告警段', periodsEvaluated: '评估周期', noData: '无数据', skipped: '跳过', pending: '待定',
      examples: '触发示例', none: '所选时段内不会触发。', lastQuarter: '近一个季度', org: '组织', period: '周期', value: '值', bound: '阈值', reason: '原因',
    },
  },
  errors: {
    RULE_CODE_TAKEN: '该规则编码已被使用。', RULE_CONFLICT: '规则已被他人修改，请刷新后重试。', RULE_NOT_FOUND: '规则不存在。',
    RULE_DRY_RUN_TOO_LARGE: '试运行范围过大，请缩短时段或缩小范围。', RULE_DRY_RUN_RANGE: '结束时间须晚于开始时间。',
  },
} as const;

type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export const en: Widen<typeof zhCN> = {
  rules: {
    nav: 'Rules',
    title: 'Monitoring rules', create: 'New rule', search: 'Filter by code or name', kind: 'Kind', pack: 'Pack', allPacks: 'All packs', noPack: 'Custom',
    code: 'Code', name: 'Name', scope: 'Scope', withDescendants: 'with descendants', severity: 'Severity', category: 'Category', enabled: 'Enabled',
    version: 'Version', lastError: 'Last error', count: '{n} rules', enable: 'Enable', disable: 'Disable', enabledDone: 'Rule {code} enabled.',
    disabledDone: 'Rule {code} disabled.',
    kinds: {
      threshold: 'Threshold', target_deviation: 'Deviation from target', change: 'Change (YoY/PoP)', consecutive: 'Consecutive periods',
      window: 'Window aggregate', anomaly: 'Anomaly', compliance: 'Compliance check', source_quality: 'Source quality',
    },
    packs: { default: 'Default pack', internet_hospital: 'Internet hospital compliance', data_quality: 'Data quality' },
    createForm: { kind: 'Rule kind', code: 'Rule code', codeHint: 'Starts with a lowercase letter; lowercase letters, digits and underscores', scope: 'Scope', next: 'Next' },
    editor: {
      back: 'Back to rules', newTitle: 'New rule · {kind}', editTitle: 'Edit rule', save: 'Save', saving: 'Saving…', saved: 'Saved as version {version}.',
      created: 'Rule {code} created.', invalid: 'The rule definition has errors; see the fields marked.', jsonInvalid: 'Not valid JSON', versions: 'Versions',
      savedBy: 'Saved by', readOnly: 'You may not change this rule.', notFound: 'The rule does not exist or is outside your scope.',
      listHint: 'Separate values with commas', otherErrors: 'Other errors',
    },
    fields: {
      nameZh: 'Chinese name', nameEn: 'English name', scope_orgUnit: 'Scope org unit', scope_includeDescendants: 'Include descendants', severity: 'Severity',
      category: 'Routing category', messageZh: 'Chinese message', messageEn: 'English message', missingData: 'Missing data', evaluateOpenPeriod: 'Evaluate open periods',
      forPeriods: 'For (periods)', forMinutes: 'For (minutes)', hysteresis: 'Recovery (JSON)', labels: 'Labels (JSON)', indicator: 'Indicator', grain: 'Grain',
      op: 'Comparison', bound: 'Bound', absolute: 'Absolute value', measure: 'Measure', direction: 'Direction', compareTo: 'Compare to', periods: 'Periods',
      aggregate: 'Aggregate', minScore: 'Minimum score', eventTypes: 'Event types', match: 'Applies to (JSON)', violation: 'Violation (JSON)', metric: 'Metric',
      sources: 'Sources',
    },
    dryRun: {
      title: 'Dry run', hint: 'Replays the rule as edited (unsaved changes included) over past data: how often would it have fired?', from: 'From', to: 'To',
      run: 'Run dry run', running: 'Replaying…', firings: 'Would have fired {n} times',  episodes: 'Episodes', periodsEvaluated: 'Periods evaluated',
      noData: 'No data', skipped: 'Skipped', pending: 'Pending', examples: 'Would-be firings', none: 'It would not have fired in this range.',
      lastQuarter: 'Last quarter', org: 'Org unit', period: 'Period', value: 'Value', bound: 'Bound', reason: 'Reason',
    },
  },
  errors: {
    RULE_CODE_TAKEN: 'This rule code is taken.', RULE_CONFLICT: 'Someone else saved the rule meanwhile; reload it.', RULE_NOT_FOUND: 'No such rule.',
    RULE_DRY_RUN_TOO_LARGE: 'The dry run is too large; shorten the range or narrow the scope.', RULE_DRY_RUN_RANGE: 'The end must be after the start.',
  },
};
