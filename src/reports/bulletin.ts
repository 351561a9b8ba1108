import { SECTION_KINDS, type BulletinData, type Locale, type SectionKind } from './bulletin-data.ts';
import { formatChange, formatNumber, formatShare, formatValue, MISSING } from './format.ts';
import { dataQualitySentences, headlineSentences, incidentSentences, majorIncidentSentences, missesTarget, workOrderSentences } from './narrative.ts';

/**
 * A bulletin as a document: a title and the template's sections in order, each with its opening
 * sentences, a table and (for headline figures) sparklines. Sections appear only when their data
 * exists. `figures` lists every number the document states under a stable key, so two versions of
 * the same bulletin can say exactly what changed. Pure.
 */
export interface BulletinTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface BulletinSection {
  readonly kind: SectionKind;
  readonly title: string;
  readonly sentences: readonly string[];
  readonly table: BulletinTable | null;
  /** Per headline row: the series for a sparkline, oldest first. */
  readonly sparks?: readonly (readonly (number | null)[])[];
}

export interface BulletinDocument {
  readonly locale: Locale;
  readonly title: string;
  readonly subtitle: string;
  readonly sections: readonly BulletinSection[];
  readonly figures: Readonly<Record<string, string>>;
}

const titles: Record<SectionKind, [string, string]> = {
  headline: ['核心指标', 'Headline indicators'],
  incidents: ['运营异动通报', 'Incidents and their handling'],
  major_incidents: ['较大及以上级别事件', 'Significant and higher incidents'],
  workorders: ['协同工单', 'Work orders'],
  data_quality: ['数据质量', 'Data quality'],
};

const severityNames: Record<number, [string, string]> = { 1: ['特别重大', 'critical'], 2: ['重大', 'major'], 3: ['较大', 'significant'], 4: ['一般', 'minor'] };

function pick(locale: Locale, pair: readonly [string, string]): string {
  return locale === 'zh-CN' ? pair[0] : pair[1];
}

function localDateTime(iso: string | null): string {
  return iso === null ? MISSING : iso.slice(0, 16).replace('T', ' ');
}

function section(kind: SectionKind, data: BulletinData, locale: Locale, figures: Record<string, string>): BulletinSection | null {
  const zh = locale === 'zh-CN';
  const title = pick(locale, titles[kind]);
  switch (kind) {
    case 'headline': {
      if (data.headline.length === 0) return null;
      const rows = data.headline.map((f) => {
        const value = formatValue(f.value, f.unit, locale);
        figures[`headline.${f.code}`] = value;
        return [zh ? f.name.zh : f.name.en, value, formatChange(f.value, f.previous, f.unit, locale) ?? MISSING,
          formatChange(f.value, f.yearAgo, f.unit, locale) ?? MISSING, formatValue(f.target, f.unit, locale), missesTarget(f) ? (zh ? '未达标' : 'missed') : ''];
      });
      return {
        kind, title, sentences: headlineSentences(data, locale),
        table: { columns: zh ? ['指标', '本期', '环比', '同比', '目标', ''] : ['Indicator', 'Value', 'vs previous', 'vs year ago', 'Target', ''], rows },
        sparks: data.headline.map((f) => f.spark),
      };
    }
    case 'incidents': {
      figures['incidents.count'] = String(data.incidents.length);
      const rows = data.incidents.map((i) => {
        const handling = i.workOrder === null ? (zh ? '未派单' : 'no order')
          : `#${i.workOrder.id} ${i.workOrder.state}${i.workOrder.onTime === null ? '' : i.workOrder.onTime ? (zh ? '，按时' : ', on time') : (zh ? '，超时' : ', overdue')}${i.workOrder.resolution ? `：${i.workOrder.resolution}` : ''}`;
        return [zh ? i.orgName.zh : i.orgName.en, zh ? i.title.zh : i.title.en, pick(locale, severityNames[i.severity] ?? ['', '']),
          localDateTime(i.startedAt), i.endedAt === null ? (zh ? '持续中' : 'ongoing') : localDateTime(i.endedAt), handling];
      });
      return {
        kind, title, sentences: incidentSentences(data, locale),
        table: rows.length === 0 ? null : { columns: zh ? ['单位', '异动', '级别', '开始', '结束', '处置'] : ['Unit', 'Incident', 'Severity', 'Started', 'Ended', 'Handling'], rows },
      };
    }
    case 'major_incidents': {
      const major = data.incidents.filter((i) => i.severity <= 3);
      figures['incidents.major'] = String(major.length);
      if (major.length === 0) return null;
      return { kind, title, sentences: majorIncidentSentences(data, locale), table: null };
    }
    case 'workorders': {
      const w = data.workOrders;
      if (w === null) return null;
      figures['workorders.opened'] = String(w.opened);
      figures['workorders.resolvedOnTime'] = String(w.resolvedOnTime);
      figures['workorders.overdue'] = String(w.overdue);
      const rows = w.byDepartment.map((d) => [zh ? d.name.zh : d.name.en, formatNumber(d.opened, locale), formatNumber(d.resolved, locale),
        formatShare(d.resolvedOnTime, d.resolved, locale), formatNumber(d.overdue, locale)]);
      return {
        kind, title, sentences: workOrderSentences(data, w, locale),
        table: rows.length === 0 ? null : { columns: zh ? ['科室', '新建', '办结', '按时办结率', '超时'] : ['Department', 'Opened', 'Resolved', 'On time', 'Overdue'], rows },
      };
    }
    case 'data_quality': {
      if (data.sources.length === 0) return null;
      const pct = (x: number | null) => (x === null ? MISSING : `${formatNumber(x, locale, 1)}%`);
      const rows = data.sources.map((s) => {
        figures[`source.${s.name}.capture`] = pct(s.captureRate);
        return [s.name, formatNumber(s.received, locale), pct(s.captureRate), pct(s.validRate), pct(s.timelyRate)];
      });
      return {
        kind, title, sentences: dataQualitySentences(data, locale),
        table: { columns: zh ? ['数据源', '接收', '获取率', '有效率', '及时率'] : ['Source', 'Received', 'Capture', 'Valid', 'Timely'], rows },
      };
    }
  }
}

export function composeBulletin(data: BulletinData, sections: readonly SectionKind[], locale: Locale): BulletinDocument {
  const zh = locale === 'zh-CN';
  const figures: Record<string, string> = {};
  const chosen = sections.length > 0 ? sections : SECTION_KINDS;
  const out = chosen.map((kind) => section(kind, data, locale, figures)).filter((s): s is BulletinSection => s !== null);
  const scope = zh ? data.scope.name.zh : data.scope.name.en;
  const kindName = data.kind === 'weekly' ? (zh ? '运营周报' : 'weekly operations bulletin') : (zh ? '运营月报' : 'monthly operations bulletin');
  return {
    locale,
    title: zh ? `${scope}${kindName}（${data.periodKey}）` : `${scope} ${kindName} (${data.periodKey})`,
    subtitle: zh ? `统计期间 ${data.periodFrom} 至 ${data.periodTo}` : `Period ${data.periodFrom} to ${data.periodTo}`,
    sections: out,
    figures,
  };
}

/** What changed between two versions of a bulletin: each figure whose printed value differs. */
export function changedFigures(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): { key: string; before: string | null; after: string | null }[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => before[k] !== after[k]).map((k) => ({ key: k, before: before[k] ?? null, after: after[k] ?? null }));
}
