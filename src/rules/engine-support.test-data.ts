import type { AlertTransitionConsumer, AlertTransitionEvent } from '../alerts/index.ts';
import type { ActionContext } from '../audit/index.ts';
import type { IndicatorDefinition } from '../indicators/index.ts';
import type { Queryable } from '../store/index.ts';

/** Builders shared by the engine's database tests, the routes test and the acceptance timeline. */
export function countIndicator(code: string, eventType: string): IndicatorDefinition {
  return {
    code, version: 1, nameZh: code, nameEn: code, unit: 'n', direction: 'lower_better', category: 'other', description: '', formula: 'count',
    measure: { kind: 'count', source: { eventTypes: [eventType], filter: [], timeAttribute: 'occurredAt', forEach: null } },
  };
}

export function ruleJson(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    nameZh: '测试规则', nameEn: 'Test rule', enabled: true, scope: { orgUnit: 'H1', includeDescendants: true }, severity: 3, category: 'outpatient',
    labels: {}, messageZh: '{{orgUnitName}} {{period}} 值 {{value}}', messageEn: '{{orgUnitName}} {{period}}: {{value}} beyond {{bound}}',
    missingData: 'skip', evaluateOpenPeriod: false, ...fields,
  };
}

export function systemCtx(now: Date): ActionContext {
  return { now, actor: { kind: 'system', id: null, name: 'test' } };
}

/** A transition consumer that keeps what it was told and proves it ran inside the recording transaction. */
export function collectingConsumer(): AlertTransitionConsumer & { readonly seen: AlertTransitionEvent[] } {
  const seen: AlertTransitionEvent[] = [];
  return {
    name: 'collector',
    seen,
    async onTransition(tx: Queryable, event: AlertTransitionEvent) {
      const { rows } = await tx.query<{ state: string }>('SELECT state FROM alert WHERE id = $1', [event.alertId]);
      if (rows[0]?.state !== event.to) throw new Error('transition event seen outside its transaction');
      seen.push(event);
    },
  };
}
