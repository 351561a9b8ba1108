import { parseIndicatorDefinition, type IndicatorDefinition } from '../definition.ts';
import type { IndicatorDefinitionInput } from '../definition-schema.ts';
import { ACCESS } from './access.ts';
import { CALL_CENTER } from './call-center.ts';
import { EQUIPMENT } from './equipment.ts';
import { INPATIENT } from './inpatient.ts';
import { MONEY } from './money.ts';
import { ONLINE_OFFLINE } from './online-offline.ts';
import { PHARMACY } from './pharmacy.ts';
import { QUALITY_COST } from './quality-cost.ts';
import { SERVICE } from './service.ts';
import { LIBRARY_SOURCES, sourceLabel } from './sources.ts';
import { WORK_ORDERS } from './workorders.ts';

/**
 * The shipped indicator library (DOMAIN §11), as stored-format definitions. Names follow the
 * national tertiary public hospital performance assessment (三级公立医院绩效考核) where one exists.
 * Not shipped: online-to-offline conversion (a join across events, see online-offline.ts) and the
 * per-source data-quality rates, which come from ingest bookkeeping rather than events.
 */
export const LIBRARY: readonly IndicatorDefinitionInput[] = [
  ...ACCESS,
  ...INPATIENT,
  ...MONEY,
  ...PHARMACY,
  ...SERVICE,
  ...CALL_CENTER,
  ...ONLINE_OFFLINE,
  ...EQUIPMENT,
  ...QUALITY_COST,
  ...WORK_ORDERS,
];

/** The library parsed; throws if a shipped definition is invalid (a test guarantees none is). */
export function libraryDefinitions(): readonly IndicatorDefinition[] {
  return LIBRARY.map((input) => {
    const result = parseIndicatorDefinition(input);
    if (!result.ok) throw new Error(`library indicator ${input.code} is invalid: ${JSON.stringify(result.errors)}`);
    return result.definition;
  });
}

const DIRECTION_LABEL = { higher_better: '↑ higher is better', lower_better: '↓ lower is better', neutral: '— neutral' } as const;

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The library as a Markdown table for the README. */
export function libraryMarkdown(): string {
  const header = ['| code | 中文名 | English name | unit | direction | formula | official source |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const rows = LIBRARY.map((d) =>
    `| \`${d.code}\` | ${cell(d.nameZh)} | ${cell(d.nameEn)} | ${cell(d.unit)} | ${DIRECTION_LABEL[d.direction]} | ${cell(d.formula)} | ${cell(sourceLabel(LIBRARY_SOURCES[d.code]))} |`,
  );
  return [...header, ...rows].join('\n') + '\n';
}

const listStart = '<!-- indicator-library:start -->';
const listEnd = '<!-- indicator-library:end -->';

/** `readme` with the library table between its indicator-library markers replaced by the current one. */
export function withLibraryList(readme: string): string {
  const start = readme.indexOf(listStart);
  const end = readme.indexOf(listEnd);
  if (start < 0 || end < start) throw new Error(`the README lacks the markers ${listStart} … ${listEnd}`);
  return `${readme.slice(0, start + listStart.length)}\n\n${libraryMarkdown()}\n${readme.slice(end)}`;
}
