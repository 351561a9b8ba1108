import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import { can, roleHas, userRoles, type Principal } from '../auth/index.ts';
import type { NotifyService } from '../notify/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { commandsForActor, OPEN_STATES, WORK_ORDER_STATES, type WorkOrderCommand, type WorkOrderState } from '../workorders/index.ts';
import type { ProblemsService } from '../workorders/problems-service.ts';
import type { WorkOrderConfigService } from '../workorders/workorder-config-service.ts';
import type { StoredWorkOrder } from '../workorders/workorder-repo.ts';
import { ATTACHMENT_LIMITS, type WorkOrdersService } from '../workorders/workorders-service.ts';
import type { WorkOrderActor } from '../workorders/work-order.ts';
import { actionContext, principalOf, resourceOf, scopeOf } from './access.ts';
import { registerWorkOrderConfigRoutes } from './workorder-config.routes.ts';
import { errorResponses, IdParam } from './schemas.ts';
import { CommandBody, ConsultationView, CreateOrderBody, People, StatsView, viewOrder, WorkOrderDetail, WorkOrderView } from './workorders.schemas.ts';

/**
 * The work-order API: list, open by hand, detail (with deadlines, allowed commands, timeline and
 * knowledge-base suggestions), commands through the state machine (409 with the allowed
 * commands), attachments (multipart, ≤ 10 MB, document types), delivery log, statistics and the
 * weekly consultation list; plus configuration (policies, calendars, routing) in
 * workorder-config.routes.ts. Orders belong to their org unit: scope is checked per order.
 */
export interface WorkOrdersModuleDeps {
  readonly clock: Clock;
  readonly orgs: { findByCode(code: string): Promise<OrgUnit | null>; listRoots(): Promise<OrgUnit[]> };
  readonly workorders: WorkOrdersService;
  readonly config: WorkOrderConfigService;
  readonly problems: Pick<ProblemsService, 'suggestionsFor'>;
  readonly notify: Pick<NotifyService, 'deliveries'>;
}

const orderResource = [{ kind: 'workorder', from: 'params', field: 'id' }] as const;

/** Who acts on an order: the center is whoever may manage work orders on the order's unit. */
export function workOrderActor(principal: Principal, orgPath: string): WorkOrderActor {
  return { userId: principal.kind === 'user' ? String(principal.id) : `token:${String(principal.id)}`, center: can(principal, 'workorder.manage', orgPath) };
}

function toCommand(body: Record<string, unknown> & { kind: string }, actor: WorkOrderActor): WorkOrderCommand {
  if (body.kind === 'hold') return { kind: 'hold', reason: body.reason as never, note: typeof body.note === 'string' ? body.note : '' };
  if (body.kind === 'watch') return { kind: 'watch', userId: typeof body.userId === 'string' ? body.userId : actor.userId, watching: body.watching === true };
  return body as unknown as WorkOrderCommand;
}

/** The ids an order mentions: originator, assignees, watchers, actors, authors, uploaders. */
function mentionedIds(stored: StoredWorkOrder, actors: readonly string[] = []): string[] {
  const o = stored.order;
  return [o.originator, ...o.assignees, ...o.watchers, ...(o.acknowledgedBy === null ? [] : [o.acknowledgedBy]), ...(o.closedBy === null ? [] : [o.closedBy]),
    ...o.comments.map((c) => c.author), ...o.attachments.map((a) => a.uploadedBy), ...actors];
}

/** Roles that may act on work orders (candidates for assignment, routes and contacts). */
const actingRoles = userRoles.filter((r) => roleHas(r, 'workorder.act'));

async function rootPath(deps: WorkOrdersModuleDeps): Promise<string> {
  return (await deps.orgs.listRoots())[0]?.path ?? '/';
}

function registerOrderRoutes(app: FastifyInstance, deps: WorkOrdersModuleDeps): void {
  const { clock, workorders } = deps;

  async function detail(request: FastifyRequest, stored: StoredWorkOrder) {
    const now = clock.now();
    const [orderClock] = await workorders.clocks([stored], now);
    if (!orderClock) throw new Error('no clock for the order');
    const order = viewOrder(stored, orderClock);
    const events = await workorders.timeline(stored.order.id);
    const timeline = events.map((t) => ({ at: t.at.toISOString(), actor: t.actor, action: t.action, from: t.from, to: t.to, details: t.details }));
    const suggestions = (await deps.problems.suggestionsFor(stored.ruleCode, stored.orgUnitId)).map((a) => ({ id: a.id, problemId: a.problemId, title: a.title, body: a.body }));
    const principal = principalOf(request);
    // The console offers exactly these: legal in the state, in the caller's scope, and by the right person.
    const yourCommands = can(principal, 'workorder.act', stored.orgPath) ? commandsForActor(stored.order, workOrderActor(principal, stored.orgPath)) : [];
    const people = Object.fromEntries(await workorders.people([{ orgPath: stored.orgPath, ids: mentionedIds(stored, events.map((e) => e.actor)) }]));
    return {
      order, timeline, suggestions, yourCommands, people,
      comments: stored.order.comments.map((c) => ({ author: c.author, at: c.at.toISOString(), text: c.text })),
      attachments: stored.order.attachments.map((a) => ({ id: a.id, fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes, uploadedBy: a.uploadedBy, at: a.at.toISOString() })),
    };
  }

  app.get('/api/workorders', {
    config: { access: { permission: 'workorder.read', resources: [{ kind: 'org', from: 'query', field: 'org', optional: true }] } },
    schema: {
      tags: ['workorders'], summary: 'Work orders in the caller’s scope (or an org subtree), newest first, with their countdowns',
      querystring: Type.Object({
        state: Type.Optional(Type.Union(WORK_ORDER_STATES.map((s) => Type.Literal(s)))),
        severity: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
        org: Type.Optional(Type.String({ maxLength: 64, description: 'Only orders of this org unit and below' })),
        assignee: Type.Optional(Type.Union([Type.Literal('me'), Type.String({ pattern: '^[0-9]{1,18}$' })], { description: '"me" or a user id' })),
        overdue: Type.Optional(Type.Boolean({ description: 'true: only open orders past a running deadline; false: none of those' })),
        alert: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Only orders that carry this alert among their source alerts' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(WorkOrderView), people: People }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { state?: WorkOrderState; severity?: number; org?: string; assignee?: string; overdue?: boolean; alert?: number; limit?: number };
    const limit = q.limit ?? 100;
    const scopePaths = q.org === undefined ? scopeOf(request, 'workorder.read') : [resourceOf<OrgUnit>(request, 'org').path];
    const me = workOrderActor(principalOf(request), '/').userId;
    // Overdue is judged on the calendar, not in SQL: read the open orders, then keep the page.
    const states = q.overdue === true ? OPEN_STATES.filter((s) => q.state === undefined || s === q.state) : q.state ? [q.state] : undefined;
    const list = await workorders.list({
      scopePaths, limit: q.overdue === undefined ? limit : 10_000, ...(states ? { states } : {}),
      ...(q.severity === undefined ? {} : { severities: [q.severity] }), ...(q.assignee === undefined ? {} : { assignee: q.assignee === 'me' ? me : q.assignee }),
      ...(q.alert === undefined ? {} : { alertId: String(q.alert) }),
    });
    const clocks = await workorders.clocks(list, clock.now());
    const rows = list.map((s, i) => ({ s, c: clocks[i] })).filter((r): r is { s: StoredWorkOrder; c: NonNullable<typeof r.c> } =>
      r.c !== undefined && (q.overdue === undefined || r.c.overdue === q.overdue)).slice(0, limit);
    const people = await workorders.people(rows.map((r) => ({ orgPath: r.s.orgPath, ids: [r.s.order.originator, ...r.s.order.assignees] })));
    return { items: rows.map((r) => viewOrder(r.s, r.c)), people: Object.fromEntries(people) };
  });

  app.get('/api/workorders/people', {
    config: { access: { permission: 'workorder.read', resources: [{ kind: 'org', from: 'query', field: 'org' }] } },
    schema: {
      tags: ['workorders'], summary: 'Who may act on work orders of an org unit (assignees, liaisons and contacts to choose from), closest grants first',
      querystring: Type.Object({ org: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), displayName: Type.String(), orgUnit: Type.String(), role: Type.String() })) }), ...errorResponses },
    },
  }, async (request) => ({ items: await workorders.actingUsers(resourceOf<OrgUnit>(request, 'org').path, actingRoles) }));

  app.post('/api/workorders', {
    config: { access: { permission: 'workorder.act', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: { tags: ['workorders'], summary: 'Open a work order by hand (routed to the liaisons unless assignees are named)', body: CreateOrderBody, response: { 201: WorkOrderDetail, ...errorResponses } },
  }, async (request, reply) => {
    const body = request.body as { title: string; description?: string; severity: 1 | 2 | 3 | 4; category: string; assignees?: string[]; watchers?: string[]; ruleCode?: string };
    const org = resourceOf<OrgUnit>(request, 'org');
    const stored = await workorders.create(actionContext(request, clock), workOrderActor(principalOf(request), org.path), {
      title: body.title, description: body.description ?? '', severity: body.severity, category: body.category, org,
      assignees: body.assignees ?? [], watchers: body.watchers ?? [], ruleCode: body.ruleCode ?? null,
    });
    void reply.code(201);
    return detail(request, stored);
  });

  app.get('/api/workorders/stats', {
    config: { access: { permission: 'workorder.read', resources: [{ kind: 'org', from: 'query', field: 'org', optional: true }] } },
    schema: {
      tags: ['workorders'], summary: 'Statistics per department for orders created in [from, to)',
      querystring: Type.Object({ org: Type.Optional(Type.String({ maxLength: 64 })), from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(StatsView) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { org?: string; from: string; to: string };
    const start = new Date(q.from);
    const end = new Date(q.to);
    if (end.getTime() <= start.getTime()) throw new AppError('VALIDATION_FAILED', 'to must be after from.', { field: '/querystring/to' });
    const org = q.org === undefined ? null : resourceOf<OrgUnit>(request, 'org');
    const scope = org ? [org.path] : scopeOf(request, 'workorder.read');
    return { items: await workorders.stats(scope, { start, end }, clock.now(), await rootPath(deps)) };
  });

  app.get('/api/workorders/consultation', {
    config: { access: { permission: 'workorder.read', resources: [{ kind: 'org', from: 'query', field: 'org', optional: true }] } },
    schema: {
      tags: ['workorders'], summary: 'The weekly consultation list (会商): open orders across departments or past a deadline',
      querystring: Type.Object({ org: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ConsultationView) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { org?: string };
    const scope = q.org === undefined ? scopeOf(request, 'workorder.read') : [resourceOf<OrgUnit>(request, 'org').path];
    const items = await workorders.consultation(scope, clock.now(), await rootPath(deps));
    return { items: items.map((i) => ({ ...i, departments: [...i.departments], reasons: [...i.reasons], acknowledgeBy: i.acknowledgeBy.toISOString(), resolveBy: i.resolveBy.toISOString() })) };
  });

  app.get('/api/workorders/:id', {
    config: { access: { permission: 'workorder.read', resources: orderResource } },
    schema: { tags: ['workorders'], summary: 'One work order with deadlines, allowed commands, timeline and suggestions', params: IdParam, response: { 200: WorkOrderDetail, ...errorResponses } },
  }, async (request) => detail(request, resourceOf<StoredWorkOrder>(request, 'workorder')));

  app.post('/api/workorders/:id/actions', {
    config: { access: { permission: 'workorder.act', resources: orderResource } },
    schema: { tags: ['workorders'], summary: 'Apply a command (409 WORKORDER_INVALID_TRANSITION lists the allowed commands)', params: IdParam, body: CommandBody, response: { 200: WorkOrderDetail, ...errorResponses } },
  }, async (request) => {
    const stored = resourceOf<StoredWorkOrder>(request, 'workorder');
    const actor = workOrderActor(principalOf(request), stored.orgPath);
    const command = toCommand(request.body as Record<string, unknown> & { kind: string }, actor);
    return detail(request, await workorders.act(actionContext(request, clock), actor, stored.order.id, command));
  });

  app.get('/api/workorders/:id/deliveries', {
    config: { access: { permission: 'workorder.read', resources: orderResource } },
    schema: {
      tags: ['workorders'], summary: 'The notification delivery log of a work order', params: IdParam,
      response: {
        200: Type.Object({ items: Type.Array(Type.Object({
          outboxId: Type.Integer(), channel: Type.String(), recipient: Type.String(), event: Type.String(), status: Type.String(), attempts: Type.Integer(),
          log: Type.Array(Type.Object({ at: Type.String(), attempt: Type.Integer(), ok: Type.Boolean(), detail: Type.String() })),
        })) }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const stored = resourceOf<StoredWorkOrder>(request, 'workorder');
    const items = await deps.notify.deliveries(stored.order.id);
    return { items: items.map((d) => ({ ...d, log: d.log.map((l) => ({ ...l, at: l.at.toISOString() })) })) };
  });

  app.get('/api/workorders/:id/attachments/:attachmentId', {
    config: { access: { permission: 'workorder.read', resources: orderResource } },
    schema: {
      tags: ['workorders'], summary: 'Download an attachment',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }), attachmentId: Type.String({ pattern: '^[0-9]{1,18}$' }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const stored = resourceOf<StoredWorkOrder>(request, 'workorder');
    const file = await workorders.attachment(stored.order.id, (request.params as { attachmentId: string }).attachmentId);
    if (!file) throw new AppError('ATTACHMENT_NOT_FOUND', 'No such attachment on this work order.');
    void reply.header('content-type', file.contentType);
    void reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    void reply.header('x-content-type-options', 'nosniff');
    return reply.send(Buffer.from(file.content));
  });

  // Uploads get multipart parsing in their own scope only; the rest of the API stays JSON.
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: ATTACHMENT_LIMITS.maxSizeBytes, files: 1, fields: 0, parts: 1 } });
    scope.post('/api/workorders/:id/attachments', {
      config: { access: { permission: 'workorder.act', resources: orderResource } },
      schema: { tags: ['workorders'], summary: 'Attach a file (multipart field "file"; ≤ 10 MB; pdf, png, jpeg, xlsx, docx, csv, txt)', params: IdParam, response: { 200: WorkOrderDetail, ...errorResponses } },
    }, async (request: FastifyRequest) => {
      const stored = resourceOf<StoredWorkOrder>(request, 'workorder');
      if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
      const part = await request.file();
      if (!part) throw new AppError('VALIDATION_FAILED', 'No file in the request.', { field: '/body/file' });
      let content: Buffer;
      try {
        content = await part.toBuffer();
      } catch {
        throw new AppError('BODY_TOO_LARGE', `Attachments are limited to ${String(ATTACHMENT_LIMITS.maxSizeBytes)} bytes.`, { field: '/body/file' });
      }
      const actor = workOrderActor(principalOf(request), stored.orgPath);
      return detail(request, await workorders.attach(actionContext(request, clock), actor, stored.order.id, { fileName: part.filename, contentType: part.mimetype, content }));
    });
  });
}

/** The work-order module: order routes, configuration routes and the `workorder` resource. */
export function createWorkOrdersModule(deps: WorkOrdersModuleDeps): AppModule {
  return {
    name: 'workorders',
    resolvers: {
      workorder: async (id) => {
        const stored = await deps.workorders.find(id);
        return stored ? { orgPath: stored.orgPath, value: stored } : null;
      },
      rosterentry: async (id) => {
        const entry = /^\d{1,18}$/.test(id) ? await deps.config.findRosterEntry(Number(id)) : null;
        return entry ? { orgPath: entry.orgPath, value: entry } : null;
      },
    },
    register(app) {
      registerOrderRoutes(app, deps);
      registerWorkOrderConfigRoutes(app, deps);
    },
  };
}

