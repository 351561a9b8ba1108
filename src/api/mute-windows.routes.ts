import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import type { InstallationRoot, MuteWindowsService, MuteWindowView } from '../alerts/mute-windows-service.ts';
import { can } from '../auth/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { actionContext, principalOf } from './access.ts';
import { Body, DateTime, errorResponses, IdParam, Ok } from './schemas.ts';

/**
 * Recurring mute windows over HTTP (`/api/mute-windows`): nights, weekends and public holidays
 * during which notifications wait (alerts are still recorded). A window holds back notifications
 * everywhere, so it belongs to the installation: anyone who reads alerts may list them, and
 * creating, changing or removing one needs alert.act on the root org unit — an analyst of one
 * hospital cannot mute the whole group (403).
 */
const HHMM = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'Local time HH:MM (24:00 = end of day)' });
const TimeRange = Type.Object({ start: HHMM, end: HHMM }, { additionalProperties: false, description: 'An end not after the start runs past midnight' });
const MuteWindowBody = Body({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Shanghai' }),
  weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, description: 'ISO weekdays, 1 = Monday' })),
  holidays: Type.Optional(Type.Boolean({ description: 'Also every day off of the working calendar' })),
  times: Type.Optional(Type.Array(TimeRange, { maxItems: 10, description: 'Absent or empty: the whole day' })),
});
const MuteWindowJson = Type.Object({
  id: Type.Integer(), name: Type.String(), timezone: Type.String(), weekdays: Type.Optional(Type.Array(Type.Integer())), holidays: Type.Optional(Type.Boolean()),
  times: Type.Optional(Type.Array(Type.Object({ start: Type.String(), end: Type.String() }))), createdAt: DateTime,
});

function view(w: MuteWindowView) {
  return {
    id: w.id, name: w.name, timezone: w.timezone, createdAt: w.createdAt.toISOString(),
    ...(w.weekdays ? { weekdays: [...w.weekdays] } : {}), ...(w.holidays !== undefined ? { holidays: w.holidays } : {}),
    ...(w.times ? { times: w.times.map((r) => ({ start: r.start, end: r.end })) } : {}),
  };
}

export function createMuteWindowsModule(deps: { muteWindows: MuteWindowsService; clock: Clock }): AppModule {
  const { muteWindows, clock } = deps;

  /** The root org unit, when the caller may act on alerts there (the whole installation). */
  async function rootActedOnBy(request: FastifyRequest): Promise<InstallationRoot> {
    const root = await muteWindows.installationRoot();
    if (!root || !can(principalOf(request), 'alert.act', root.path)) {
      throw new AppError('AUTH_FORBIDDEN', 'Mute windows apply to the whole installation: this needs the alert.act permission on the root org unit.');
    }
    return root;
  }

  function register(app: FastifyInstance): void {
    app.get('/api/mute-windows', {
      config: { access: { permission: 'alert.read' } },
      schema: { tags: ['alerts'], summary: 'Recurring mute windows (installation-wide)', response: { 200: Type.Object({ items: Type.Array(MuteWindowJson) }), ...errorResponses } },
    }, async () => ({ items: (await muteWindows.list()).map(view) }));

    app.post('/api/mute-windows', {
      config: { access: { permission: 'alert.act' } },
      schema: { tags: ['alerts'], summary: 'Create a recurring mute window (notifications wait; alerts are still recorded)', body: MuteWindowBody, response: { 201: MuteWindowJson, ...errorResponses } },
    }, async (request, reply) => {
      const root = await rootActedOnBy(request);
      const created = await muteWindows.create(actionContext(request, clock), root, request.body);
      void reply.code(201);
      return view(created);
    });

    app.put('/api/mute-windows/:id', {
      config: { access: { permission: 'alert.act' } },
      schema: { tags: ['alerts'], summary: 'Replace a mute window', params: IdParam, body: MuteWindowBody, response: { 200: MuteWindowJson, ...errorResponses } },
    }, async (request) => {
      const root = await rootActedOnBy(request);
      const { id } = request.params as { id: number };
      return view(await muteWindows.update(actionContext(request, clock), root, id, request.body));
    });

    app.delete('/api/mute-windows/:id', {
      config: { access: { permission: 'alert.act' } },
      schema: { tags: ['alerts'], summary: 'Remove a mute window', params: IdParam, response: { 200: Ok, ...errorResponses } },
    }, async (request) => {
      const root = await rootActedOnBy(request);
      const { id } = request.params as { id: number };
      await muteWindows.remove(actionContext(request, clock), root, id);
      return { ok: true as const };
    });
  }

  return { name: 'mute-windows', register };
}
