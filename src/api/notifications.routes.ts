import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppModule } from '../app.ts';
import type { GroupChannelRow, NotifyService } from '../notify/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { actionContext, principalOf, resourceOf, scopeOf } from './access.ts';
import { Body, errorResponses, IdParam, Nullable, Ok } from './schemas.ts';

/**
 * Notifications: the signed-in user's in-app inbox and per-severity channel preferences, and the
 * group channels (WeCom / DingTalk robots, signed webhooks) per org subtree, managed with
 * workorder.manage. A channel's secret is write-only: it is never returned.
 */
const InboxView = Type.Object({ id: Type.Integer(), orderId: Nullable(Type.String()), title: Type.String(), body: Type.String(), createdAt: Type.String(), readAt: Nullable(Type.String()) });
const UserChannel = Type.Union([Type.Literal('in_app'), Type.Literal('email')]);
const PreferenceView = Type.Object({ severity: Type.Integer(), channels: Type.Array(Type.String()), isDefault: Type.Boolean() });
const ChannelView = Type.Object({
  id: Type.Integer(), orgUnit: Type.String(), kind: Type.String(), name: Type.String(), url: Type.String(), signed: Type.Boolean(), maxSeverity: Type.Integer(), active: Type.Boolean(),
});
const viewChannel = (c: GroupChannelRow) => ({
  id: c.id, orgUnit: c.orgUnit, kind: c.kind, name: c.name, url: c.url, signed: c.secret !== null && c.secret !== '', maxSeverity: c.maxSeverity, active: c.active,
});

function userIdOf(principal: { kind: 'user' | 'token'; id: number }): number {
  if (principal.kind !== 'user') throw new AppError('AUTH_FORBIDDEN', 'Notifications belong to people; API tokens have none.');
  return principal.id;
}

function registerNotificationRoutes(app: FastifyInstance, deps: { clock: Clock; notify: NotifyService }): void {
  const { clock, notify } = deps;

  app.get('/api/notifications', {
    config: { access: { signedIn: true } },
    schema: {
      tags: ['notifications'], summary: 'The signed-in user’s in-app notifications, newest first',
      querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(InboxView) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { unread?: boolean; limit?: number };
    const items = await notify.inbox(userIdOf(principalOf(request)), q.unread === true, q.limit ?? 50);
    return { items: items.map((n) => ({ ...n, createdAt: n.createdAt.toISOString(), readAt: n.readAt === null ? null : n.readAt.toISOString() })) };
  });

  app.post('/api/notifications/read', {
    config: { access: { signedIn: true } },
    schema: {
      tags: ['notifications'], summary: 'Mark notifications read (the listed ids, or all)',
      body: Body({ ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })), all: Type.Optional(Type.Boolean()) }),
      response: { 200: Type.Object({ marked: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    const b = request.body as { ids?: number[]; all?: boolean };
    if (b.all !== true && (b.ids === undefined || b.ids.length === 0)) throw new AppError('VALIDATION_FAILED', 'Name the ids or set all.', { field: '/body/ids' });
    return { marked: await notify.markRead(userIdOf(principalOf(request)), b.all === true ? 'all' : (b.ids ?? []), clock.now()) };
  });

  app.get('/api/notifications/preferences', {
    config: { access: { signedIn: true } },
    schema: { tags: ['notifications'], summary: 'The signed-in user’s channels per severity', response: { 200: Type.Object({ items: Type.Array(PreferenceView) }), ...errorResponses } },
  }, async (request) => ({ items: await notify.preferences(userIdOf(principalOf(request))) }));

  app.put('/api/notifications/preferences', {
    config: { access: { signedIn: true } },
    schema: {
      tags: ['notifications'], summary: 'Set the channels for one severity (an empty list silences personal notifications of it)',
      body: Body({ severity: Type.Integer({ minimum: 1, maximum: 4 }), channels: Type.Array(UserChannel, { maxItems: 2 }) }),
      response: { 200: Type.Object({ items: Type.Array(PreferenceView) }), ...errorResponses },
    },
  }, async (request) => {
    const b = request.body as { severity: number; channels: ('in_app' | 'email')[] };
    const userId = userIdOf(principalOf(request));
    await notify.setPreference(actionContext(request, clock), userId, b.severity, b.channels);
    return { items: await notify.preferences(userId) };
  });

  app.get('/api/notifications/channels', {
    config: { access: { permission: 'workorder.manage' } },
    schema: { tags: ['notifications'], summary: 'Group channels in the caller’s scope', response: { 200: Type.Object({ items: Type.Array(ChannelView) }), ...errorResponses } },
  }, async (request) => ({ items: (await notify.listChannels(scopeOf(request, 'workorder.manage'))).map(viewChannel) }));

  app.post('/api/notifications/channels', {
    config: { access: { permission: 'workorder.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['notifications'], summary: 'Add a WeCom / DingTalk group robot or a signed webhook for an org subtree',
      body: Body({
        orgUnit: Type.String({ maxLength: 64 }), kind: Type.Union([Type.Literal('wecom'), Type.Literal('dingtalk'), Type.Literal('webhook')]),
        name: Type.String({ minLength: 1, maxLength: 200 }), url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
        secret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), maxSeverity: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
      }),
      response: { 201: ChannelView, ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body as { kind: 'wecom' | 'dingtalk' | 'webhook'; name: string; url: string; secret?: string; maxSeverity?: number };
    if (b.kind === 'webhook' && b.secret === undefined) throw new AppError('VALIDATION_FAILED', 'A webhook needs a secret to sign its calls.', { field: '/body/secret' });
    const org = resourceOf<OrgUnit>(request, 'org');
    const created = await notify.createChannel(actionContext(request, clock), {
      orgUnitId: org.id, kind: b.kind, name: b.name, url: b.url, secret: b.secret ?? null, maxSeverity: b.maxSeverity ?? 4,
    });
    void reply.code(201);
    return viewChannel(created);
  });

  for (const [verb, active] of [['enable', true], ['disable', false]] as const) {
    app.post(`/api/notifications/channels/:id/${verb}`, {
      config: { access: { permission: 'workorder.manage', resources: [{ kind: 'notifychannel', from: 'params', field: 'id' }] } },
      schema: { tags: ['notifications'], summary: `${verb === 'enable' ? 'Enable' : 'Disable'} a group channel`, params: IdParam, response: { 200: Ok, ...errorResponses } },
    }, async (request) => {
      await notify.setChannelActive(actionContext(request, clock), resourceOf<GroupChannelRow>(request, 'notifychannel'), active);
      return { ok: true as const };
    });
  }
}

export function createNotificationsModule(deps: { clock: Clock; notify: NotifyService }): AppModule {
  return {
    name: 'notifications',
    resolvers: {
      notifychannel: async (id) => {
        const channel = /^\d{1,18}$/.test(id) ? await deps.notify.findChannel(Number(id)) : null;
        return channel ? { orgPath: channel.orgPath, value: channel } : null;
      },
    },
    register: (app) => {
      registerNotificationRoutes(app, deps);
    },
  };
}
