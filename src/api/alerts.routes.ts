import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppModule } from '../app.ts';
import type { AlertsService, AlertView, SilenceView } from '../alerts/alerts-service.ts';
import { alertLabels, matchesAll, silencedBy, type AlertState, type Matcher, type Silence, type SilenceableAlert } from '../alerts/index.ts';
import { pathIds, type OrgUnit } from '../orgs/index.ts';
import type { CaseFilter, ComplianceCasesService } from '../rules/compliance-cases-service.ts';
import { renderStored } from '../rules/render.ts';
import type { RulesService } from '../rules/rules-service.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf } from './access.ts';
import { readerLocale, type ReaderLocale } from './locale.ts';
import { Body, Code, DateTime, errorResponses, IdParam, Nullable, Ok } from './schemas.ts';

/**
 * Alerts and silences over HTTP. An alert belongs to its org unit and a silence to the org unit it
 * was created for (its matchers never reach outside that subtree): a liaison sees only the alerts
 * of their department. Reading needs alert.read; silencing needs alert.act.
 */
const State = Type.Union([Type.Literal('pending'), Type.Literal('firing'), Type.Literal('resolved')]);
const AlertJson = Type.Object({
  id: Type.Integer(), fingerprint: Type.String(), ruleCode: Type.String(), orgUnit: Type.String(), seriesKey: Type.String(), periodKey: Type.String(),
  severity: Type.Integer(), category: Type.String(), groupKey: Type.String(), state: State, value: Nullable(Type.Number()), bound: Nullable(Type.Number()),
  messageZh: Type.String(), messageEn: Type.String(), notify: Type.Boolean(), suppressedBy: Nullable(Type.String()), suppressedRefs: Type.Array(Type.String()),
  activeSince: DateTime, stateSince: DateTime, createdAt: DateTime, updatedAt: DateTime,
  // The alert is an incident: its first and latest breaching periods, how many, and when and why it ended.
  message: Type.String({ description: 'The text in the reader’s language (Accept-Language), durations computed now' }),
  lastPeriodKey: Type.String(), periodCount: Type.Integer(), endedAt: Nullable(DateTime), endReason: Nullable(Type.String()),
});
const PeriodJson = Type.Object({
  periodKey: Type.String(), periodStart: Nullable(DateTime), value: Nullable(Type.Number()), bound: Nullable(Type.Number()), firstAt: DateTime, lastAt: DateTime,
});
const FindingJson = Type.Object({
  id: Type.Integer(), ruleCode: Type.String(), ruleNameZh: Type.String(), ruleNameEn: Type.String(), severity: Type.Integer(), orgUnit: Type.String(),
  seriesKey: Type.String(), periodKey: Type.String(), periodStart: Nullable(DateTime), kind: Type.String(), value: Nullable(Type.Number()),
  bound: Nullable(Type.Number()), message: Type.String(), judgedAt: DateTime,
});
const HistoryJson = Type.Object({
  from: Nullable(State), to: State, reason: Type.String(), trigger: Type.String(), at: DateTime, periodKey: Type.String(), closed: Type.Boolean(),
  value: Nullable(Type.Number()), bound: Nullable(Type.Number()), detail: Type.Record(Type.String(), Type.Unknown()), ruleVersion: Type.Integer(),
  notify: Type.Boolean(), suppressedBy: Nullable(Type.String()), suppressedRefs: Type.Array(Type.String()),
});
// What the alert's page needs of its rule (a liaison reads alerts without rule.read): names, and the indicator series it watches.
const AlertRuleJson = Type.Object({
  code: Type.String(), kind: Type.String(), nameZh: Type.String(), nameEn: Type.String(), category: Type.String(),
  indicator: Nullable(Type.String()), grain: Nullable(Type.String()), labels: Type.Record(Type.String(), Type.String()),
});
const ActiveSilenceJson = Type.Object({ id: Type.Integer(), endsAt: DateTime, reason: Type.String(), createdBy: Type.String() });
const MatcherJson = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
  op: Type.Union([Type.Literal('='), Type.Literal('!='), Type.Literal('=~'), Type.Literal('!~')]),
  value: Type.String({ maxLength: 500 }),
}, { additionalProperties: false });
const SilenceJson = Type.Object({
  id: Type.Integer(), orgUnit: Type.String(), matchers: Type.Array(MatcherJson), startsAt: DateTime, endsAt: DateTime, createdBy: Type.String(),
  reason: Type.String(), createdAt: DateTime, expiredAt: Nullable(DateTime), active: Type.Boolean(),
});

/** The stored text rendered for the reader now (an ended alert's durations stop at its end); texts stored before templates keep their own. */
function messageOf(a: Pick<AlertView, 'messageTemplate' | 'messageParams' | 'messageZh' | 'messageEn' | 'endedAt' | 'value'>, locale: ReaderLocale, now: Date): string {
  if (a.messageTemplate === null || a.messageParams === null) return locale === 'zh' ? a.messageZh : a.messageEn;
  // The alert's value is kept current (a compliance alert's case count grows); its text says the value now.
  const params = a.value === null ? a.messageParams : { ...a.messageParams, value: a.value };
  return renderStored(a.messageTemplate, params, locale, a.endedAt ?? now);
}

function alertJson(a: AlertView, locale: ReaderLocale, now: Date) {
  const at = a.endedAt ?? now;
  const zh = messageOf(a, 'zh', at);
  const en = messageOf(a, 'en', at);
  return {
    message: locale === 'zh' ? zh : en, lastPeriodKey: a.lastPeriodKey, periodCount: a.periodCount, endedAt: a.endedAt?.toISOString() ?? null, endReason: a.endReason,
    id: a.id, fingerprint: a.fingerprint, ruleCode: a.ruleCode, orgUnit: a.orgUnitCode, seriesKey: a.seriesKey, periodKey: a.periodKey, severity: a.severity,
    category: a.category, groupKey: a.groupKey, state: a.state, value: a.value, bound: a.bound, messageZh: zh, messageEn: en,
    notify: a.notify, suppressedBy: a.suppressedBy, suppressedRefs: [...a.suppressedRefs], activeSince: a.status.activeSince, stateSince: a.status.stateSince,
    createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(),
  };
}

function silenceJson(s: SilenceView, now: Date) {
  return {
    id: s.id, orgUnit: s.orgUnitCode, matchers: s.matchers.map((m) => ({ ...m })), startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(),
    createdBy: s.createdBy, reason: s.reason, createdAt: s.createdAt.toISOString(), expiredAt: s.expiredAt?.toISOString() ?? null,
    active: s.expiredAt === null && s.startsAt <= now && now < s.endsAt,
  };
}

function alertRuleJson(rule: NonNullable<Awaited<ReturnType<RulesService['get']>>>) {
  const d = rule.definition;
  return {
    code: rule.code, kind: d.kind, nameZh: d.nameZh, nameEn: d.nameEn, category: d.category,
    indicator: 'indicator' in d ? d.indicator : null, grain: 'grain' in d ? d.grain : null, labels: { ...d.labels },
  };
}

const CaseJson = Type.Object({
  id: Type.Integer(), eventId: Type.Integer(), sourceEventId: Type.String(), eventType: Type.String(), orgUnit: Type.String(), occurredAt: DateTime,
  evidence: Type.Record(Type.String(), Type.Unknown()), ruleVersion: Type.Integer(), recordedAt: DateTime,
});
const CaseQuery = Type.Object({
  field: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' })), value: Type.Optional(Type.String({ maxLength: 200 })),
  eventType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });
const CasePage = Type.Object({
  ...CaseQuery.properties, after: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
}, { additionalProperties: false });

/** The evidence filter of a case query: a field and its value, both or neither. */
function caseFilter(q: { field?: string; value?: string; eventType?: string }): CaseFilter {
  if ((q.field === undefined) !== (q.value === undefined)) {
    const missing = q.field === undefined ? 'field' : 'value';
    throw new AppError('ALERT_CASES_FILTER_INVALID', 'Filter cases by an evidence field and its value together.', { field: `/querystring/${missing}` });
  }
  return { ...(q.field !== undefined && q.value !== undefined ? { field: { name: q.field, value: q.value } } : {}), ...(q.eventType ? { eventType: q.eventType } : {}) };
}

export function createAlertsModule(deps: { alerts: AlertsService; rules: Pick<RulesService, 'get'>; cases: ComplianceCasesService; clock: Clock }): AppModule {
  const { alerts, rules, cases, clock } = deps;

  /**
   * The active silences that match the alert now, judged as the engine's silence stage judges
   * them (the rule's labels plus the alert's own), so a silence shows on the alert at once, before
   * the next evaluation records it as the reason its notification is held back.
   */
  function silenceable(alert: AlertView, labels: Readonly<Record<string, string>>): SilenceableAlert {
    return { ruleCode: alert.ruleCode, orgUnit: alert.orgUnitCode, category: alert.category, severity: alert.severity, orgPath: pathIds(alert.orgPath).map(String), labels };
  }

  async function activeSilencesOf(alert: AlertView, labels: Readonly<Record<string, string>>, now: Date) {
    const ids = pathIds(alert.orgPath);
    const rows = await alerts.listSilences([`/${String(ids[0] ?? '')}/`], now);
    const silences = rows.map((s): Silence => ({
      id: String(s.id), matchers: s.matchers, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), createdBy: s.createdBy, reason: s.reason,
    }));
    const matching = new Set(silencedBy(silenceable(alert, labels), silences, now));
    return rows.filter((s) => matching.has(String(s.id))).map((s) => ({ id: s.id, endsAt: s.endsAt.toISOString(), reason: s.reason, createdBy: s.createdBy }));
  }

  function register(app: FastifyInstance): void {
    app.get('/api/alerts', {
      config: { access: { permission: 'alert.read', resources: [{ kind: 'org', from: 'query', field: 'org', optional: true }] } },
      schema: {
        tags: ['alerts'], summary: 'Alerts in the caller’s scope, newest change first',
        querystring: Type.Object({
          state: Type.Optional(State), severity: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })), rule: Type.Optional(Type.String({ maxLength: 64 })),
          org: Type.Optional(Code), from: Type.Optional(DateTime), to: Type.Optional(DateTime), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(AlertJson) }), ...errorResponses },
      },
    }, async (request) => {
      const q = request.query as { state?: AlertState; severity?: number; rule?: string; org?: string; from?: string; to?: string; limit?: number };
      const org = q.org === undefined ? undefined : resourceOf<OrgUnit>(request, 'org');
      const items = await alerts.list({
        paths: scopeOf(request, 'alert.read'), ...(q.state ? { state: q.state } : {}), ...(q.severity ? { severity: q.severity } : {}),
        ...(q.rule ? { ruleCode: q.rule } : {}), ...(org ? { orgPath: org.path } : {}), ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}), ...(q.limit ? { limit: q.limit } : {}),
      });
      const now = clock.now();
      const locale = readerLocale(request);
      return { items: items.map((a) => alertJson(a, locale, now)) };
    });

    app.get('/api/findings', {
      config: { access: { permission: 'alert.read', resources: [{ kind: 'org', from: 'query', field: 'org', optional: true }] } },
      schema: {
        tags: ['alerts'],
        summary: 'Findings in the caller’s scope: breaches judged on periods older than their rule’s live horizon (history), which open no alert, newest period first',
        querystring: Type.Object({
          rule: Type.Optional(Type.String({ maxLength: 64 })), org: Type.Optional(Code), indicator: Type.Optional(Type.String({ maxLength: 64 })),
          grain: Type.Optional(Type.String({ maxLength: 16 })), from: Type.Optional(DateTime), to: Type.Optional(DateTime),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(FindingJson) }), ...errorResponses },
      },
    }, async (request) => {
      const q = request.query as { rule?: string; org?: string; indicator?: string; grain?: string; from?: string; to?: string; limit?: number };
      const org = q.org === undefined ? undefined : resourceOf<OrgUnit>(request, 'org');
      const items = await alerts.findings({
        paths: scopeOf(request, 'alert.read'), ...(q.rule ? { ruleCode: q.rule } : {}), ...(org ? { orgUnitId: org.id } : {}),
        ...(q.indicator ? { indicator: q.indicator } : {}), ...(q.grain ? { grain: q.grain } : {}), ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}), ...(q.limit ? { limit: q.limit } : {}),
      });
      const locale = readerLocale(request);
      return {
        items: items.map((f) => ({
          id: f.id, ruleCode: f.ruleCode, ruleNameZh: f.ruleNameZh, ruleNameEn: f.ruleNameEn, severity: f.severity, orgUnit: f.orgUnitCode, seriesKey: f.seriesKey,
          periodKey: f.periodKey, periodStart: f.periodStart?.toISOString() ?? null, kind: f.kind, value: f.value, bound: f.bound,
          message: renderStored(f.messageTemplate, f.messageParams, locale, f.judgedAt), judgedAt: f.judgedAt.toISOString(),
        })),
      };
    });

    app.get('/api/alerts/:id', {
      config: { access: { permission: 'alert.read', resources: [{ kind: 'alert', from: 'params', field: 'id' }] } },
      schema: {
        tags: ['alerts'], summary: 'One alert (incident) with its transition history, the periods it spans, its rule (names, watched series) and the active silences matching it now', params: IdParam,
        response: {
          200: Type.Object({
            alert: AlertJson, history: Type.Array(HistoryJson), periods: Type.Array(PeriodJson), rule: Nullable(AlertRuleJson), silencedBy: Type.Array(ActiveSilenceJson),
          }),
          ...errorResponses,
        },
      },
    }, async (request) => {
      const alert = resourceOf<AlertView>(request, 'alert');
      const history = await alerts.history(alert.id);
      const rule = await rules.get(alert.ruleCode);
      const silenced = await activeSilencesOf(alert, rule?.definition.labels ?? {}, clock.now());
      const periods = await alerts.periods(alert.id);
      return {
        alert: alertJson(alert, readerLocale(request), clock.now()),
        periods: periods.map((p) => ({ ...p, periodStart: p.periodStart?.toISOString() ?? null, firstAt: p.firstAt.toISOString(), lastAt: p.lastAt.toISOString() })),
        history: history.map((h) => ({ ...h, at: h.at.toISOString(), suppressedRefs: [...h.suppressedRefs] })),
        rule: rule ? alertRuleJson(rule) : null, silencedBy: silenced,
      };
    });

    app.get('/api/alerts/:id/cases', {
      config: { access: { permission: 'alert.read', resources: [{ kind: 'alert', from: 'params', field: 'id' }] } },
      schema: {
        tags: ['alerts'], summary: 'The compliance cases (违规案例) behind a compliance alert, oldest first; filter by an evidence field or event type; page with after (the last case id)',
        params: IdParam, querystring: CasePage,
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(CaseJson) }), ...errorResponses },
      },
    }, async (request) => {
      const alert = resourceOf<AlertView>(request, 'alert');
      const q = request.query as { field?: string; value?: string; eventType?: string; after?: number; limit?: number };
      const page = await cases.list(alert, { ...caseFilter(q), ...(q.after !== undefined ? { afterId: q.after } : {}), ...(q.limit ? { limit: q.limit } : {}) });
      return {
        total: page.total,
        items: page.items.map((c) => ({
          id: c.id, eventId: c.eventId, sourceEventId: c.sourceEventId, eventType: c.eventType, orgUnit: c.orgUnitCode, occurredAt: new Date(c.occurredAt).toISOString(),
          evidence: { ...c.evidence }, ruleVersion: c.ruleVersion, recordedAt: new Date(c.createdAt).toISOString(),
        })),
      };
    });

    app.get('/api/alerts/:id/cases/export', {
      config: { access: { permission: 'alert.read', resources: [{ kind: 'alert', from: 'params', field: 'id' }] } },
      schema: {
        tags: ['alerts'], summary: 'The compliance cases behind an alert as CSV (UTF-8 with BOM), one column per evidence field', params: IdParam, querystring: CaseQuery,
        response: { 200: Type.String(), ...errorResponses },
      },
    }, async (request, reply) => {
      const alert = resourceOf<AlertView>(request, 'alert');
      const file = await cases.csv(alert, caseFilter(request.query as { field?: string; value?: string; eventType?: string }));
      void reply.header('content-type', 'text/csv; charset=utf-8');
      void reply.header('content-disposition', `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('cache-control', 'no-store');
      return file.body;
    });

    app.post('/api/alerts/:id/silence', {
      config: { access: { permission: 'alert.act', resources: [{ kind: 'alert', from: 'params', field: 'id' }] } },
      schema: {
        tags: ['alerts'],
        summary: 'Silence this alert until a time: by default its rule at its org unit, or by matchers that must match this alert (kept inside its org subtree)',
        params: IdParam,
        body: Body({ reason: Type.String({ minLength: 1, maxLength: 1000 }), endsAt: DateTime, matchers: Type.Optional(Type.Array(MatcherJson, { minItems: 1, maxItems: 20 })) }),
        response: { 201: SilenceJson, ...errorResponses },
      },
    }, async (request, reply) => {
      const body = request.body as { reason: string; endsAt: string; matchers?: Matcher[] };
      const alert = resourceOf<AlertView>(request, 'alert');
      const ctx = actionContext(request, clock);
      let silence: SilenceView;
      if (body.matchers === undefined) {
        silence = await alerts.silenceAlert(ctx, alert, { reason: body.reason, endsAt: new Date(body.endsAt) });
      } else {
        const labels = (await rules.get(alert.ruleCode))?.definition.labels ?? {};
        if (!matchesAll(body.matchers, alertLabels(silenceable(alert, labels)))) {
          throw new AppError('SILENCE_INVALID', 'A silence made from an alert must match that alert.', { field: '/body/matchers' });
        }
        silence = await alerts.createSilence(ctx, {
          orgUnitId: alert.orgUnitId, orgPath: alert.orgPath, matchers: body.matchers, endsAt: new Date(body.endsAt), reason: body.reason,
        }, { action: 'alert.silenced', alertId: alert.id });
      }
      void reply.code(201);
      return silenceJson(silence, clock.now());
    });

    app.get('/api/silences', {
      config: { access: { permission: 'alert.read' } },
      schema: {
        tags: ['alerts'], summary: 'Silences in the caller’s scope', querystring: Type.Object({ active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(SilenceJson) }), ...errorResponses },
      },
    }, async (request) => {
      const { active } = request.query as { active?: boolean };
      const now = clock.now();
      const list = await alerts.listSilences(scopeOf(request, 'alert.read'), active === true ? now : undefined);
      return { items: list.map((s) => silenceJson(s, now)) };
    });

    app.post('/api/silences', {
      config: { access: { permission: 'alert.act', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
      schema: {
        tags: ['alerts'], summary: 'Silence the alerts matching all matchers in an org subtree for a time (notification only; alerts are still recorded)',
        body: Body({
          orgUnit: Code, matchers: Type.Array(MatcherJson, { minItems: 1, maxItems: 20 }), startsAt: Type.Optional(DateTime), endsAt: DateTime,
          reason: Type.String({ minLength: 1, maxLength: 1000 }),
        }),
        response: { 201: SilenceJson, ...errorResponses },
      },
    }, async (request, reply) => {
      const body = request.body as { matchers: { name: string; op: '=' | '!=' | '=~' | '!~'; value: string }[]; startsAt?: string; endsAt: string; reason: string };
      const org = resourceOf<OrgUnit>(request, 'org');
      const silence = await alerts.createSilence(actionContext(request, clock), {
        orgUnitId: org.id, orgPath: org.path, matchers: body.matchers, endsAt: new Date(body.endsAt), reason: body.reason,
        ...(body.startsAt ? { startsAt: new Date(body.startsAt) } : {}),
      });
      void reply.code(201);
      return silenceJson(silence, clock.now());
    });

    app.delete('/api/silences/:id', {
      config: { access: { permission: 'alert.act', resources: [{ kind: 'silence', from: 'params', field: 'id' }] } },
      schema: { tags: ['alerts'], summary: 'Expire a silence now (it stays on record)', params: IdParam, response: { 200: Ok, ...errorResponses } },
    }, async (request) => {
      await alerts.expireSilence(actionContext(request, clock), resourceOf<SilenceView>(request, 'silence'));
      return { ok: true as const };
    });
  }

  return {
    name: 'alerts',
    resolvers: {
      alert: async (id) => {
        const alert = /^\d{1,15}$/.test(id) ? await alerts.find(Number(id)) : null;
        return alert ? { orgPath: alert.orgPath, value: alert } : null;
      },
      silence: async (id) => {
        const silence = /^\d{1,15}$/.test(id) ? await alerts.findSilence(Number(id)) : null;
        return silence ? { orgPath: silence.orgPath, value: silence } : null;
      },
    },
    register,
  };
}
