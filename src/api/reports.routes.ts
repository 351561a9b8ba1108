import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { SECTION_KINDS, type Locale, type SectionKind } from '../reports/bulletin-data.ts';
import { renderBulletinHtml } from '../reports/render-html.ts';
import { renderBulletinXlsx } from '../reports/render-xlsx.ts';
import type { TemplateRecord } from '../reports/reports-repo.ts';
import type { ReportsService } from '../reports/reports-service.ts';
import { defaultSchedules } from '../reports/schedule.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf } from './access.ts';
import { Body, Code, errorResponses, IdParam, Nullable } from './schemas.ts';

/**
 * Bulletins (周报/月报): templates per scope (administrators and analysts), the archive of
 * generated versions (anyone who reads reports, within their scope), each bulletin as JSON, HTML
 * or an XLSX appendix in the reader's language, and regeneration of a period by hand.
 */
const Section = Type.Union(SECTION_KINDS.map((k) => Type.Literal(k)));
const Schedule = Type.Object({
  atMinute: Type.Integer({ minimum: 0, maximum: 1439, description: 'Local minutes after midnight (480 = 08:00)' }),
  day: Type.Integer({ minimum: 1, maximum: 7, description: 'Weekly: ISO weekday after the week; monthly: n-th working day' }),
}, { additionalProperties: false });
const TemplateView = Type.Object({
  id: Type.Integer(), code: Type.String(), name: Type.String(), kind: Type.String(), orgUnit: Type.String(), sections: Type.Array(Type.String()),
  headline: Type.Array(Type.String()), schedule: Schedule, enabled: Type.Boolean(),
});
const Change = Type.Object({ key: Type.String(), before: Nullable(Type.String()), after: Nullable(Type.String()) });
const BulletinSummary = Type.Object({
  id: Type.Integer(), template: Type.String(), periodKey: Type.String(), version: Type.Integer(), trigger: Type.String(), generatedAt: Type.String(), title: Type.String(),
});
const BulletinView = Type.Object({
  id: Type.Integer(), template: Type.String(), periodKey: Type.String(), version: Type.Integer(), trigger: Type.String(), generatedAt: Type.String(),
  changes: Type.Array(Change),
  document: Type.Object({
    locale: Type.String(), title: Type.String(), subtitle: Type.String(), figures: Type.Record(Type.String(), Type.String()),
    sections: Type.Array(Type.Object({
      kind: Type.String(), title: Type.String(), sentences: Type.Array(Type.String()),
      table: Nullable(Type.Object({ columns: Type.Array(Type.String()), rows: Type.Array(Type.Array(Type.String())) })),
      sparks: Type.Optional(Type.Array(Type.Array(Nullable(Type.Number())))),
    })),
  }),
});
const LocaleQuery = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);
const templateResource = [{ kind: 'bulletin_template', from: 'params', field: 'id' }] as const;
const bulletinResource = [{ kind: 'bulletin', from: 'params', field: 'id' }] as const;

function view(t: TemplateRecord) {
  return { id: t.id, code: t.code, name: t.name, kind: t.kind, orgUnit: t.orgCode, sections: [...t.sections], headline: [...t.headline], schedule: t.schedule, enabled: t.enabled };
}

/** The reader's language: `?lang=` first, then Accept-Language; Chinese by default. */
function localeOf(request: FastifyRequest, lang: Locale | undefined): Locale {
  if (lang) return lang;
  const header = request.headers['accept-language'] ?? '';
  return /^\s*en\b/i.test(header) ? 'en' : 'zh-CN';
}

function attach(reply: FastifyReply, contentType: string, fileName: string): void {
  void reply.header('content-type', contentType);
  void reply.header('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  void reply.header('cache-control', 'no-store');
}

export function createReportsModule(deps: { reports: ReportsService; clock: Clock }): AppModule {
  const { reports, clock } = deps;
  return {
    name: 'reports',
    resolvers: {
      bulletin_template: async (id) => {
        const t = await reports.requireTemplate(id).catch(() => null);
        return t ? { orgPath: t.orgPath, value: t } : null;
      },
      bulletin: async (id) => {
        const b = /^\d{1,15}$/.test(id) ? await reports.find(Number(id)) : null;
        return b ? { orgPath: b.orgPath, value: b } : null;
      },
    },
    register(app: FastifyInstance) {
      app.get('/api/reports/templates', {
        config: { access: { permission: 'report.read' } },
        schema: { tags: ['reports'], summary: 'Bulletin templates in the caller’s scope', response: { 200: Type.Object({ items: Type.Array(TemplateView) }), ...errorResponses } },
      }, async (request) => ({ items: (await reports.listTemplates(scopeOf(request, 'report.read'))).map(view) }));

      app.post('/api/reports/templates', {
        config: { access: { permission: 'report.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
        schema: {
          tags: ['reports'], summary: 'Create a weekly or monthly bulletin template for a scope',
          body: Body({
            code: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }), name: Type.String({ minLength: 1, maxLength: 200 }),
            kind: Type.Union([Type.Literal('weekly'), Type.Literal('monthly')]), orgUnit: Code,
            sections: Type.Optional(Type.Array(Section, { minItems: 1, maxItems: 20, uniqueItems: true })),
            headline: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9_]{1,64}$' }), { maxItems: 30, uniqueItems: true })),
            schedule: Type.Optional(Schedule), enabled: Type.Optional(Type.Boolean()),
          }),
          response: { 201: TemplateView, ...errorResponses },
        },
      }, async (request, reply) => {
        const body = request.body as { code: string; name: string; kind: 'weekly' | 'monthly'; sections?: SectionKind[]; headline?: string[]; schedule?: { atMinute: number; day: number }; enabled?: boolean };
        const t = await reports.createTemplate(actionContext(request, clock), {
          code: body.code, name: body.name, kind: body.kind, org: resourceOf<OrgUnit>(request, 'org'), sections: body.sections ?? [...SECTION_KINDS],
          headline: body.headline ?? [], schedule: body.schedule ?? defaultSchedules[body.kind], enabled: body.enabled ?? true,
        });
        void reply.code(201);
        return view(t);
      });

      app.put('/api/reports/templates/:id', {
        config: { access: { permission: 'report.manage', resources: templateResource } },
        schema: {
          tags: ['reports'], summary: 'Change a template’s sections and their order, headline indicators, schedule or state', params: IdParam,
          body: Body({
            name: Type.String({ minLength: 1, maxLength: 200 }), sections: Type.Array(Section, { minItems: 1, maxItems: 20, uniqueItems: true }),
            headline: Type.Array(Type.String({ pattern: '^[a-z0-9_]{1,64}$' }), { maxItems: 30, uniqueItems: true }), schedule: Schedule, enabled: Type.Boolean(),
          }),
          response: { 200: TemplateView, ...errorResponses },
        },
      }, async (request) => view(await reports.updateTemplate(actionContext(request, clock), resourceOf<TemplateRecord>(request, 'bulletin_template'),
        request.body as { name: string; sections: SectionKind[]; headline: string[]; schedule: { atMinute: number; day: number }; enabled: boolean })));

      app.post('/api/reports/templates/:id/generate', {
        config: { access: { permission: 'report.manage', resources: templateResource } },
        schema: {
          tags: ['reports'], summary: 'Generate (or regenerate) the bulletin of a period; a new version only when its figures changed', params: IdParam,
          body: Body({ period: Type.String({ minLength: 6, maxLength: 10, description: '2026-W48 for a weekly, 2026-11 for a monthly template' }) }),
          response: { 200: Type.Object({ id: Type.Integer(), version: Type.Integer(), created: Type.Boolean() }), ...errorResponses },
        },
      }, async (request) => {
        const t = resourceOf<TemplateRecord>(request, 'bulletin_template');
        const result = await reports.generateFor(actionContext(request, clock), t, (request.body as { period: string }).period);
        return { id: result.id, version: result.record.version, created: result.created };
      });

      app.get('/api/reports', {
        config: { access: { permission: 'report.read' } },
        schema: {
          tags: ['reports'], summary: 'The bulletin archive in the caller’s scope: latest versions by default, newest period first',
          querystring: Type.Object({
            template: Type.Optional(Type.Integer({ minimum: 1 })), period: Type.Optional(Type.String({ maxLength: 20 })), q: Type.Optional(Type.String({ maxLength: 100 })),
            versions: Type.Optional(Type.Boolean()), lang: Type.Optional(LocaleQuery), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(BulletinSummary) }), ...errorResponses },
        },
      }, async (request) => {
        const q = request.query as { template?: number; period?: string; q?: string; versions?: boolean; lang?: Locale; limit?: number };
        const locale = localeOf(request, q.lang);
        const records = await reports.list({
          scopePaths: scopeOf(request, 'report.read'), templateId: q.template, periodKey: q.period, search: q.q, latestOnly: q.versions !== true, limit: q.limit ?? 100,
        });
        const items = await Promise.all(records.map(async (r) => {
          const read = await reports.read(r, locale);
          return { id: r.id, template: read.template, periodKey: r.periodKey, version: r.version, trigger: r.trigger, generatedAt: read.generatedAt, title: read.document.title };
        }));
        return { items };
      });

      app.get('/api/reports/:id', {
        config: { access: { permission: 'report.read', resources: bulletinResource } },
        schema: {
          tags: ['reports'], summary: 'One bulletin version as a document, with what changed since the version before', params: IdParam,
          querystring: Type.Object({ lang: Type.Optional(LocaleQuery) }, { additionalProperties: false }),
          response: { 200: BulletinView, ...errorResponses },
        },
      }, async (request) => reports.read(resourceOf(request, 'bulletin'), localeOf(request, (request.query as { lang?: Locale }).lang)));

      app.get('/api/reports/:id/file', {
        config: { access: { permission: 'report.read', resources: bulletinResource } },
        schema: {
          tags: ['reports'], summary: 'One bulletin version as an HTML page or an XLSX appendix of its tables', params: IdParam,
          querystring: Type.Object({ format: Type.Union([Type.Literal('html'), Type.Literal('xlsx')]), lang: Type.Optional(LocaleQuery) }, { additionalProperties: false }),
        },
      }, async (request, reply) => {
        const q = request.query as { format: 'html' | 'xlsx'; lang?: Locale };
        const read = await reports.read(resourceOf(request, 'bulletin'), localeOf(request, q.lang));
        const base = `${read.template}-${read.periodKey}-v${String(read.version)}`;
        if (q.format === 'html') {
          attach(reply, 'text/html; charset=utf-8', `${base}.html`);
          return renderBulletinHtml(read.document, read.changes);
        }
        attach(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `${base}.xlsx`);
        return renderBulletinXlsx(read.document);
      });
    },
  };
}
