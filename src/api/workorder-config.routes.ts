import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CalendarDocumentSchema, toCalendarDocument } from '../calendar/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { EscalationPolicySchema, DeadlinePolicySchema } from '../workorders/index.ts';
import type { RosterRow } from '../workorders/routing-repo.ts';
import type { WorkOrderConfigService } from '../workorders/workorder-config-service.ts';
import { actionContext, resourceOf, scopeOf } from './access.ts';
import { Body, errorResponses, IdParam, Ok } from './schemas.ts';
import { PolicyBody } from './workorders.schemas.ts';

/**
 * Configuration of the closed loop: deadline and escalation policies and the center's org unit
 * (installation-wide), working calendars per group (`GET/PUT /api/calendar?group=`), routes,
 * duty roster and escalation contacts (`/api/routing/*`). Reading needs workorder.read, changing
 * needs workorder.manage on the org unit concerned.
 */
const UserIds = Type.Array(Type.String({ pattern: '^[0-9]{1,18}$' }), { maxItems: 50 });
const Target = Type.Union(['liaison', 'department_head', 'center_lead', 'hospital_management'].map((t) => Type.Literal(t)));
const groupRef = [{ kind: 'org', from: 'query', field: 'group' }] as const;
const PolicyView = Type.Object({ deadlines: DeadlinePolicySchema, escalation: EscalationPolicySchema, centerOrgUnit: Type.String() });
const RosterView = Type.Object({ id: Type.Integer(), orgUnit: Type.String(), userId: Type.String(), from: Type.String(), to: Type.String() });

function requireGroup(org: OrgUnit): OrgUnit {
  if (org.kind !== 'group') throw new AppError('CALENDAR_NOT_A_GROUP', `Calendars belong to a group; "${org.code}" is a ${org.kind}.`, { field: '/querystring/group' });
  return org;
}

const viewRoster = (r: RosterRow) => ({ id: r.id, orgUnit: r.orgUnit, userId: r.userId, from: r.from.toISOString(), to: r.to.toISOString() });

export function registerWorkOrderConfigRoutes(app: FastifyInstance, deps: { clock: Clock; config: WorkOrderConfigService }): void {
  const { clock, config } = deps;

  async function policies() {
    return { deadlines: await config.deadlinePolicy(), escalation: await config.escalationPolicy(), centerOrgUnit: await config.centerOrgUnit() };
  }

  app.get('/api/workorders/policy', {
    config: { access: { permission: 'workorder.read' } },
    schema: { tags: ['workorders'], summary: 'Deadline and escalation policies and the monitoring center’s org unit', response: { 200: PolicyView, ...errorResponses } },
  }, policies);

  app.put('/api/workorders/policy', {
    config: { access: { permission: 'workorder.manage', resources: [{ kind: 'installation', from: 'fixed', field: 'installation' }] } },
    schema: { tags: ['workorders'], summary: 'Change the policies (new orders freeze them; open orders keep theirs)', body: PolicyBody, response: { 200: PolicyView, ...errorResponses } },
  }, async (request) => {
    await config.setPolicies(actionContext(request, clock), request.body as { deadlines?: unknown; escalation?: unknown; centerOrgUnit?: string });
    return policies();
  });

  app.get('/api/calendar', {
    config: { access: { permission: 'workorder.read', resources: groupRef } },
    schema: {
      tags: ['workorders'], summary: 'The working calendar of a group', querystring: Type.Object({ group: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
      response: { 200: CalendarDocumentSchema, ...errorResponses },
    },
  }, async (request) => {
    return toCalendarDocument(await config.calendar(requireGroup(resourceOf<OrgUnit>(request, 'org'))));
  });

  app.put('/api/calendar', {
    config: { access: { permission: 'workorder.manage', resources: groupRef } },
    schema: {
      tags: ['workorders'], summary: 'Replace the calendar (document) and/or add days in the China holiday text format',
      querystring: Type.Object({ group: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
      body: Body({ document: Type.Optional(Type.Unknown()), holidayText: Type.Optional(Type.String({ maxLength: 200_000 })) }),
      response: { 200: CalendarDocumentSchema, ...errorResponses },
    },
  }, async (request) => {
    const group = requireGroup(resourceOf<OrgUnit>(request, 'org'));
    return config.setCalendar(actionContext(request, clock), group, request.body as { document?: unknown; holidayText?: string });
  });

  app.get('/api/routing', {
    config: { access: { permission: 'workorder.read' } },
    schema: {
      tags: ['workorders'], summary: 'Routes, the duty roster and escalation contacts in the caller’s scope',
      response: {
        200: Type.Object({
          routes: Type.Array(Type.Object({ orgUnit: Type.String(), category: Type.String(), liaisons: Type.Array(Type.String()) })),
          roster: Type.Array(RosterView),
          contacts: Type.Array(Type.Object({ orgUnit: Type.String(), target: Type.String(), userIds: Type.Array(Type.String()) })),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const scope = scopeOf(request, 'workorder.read');
    return {
      routes: (await config.listRoutes(scope)).map((r) => ({ orgUnit: r.orgUnit, category: r.category, liaisons: [...r.userIds] })),
      roster: (await config.listRoster(scope)).map(viewRoster),
      contacts: (await config.listContacts(scope)).map((c) => ({ ...c, userIds: [...c.userIds] })),
    };
  });

  app.put('/api/routing/routes', {
    config: { access: { permission: 'workorder.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['workorders'], summary: 'Set the liaisons of an org unit for a category ("*" = any); an empty list removes the route',
      body: Body({ orgUnit: Type.String({ maxLength: 64 }), category: Type.String({ minLength: 1, maxLength: 100 }), liaisons: UserIds }),
      response: { 200: Ok, ...errorResponses },
    },
  }, async (request) => {
    const body = request.body as { category: string; liaisons: string[] };
    await config.setRoute(actionContext(request, clock), resourceOf<OrgUnit>(request, 'org'), body.category, body.liaisons);
    return { ok: true as const };
  });

  app.post('/api/routing/roster', {
    config: { access: { permission: 'workorder.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['workorders'], summary: 'Put a liaison on duty for an org unit during [from, to)',
      body: Body({ orgUnit: Type.String({ maxLength: 64 }), userId: Type.String({ pattern: '^[0-9]{1,18}$' }), from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) }),
      response: { 201: Type.Object({ id: Type.Integer() }), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as { userId: string; from: string; to: string };
    const id = await config.addRoster(actionContext(request, clock), resourceOf<OrgUnit>(request, 'org'), body.userId, new Date(body.from), new Date(body.to));
    void reply.code(201);
    return { id };
  });

  app.delete('/api/routing/roster/:id', {
    config: { access: { permission: 'workorder.manage', resources: [{ kind: 'rosterentry', from: 'params', field: 'id' }] } },
    schema: { tags: ['workorders'], summary: 'Remove a duty period', params: IdParam, response: { 200: Ok, ...errorResponses } },
  }, async (request) => {
    await config.removeRoster(actionContext(request, clock), resourceOf<RosterRow>(request, 'rosterentry'));
    return { ok: true as const };
  });

  app.put('/api/routing/contacts', {
    config: { access: { permission: 'workorder.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['workorders'], summary: 'Set who holds an escalation level for an org unit (and its subtree, unless set lower down)',
      body: Body({ orgUnit: Type.String({ maxLength: 64 }), target: Target, userIds: UserIds }),
      response: { 200: Ok, ...errorResponses },
    },
  }, async (request) => {
    const body = request.body as { target: 'liaison'; userIds: string[] };
    await config.setContacts(actionContext(request, clock), resourceOf<OrgUnit>(request, 'org'), body.target, body.userIds);
    return { ok: true as const };
  });
}
