/** Messages of the data-source pages; the English tree is typed by the Chinese one so keys cannot drift. */
type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export const zhCN = {
  sources: {
    nav: '数据源质量', title: '数据源与数据质量', detailTitle: '数据源详情', period: '统计周期', back: '返回数据源列表',
    periods: { '24h': '最近 24 小时', '7d': '最近 7 天', '30d': '最近 30 天' },
    scope: '范围', allScope: '我的全部范围',
    statuses: { silent: '静默', bad_data: '数据异常', late: '迟滞', healthy: '正常', inactive: '已停用' },
    reasons: {
      NEVER_SENT: '从未发送数据', NOTHING_RECEIVED: '本周期未收到数据', LOW_SUCCESS_RATE: '成功率低于 95%',
      LOW_CAPTURE_RATE: '获取率低于 90%（漏批次）', SLOW_DELIVERY: '95% 分位延迟超过 1 小时',
    },
    summary: { total: '数据源', trouble: '需关注', healthy: '正常', rejected: '本周期拒收记录' },
    col: {
      name: '数据源', orgUnit: '所属组织', status: '状态', capture: '获取率', validity: '有效率（成功率）', timeliness: '及时性 P50 / P95',
      lastSeen: '最近接收', received: '接收', accepted: '入库', duplicates: '重复', conflicts: '冲突', rejected: '拒收', topReasons: '主要拒收原因',
      eventType: '事件类型', code: '原因代码', count: '条数', share: '占比',
    },
    captureHint: '获取率 = 按约定频率实际到达 / 应到达；静默的数据源为 0%。',
    noCadence: '未约定频率', nothingOwed: '尚无应到批次', nothing: '本周期无数据',
    overTime: '质量走势', ratesChart: '有效率与获取率（%）', countsChart: '入库与拒收（条）', lagChart: '及时性 P95（分钟）',
    series: { success: '有效率', capture: '获取率', accepted: '入库（含重复）', rejected: '拒收与冲突', p95: 'P95 延迟' },
    byType: '按事件类型', byCode: '拒收原因', cadence: '约定频率', allowedTypes: '允许的事件类型',
    cadenceBatches: '每 {n} 分钟至少一批', cadenceWindow: '{from}–{to}', weekdays: '仅工作日', cadenceEvents: '每天约 {n} 条',
    quarantine: {
      title: '隔离区', hint: '被拒收或冲突的记录在此等待处理；修正事件类型定义或列映射后可重新处理。',
      filterCode: '原因代码', filterStatus: '状态', open: '待处理', reprocessed: '已重新处理', allCodes: '全部原因',
      receivedAt: '接收时间', eventId: '事件 ID', type: '类型', message: '说明', path: '位置', payload: '原始记录',
      showPayload: '查看', hidePayload: '收起', noPayload: '记录无法解析，未保留内容。', empty: '隔离区中没有符合条件的记录。',
      reprocess: '重新处理全部待处理记录', reprocessing: '正在重新处理…',
      reprocessNote: '重新处理会依次运行本数据源全部待处理的拒收记录（冲突记录与无法解析的记录除外）。',
      result: '重新处理结果：运行 {processed} 条，入库 {settled} 条，仍待处理 {stillOpen} 条。',
      settled: '已入库', stillOpen: '仍待处理', openCount: '待处理 {n} 条',
    },
  },
  errors: {
    SOURCE_NOT_FOUND: '数据源不存在或不在您的范围内。',
  },
} as const;

export const en: Widen<typeof zhCN> = {
  sources: {
    nav: 'Data sources', title: 'Data sources and quality', detailTitle: 'Data source', period: 'Period', back: 'Back to data sources',
    periods: { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' },
    scope: 'Scope', allScope: 'All my scope',
    statuses: { silent: 'Silent', bad_data: 'Bad data', late: 'Late', healthy: 'Healthy', inactive: 'Inactive' },
    reasons: {
      NEVER_SENT: 'Has never sent data', NOTHING_RECEIVED: 'Nothing received this period', LOW_SUCCESS_RATE: 'Success rate below 95%',
      LOW_CAPTURE_RATE: 'Capture rate below 90% (missed batches)', SLOW_DELIVERY: 'p95 delay above one hour',
    },
    summary: { total: 'Sources', trouble: 'Need attention', healthy: 'Healthy', rejected: 'Records rejected this period' },
    col: {
      name: 'Source', orgUnit: 'Org unit', status: 'Status', capture: 'Capture rate', validity: 'Validity (success rate)', timeliness: 'Timeliness p50 / p95',
      lastSeen: 'Last seen', received: 'Received', accepted: 'Accepted', duplicates: 'Duplicates', conflicts: 'Conflicts', rejected: 'Rejected', topReasons: 'Top rejection reasons',
      eventType: 'Event type', code: 'Reason code', count: 'Records', share: 'Share',
    },
    captureHint: 'Capture rate = arrived / expected by the agreed cadence; a silent source shows 0%.',
    noCadence: 'No cadence agreed', nothingOwed: 'Nothing due yet', nothing: 'No data in this period',
    overTime: 'Quality over time', ratesChart: 'Validity and capture rate (%)', countsChart: 'Stored and refused (records)', lagChart: 'Timeliness p95 (minutes)',
    series: { success: 'Validity', capture: 'Capture rate', accepted: 'Stored (incl. duplicates)', rejected: 'Rejected and conflicts', p95: 'p95 delay' },
    byType: 'By event type', byCode: 'Rejections by reason', cadence: 'Expected cadence', allowedTypes: 'Allowed event types',
    cadenceBatches: 'At least one batch every {n} min', cadenceWindow: '{from}–{to}', weekdays: 'weekdays only', cadenceEvents: 'About {n} events a day',
    quarantine: {
      title: 'Quarantine', hint: 'Rejected or conflicting records wait here; after fixing an event type definition or the column mapping, re-process them.',
      filterCode: 'Reason code', filterStatus: 'Status', open: 'Open', reprocessed: 'Re-processed', allCodes: 'All reasons',
      receivedAt: 'Received', eventId: 'Event id', type: 'Type', message: 'Message', path: 'Where', payload: 'Raw record',
      showPayload: 'Show', hidePayload: 'Hide', noPayload: 'The record could not be parsed; nothing of it was kept.', empty: 'No quarantined records match.',
      reprocess: 'Re-process all open records', reprocessing: 'Re-processing…',
      reprocessNote: 'Re-processing runs every open rejected record of this source again (conflicts and unparseable records excepted).',
      result: 'Re-process: {processed} run, {settled} stored, {stillOpen} still open.',
      settled: 'Stored', stillOpen: 'Still open', openCount: '{n} open',
    },
  },
  errors: {
    SOURCE_NOT_FOUND: 'No such data source in your scope.',
  },
};
