import { describe, expect, it } from 'vitest';
import type { BulletinData } from './bulletin-data.ts';
import { changedFigures, composeBulletin } from './bulletin.ts';
import { formatChange, formatValue } from './format.ts';

export const weekData: BulletinData = {
  kind: 'weekly', periodKey: '2026-W48', periodFrom: '2026-11-23', periodTo: '2026-11-29',
  scope: { code: 'YJ', name: { zh: '云健医疗集团', en: 'Yunjian Health Group' } },
  headline: [
    { code: 'outpatient_visits', name: { zh: '门诊人次数', en: 'Outpatient visits' }, unit: 'visits', direction: 'neutral',
      value: 12345, previous: 11962, yearAgo: 12482, target: null, spark: [11000, 11962, 12345] },
    { code: 'appointment_rate', name: { zh: '门诊患者预约诊疗率', en: 'Appointment rate' }, unit: '%', direction: 'higher_better',
      value: 61.5, previous: 63, yearAgo: null, target: 65, spark: [64, 63, 61.5] },
    { code: 'avg_wait_after_appointment', name: { zh: '门诊患者预约后平均等待时间', en: 'Average wait after appointment' }, unit: 'minutes', direction: 'lower_better',
      value: null, previous: 15.8, yearAgo: null, target: 30, spark: [15, 15.8, null] },
  ],
  incidents: [
    { alertId: 7, title: { zh: '候诊时间 42.0 分钟，高于上限 30 分钟', en: 'Waiting time 42.0 min, above the limit of 30 min' }, ruleCode: 'wait_time_high',
      orgName: { zh: '心内科', en: 'Cardiology' }, severity: 3, startedAt: '2026-11-10T00:00:00+08:00', endedAt: null, periods: 3, grain: 'week',
      workOrder: { id: 12, state: 'in_progress', onTime: null, resolution: null } },
    { alertId: 9, title: { zh: '呼损率 35.0%，高于上限 10%', en: 'Abandon rate 35.0%, above the limit of 10%' }, ruleCode: 'call_abandon_high',
      orgName: { zh: '呼叫中心', en: 'Call center' }, severity: 4, startedAt: '2026-11-24T00:00:00+08:00', endedAt: '2026-11-25T00:00:00+08:00', periods: 1, grain: 'day',
      workOrder: { id: 14, state: 'verified', onTime: true, resolution: '增派坐席' } },
  ],
  workOrders: {
    opened: 12, resolved: 10, resolvedOnTime: 8, overdue: 2,
    byDepartment: [
      { name: { zh: '心内科', en: 'Cardiology' }, opened: 5, resolved: 4, resolvedOnTime: 2, overdue: 2 },
      { name: { zh: '呼叫中心', en: 'Call center' }, opened: 7, resolved: 6, resolvedOnTime: 6, overdue: 0 },
    ],
  },
  sources: [
    { name: 'H1-HIS', captureRate: 100, validRate: 99.8, timelyRate: 98, received: 52000 },
    { name: 'DLV-APP', captureRate: 45, validRate: 99, timelyRate: 90, received: 800 },
  ],
};

describe('a bulletin written from its figures', () => {
  it('opens each section with sentences from the data in Chinese', () => {
    const doc = composeBulletin(weekData, [], 'zh-CN');
    expect(doc.title).toBe('云健医疗集团运营周报（2026-W48）');
    const [headline, incidents, major, orders, quality] = doc.sections;
    expect(headline!.sentences[0]).toBe('门诊人次数 12,345 人次，环比 +3.2%，同比 −1.1%；门诊患者预约诊疗率 61.5%，环比 −1.5 个百分点；门诊患者预约后平均等待时间无数据。');
    expect(headline!.sentences[1]).toBe('1 项指标未达目标：门诊患者预约诊疗率 61.5%（目标 65.0%）。');
    expect(incidents!.sentences).toEqual([
      '本周发生运营异动 2 起（较大及以上 1 起），已恢复 1 起；2 起派发工单，按时办结 1 起。',
      '心内科：候诊时间 42.0 分钟，高于上限 30 分钟，已连续 3 周。',
    ]);
    expect(major!.sentences[0]).toBe('较大及以上级别事件 1 起，需提交分析报告；其中 1 起尚未办结。');
    expect(orders!.sentences).toEqual(['本周新建工单 12 件，办结 10 件，其中按时办结 8 件（80.0%），超时 2 件。', '超时最多的是心内科（2 件）。']);
    expect(quality!.sentences).toEqual(['2 个数据源中 1 个质量正常。', 'DLV-APP：获取率 45.0%，低于 95%。']);
  });

  it('writes the same figures in English', () => {
    const doc = composeBulletin(weekData, ['headline', 'workorders'], 'en');
    expect(doc.title).toBe('Yunjian Health Group weekly operations bulletin (2026-W48)');
    expect(doc.sections.map((s) => s.kind)).toEqual(['headline', 'workorders']);
    expect(doc.sections[0]!.sentences[0]).toBe('Outpatient visits 12,345 visits (+3.2% on the previous week, −1.1% on a year ago); Appointment rate 61.5% (−1.5 pp on the previous week); Average wait after appointment: no data.');
    expect(doc.sections[1]!.sentences[0]).toBe('12 work orders opened this week, 10 resolved, 8 of them on time (80.0%); 2 overdue.');
  });

  it('shows missing as missing, never as 0, and leaves out sections without data', () => {
    expect(formatValue(null, 'visits', 'zh-CN')).toBe('—');
    expect(formatChange(10, null, 'visits', 'zh-CN')).toBeNull();
    expect(formatChange(10, 0, 'visits', 'zh-CN')).toBeNull();
    const doc = composeBulletin({ ...weekData, headline: [], workOrders: null, sources: [], incidents: [] }, [], 'zh-CN');
    expect(doc.sections.map((s) => s.kind)).toEqual(['incidents']);
    expect(doc.sections[0]!.sentences).toEqual(['本周未发生运营异动。']);
    const row = composeBulletin(weekData, ['headline'], 'zh-CN').sections[0]!.table!.rows[2]!;
    expect(row.slice(0, 4)).toEqual(['门诊患者预约后平均等待时间', '—', '—', '—']);
  });

  it('lists what changed between two versions', () => {
    const v1 = composeBulletin(weekData, [], 'zh-CN');
    const later = { ...weekData, headline: [{ ...weekData.headline[0]!, value: 12400 }, ...weekData.headline.slice(1)] };
    const v2 = composeBulletin(later, [], 'zh-CN');
    expect(changedFigures(v1.figures, v2.figures)).toEqual([{ key: 'headline.outpatient_visits', before: '12,345 人次', after: '12,400 人次' }]);
    expect(changedFigures(v1.figures, v1.figures)).toEqual([]);
  });
});
