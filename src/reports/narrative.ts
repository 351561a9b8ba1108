import type { BulletinData, DepartmentOrders, HeadlineFigure, IncidentItem, Locale, SourceQualityItem, WorkOrderFigures } from './bulletin-data.ts';
import { formatChange, formatNumber, formatShare, formatValue } from './format.ts';

/**
 * The sentences that open each section, written from the figures in zh-CN or en — never a fixed
 * text: a section with nothing to say says what is true ("no incidents this week"). Pure.
 */
const zh = (locale: Locale) => locale === 'zh-CN';

function periodWord(data: BulletinData, locale: Locale): string {
  if (zh(locale)) return data.kind === 'weekly' ? '本周' : '本月';
  return data.kind === 'weekly' ? 'this week' : 'this month';
}

function grainWord(grain: string, locale: Locale): string {
  const words: Record<string, [string, string]> = {
    hour: ['小时', 'hours'], day: ['天', 'days'], week: ['周', 'weeks'], month: ['个月', 'months'], quarter: ['个季度', 'quarters'], year: ['年', 'years'],
  };
  const [z, e] = words[grain] ?? [grain, grain];
  return zh(locale) ? z : e;
}

/** Whether the figure misses its target in the bad direction. */
export function missesTarget(f: HeadlineFigure): boolean {
  if (f.value === null || f.target === null) return false;
  if (f.direction === 'higher_better') return f.value < f.target;
  if (f.direction === 'lower_better') return f.value > f.target;
  return false;
}

function headlineClause(f: HeadlineFigure, data: BulletinData, locale: Locale): string {
  const name = zh(locale) ? f.name.zh : f.name.en;
  const value = formatValue(f.value, f.unit, locale);
  if (f.value === null) return zh(locale) ? `${name}无数据` : `${name}: no data`;
  const mom = formatChange(f.value, f.previous, f.unit, locale);
  const yoy = formatChange(f.value, f.yearAgo, f.unit, locale);
  const parts: string[] = [];
  if (zh(locale)) {
    if (mom !== null) parts.push(`环比 ${mom}`);
    if (yoy !== null) parts.push(`同比 ${yoy}`);
    return `${name} ${value}${parts.length > 0 ? `，${parts.join('，')}` : ''}`;
  }
  const previousName = data.kind === 'weekly' ? 'the previous week' : 'the previous month';
  if (mom !== null) parts.push(`${mom} on ${previousName}`);
  if (yoy !== null) parts.push(`${yoy} on a year ago`);
  return `${name} ${value}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

export function headlineSentences(data: BulletinData, locale: Locale): string[] {
  const figures = data.headline;
  if (figures.length === 0) return [zh(locale) ? `${periodWord(data, locale)}没有可报告的指标数据。` : `No indicator data to report ${periodWord(data, locale)}.`];
  const sep = zh(locale) ? '；' : '; ';
  const out = [`${figures.map((f) => headlineClause(f, data, locale)).join(sep)}${zh(locale) ? '。' : '.'}`];
  const missed = figures.filter(missesTarget);
  if (missed.length > 0) {
    const list = missed.map((f) => `${zh(locale) ? f.name.zh : f.name.en} ${formatValue(f.value, f.unit, locale)}（${zh(locale) ? '目标' : 'target'} ${formatValue(f.target, f.unit, locale)}）`);
    out.push(zh(locale)
      ? `${missed.length} 项指标未达目标：${list.join('、')}。`
      : `${missed.length} indicator${missed.length === 1 ? '' : 's'} missed the target: ${list.join(', ').replaceAll('（', ' (').replaceAll('）', ')')}.`);
  }
  return out;
}

function isMajor(i: IncidentItem): boolean {
  return i.severity <= 3;
}

export function incidentSentences(data: BulletinData, locale: Locale): string[] {
  const items = data.incidents;
  const when = periodWord(data, locale);
  if (items.length === 0) return [zh(locale) ? `${when}未发生运营异动。` : `No operational incidents ${when}.`];
  const major = items.filter(isMajor).length;
  const ended = items.filter((i) => i.endedAt !== null).length;
  const withOrder = items.filter((i) => i.workOrder !== null);
  const onTime = withOrder.filter((i) => i.workOrder?.onTime === true).length;
  const out: string[] = [];
  out.push(zh(locale)
    ? `${when}发生运营异动 ${items.length} 起（较大及以上 ${major} 起），已恢复 ${ended} 起；${withOrder.length} 起派发工单，按时办结 ${onTime} 起。`
    : `${items.length} operational incident${items.length === 1 ? '' : 's'} ${when} (${major} significant or above), ${ended} recovered; ${withOrder.length} dispatched as work orders, ${onTime} resolved on time.`);
  const lasting = items.filter((i) => i.periods >= 3).sort((a, b) => b.periods - a.periods).slice(0, 3);
  for (const i of lasting) {
    out.push(zh(locale)
      ? `${i.orgName.zh}：${i.title.zh}，已连续 ${i.periods} ${grainWord(i.grain, locale)}。`
      : `${i.orgName.en}: ${i.title.en}, ${i.periods} ${grainWord(i.grain, locale)} in a row.`);
  }
  return out;
}

export function majorIncidentSentences(data: BulletinData, locale: Locale): string[] {
  const major = data.incidents.filter(isMajor);
  if (major.length === 0) return [zh(locale) ? `${periodWord(data, locale)}无较大及以上级别事件。` : `No significant or higher incidents ${periodWord(data, locale)}.`];
  const open = major.filter((i) => i.workOrder === null || !['resolved', 'verified', 'closed'].includes(i.workOrder.state)).length;
  return [zh(locale)
    ? `较大及以上级别事件 ${major.length} 起，需提交分析报告；其中 ${open} 起尚未办结。`
    : `${major.length} significant or higher incident${major.length === 1 ? '' : 's'}, each due an analysis report; ${open} not yet resolved.`];
}

function worstDepartment(rows: readonly DepartmentOrders[]): DepartmentOrders | null {
  const worst = [...rows].filter((d) => d.overdue > 0).sort((a, b) => b.overdue - a.overdue || a.name.zh.localeCompare(b.name.zh))[0];
  return worst ?? null;
}

export function workOrderSentences(data: BulletinData, figures: WorkOrderFigures, locale: Locale): string[] {
  const when = periodWord(data, locale);
  const out = [zh(locale)
    ? `${when}新建工单 ${formatNumber(figures.opened, locale)} 件，办结 ${formatNumber(figures.resolved, locale)} 件，其中按时办结 ${formatNumber(figures.resolvedOnTime, locale)} 件（${formatShare(figures.resolvedOnTime, figures.resolved, locale)}），超时 ${formatNumber(figures.overdue, locale)} 件。`
    : `${formatNumber(figures.opened, locale)} work order${figures.opened === 1 ? '' : 's'} opened ${when}, ${formatNumber(figures.resolved, locale)} resolved, ${formatNumber(figures.resolvedOnTime, locale)} of them on time (${formatShare(figures.resolvedOnTime, figures.resolved, locale)}); ${formatNumber(figures.overdue, locale)} overdue.`];
  const worst = worstDepartment(figures.byDepartment);
  if (worst) {
    out.push(zh(locale) ? `超时最多的是${worst.name.zh}（${worst.overdue} 件）。` : `Most overdue: ${worst.name.en} (${worst.overdue}).`);
  }
  return out;
}

/** A source is in trouble when it delivered under 95 % of what it promised or 95 % of it was valid. */
export function sourceInTrouble(s: SourceQualityItem): boolean {
  return (s.captureRate !== null && s.captureRate < 95) || (s.validRate !== null && s.validRate < 95);
}

export function dataQualitySentences(data: BulletinData, locale: Locale): string[] {
  const sources = data.sources;
  if (sources.length === 0) return [zh(locale) ? '没有登记的数据源。' : 'No registered data sources.'];
  const trouble = sources.filter(sourceInTrouble);
  const out = [zh(locale)
    ? `${sources.length} 个数据源中 ${sources.length - trouble.length} 个质量正常。`
    : `${sources.length - trouble.length} of ${sources.length} data sources met the quality bar.`];
  for (const s of trouble.slice(0, 5)) {
    const parts: string[] = [];
    if (s.captureRate !== null && s.captureRate < 95) parts.push(zh(locale) ? `获取率 ${formatNumber(s.captureRate, locale, 1)}%` : `capture ${formatNumber(s.captureRate, locale, 1)}%`);
    if (s.validRate !== null && s.validRate < 95) parts.push(zh(locale) ? `有效率 ${formatNumber(s.validRate, locale, 1)}%` : `valid ${formatNumber(s.validRate, locale, 1)}%`);
    out.push(zh(locale) ? `${s.name}：${parts.join('，')}，低于 95%。` : `${s.name}: ${parts.join(', ')}, below 95%.`);
  }
  return out;
}
