import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppModule } from '../app.ts';
import type { TimeZoneService } from '../indicators/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, resourceOf } from './access.ts';
import { Body, DateTime, errorResponses, Nullable } from './schemas.ts';

/**
 * Installation settings that give stored data its meaning. The time zone decides which local day,
 * month and year every event belongs to: a change re-keys entered periods and rebuilds every
 * roll-up in the same transaction (indicators/time-zone-service.ts), and its progress can be read
 * while it runs.
 */
const Progress = Type.Object({
  state: Type.Union([Type.Literal('idle'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  from: Nullable(Type.String()), to: Nullable(Type.String()),
  eventsRead: Type.Integer(), eventsTotal: Type.Integer(),
  startedAt: Nullable(DateTime), finishedAt: Nullable(DateTime),
});

export function createSettingsModule(deps: { timeZone: TimeZoneService; clock: Clock }): AppModule {
  const { timeZone, clock } = deps;
  function register(app: FastifyInstance): void {
    app.get('/api/settings/time-zone', {
      config: { access: { signedIn: true } },
      schema: { tags: ['settings'], summary: 'The group’s time zone (local-day semantics)', response: { 200: Type.Object({ timeZone: Type.String() }), ...errorResponses } },
    }, async () => ({ timeZone: await timeZone.current() }));

    app.get('/api/settings/time-zone/change', {
      config: { access: { signedIn: true } },
      schema: { tags: ['settings'], summary: 'Progress of the last time-zone change of this process (events re-read of the total)', response: { 200: Progress, ...errorResponses } },
    }, () => {
      const p = timeZone.progress();
      return { ...p, startedAt: p.startedAt?.toISOString() ?? null, finishedAt: p.finishedAt?.toISOString() ?? null };
    });

    app.put('/api/settings/time-zone', {
      config: { access: { permission: 'settings.manage', resources: [{ kind: 'installation', from: 'fixed', field: 'installation' }] } },
      schema: {
        tags: ['settings'],
        summary: 'Set the group’s time zone: entered periods keep their keys and every roll-up is rebuilt from the events, atomically',
        body: Body({ timeZone: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Object({ timeZone: Type.String(), previous: Type.String(), eventsRead: Type.Integer(), periodsMoved: Type.Integer() }), ...errorResponses },
      },
    }, async (request) => {
      const { timeZone: zone } = request.body as { timeZone: string };
      return timeZone.change(actionContext(request, clock), zone, resourceOf<OrgUnit>(request, 'installation').id);
    });
  }
  return { name: 'settings', register };
}
