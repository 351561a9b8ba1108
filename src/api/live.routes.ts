import { Type } from '@sinclair/typebox';
import type { AppModule } from '../app.ts';
import { can } from '../auth/index.ts';
import {
  createLiveHub, createOverviewService, openLiveStream, type LiveHubOptions, type LiveStream, type LiveStreamTimings, type OverviewDeps, type OverviewGrain,
  type OverviewService,
} from '../live/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import type { Db } from '../store/index.ts';
import { allows, principalOf, resourceOf } from './access.ts';
import { createOverviewModule } from './overview.routes.ts';
import { Code, errorResponses } from './schemas.ts';

/**
 * GET /api/live?org=CODE: a server-sent event stream for the big screen and live pages. Events:
 * `snapshot` (the overview of the subtree, as GET /api/overview answers), `alert` (a transition),
 * `workorder` (a timeline entry), `problem` (figures could not be read); `: ping` comments as a
 * heartbeat. Changes come from the database (a per-process poller), so every process sees what
 * any other wrote. Scope is checked by the central access control before the stream opens and
 * again per change; streams end on client disconnect, after a maximum age, and on server close.
 */
export interface LiveModuleDeps {
  readonly db: Db;
  readonly overview: OverviewService;
  readonly hub?: LiveHubOptions;
  readonly timings?: Partial<LiveStreamTimings>;
}

export function createLiveModule(deps: LiveModuleDeps): AppModule {
  return {
    name: 'live',
    register(app) {
      const hub = createLiveHub(deps.db, { ...deps.hub, onError: (error) => { app.log.warn({ err: error }, 'live feed poll failed'); } });
      const streams = new Set<{ stream: LiveStream | null; abort: AbortController }>();

      app.addHook('preClose', async () => {
        for (const s of streams) s.abort.abort();
        await Promise.all([...streams].flatMap((s) => (s.stream ? [s.stream.closed] : [])));
        await hub.close();
      });

      app.get('/api/live', {
        config: { access: { permission: 'org.read', resources: [{ kind: 'org', from: 'query', field: 'org' }] } },
        schema: {
          tags: ['overview'], summary: 'Live feed of an org unit’s subtree (text/event-stream): snapshot, alert, workorder events and heartbeats',
          produces: ['text/event-stream'],
          querystring: Type.Object({ org: Code, grain: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')])) }, { additionalProperties: false }),
          response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses },
        },
      }, async (request, reply) => {
        const org = resourceOf<OrgUnit>(request, 'org');
        const principal = principalOf(request);
        const { grain } = request.query as { grain?: OverviewGrain };
        const entry: { stream: LiveStream | null; abort: AbortController } = { stream: null, abort: new AbortController() };
        streams.add(entry);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no',
        });
        request.raw.socket.setNoDelay(true);
        raw.on('close', () => { entry.abort.abort(); });
        try {
          entry.stream = await openLiveStream({
            hub,
            scopePath: org.path,
            may: (permission, orgPath) => can(principal, permission, orgPath),
            snapshot: () => deps.overview.overview({ org, grain: grain ?? 'day', may: (permission) => allows(request, permission, org.path) }),
            write: (chunk) => {
              raw.write(chunk);
              return raw.writableLength;
            },
            end: () => { raw.end(); },
            signal: entry.abort.signal,
            ...(deps.timings ? { timings: deps.timings } : {}),
            onError: (error) => { request.log.warn({ err: error }, 'live snapshot failed'); },
          });
          await entry.stream.closed;
        } catch (error) {
          request.log.warn({ err: error }, 'live stream failed');
          raw.end();
        } finally {
          streams.delete(entry);
        }
      });
    },
  };
}

/** The overview route and the live feed over one shared overview service (main.ts adds both). */
export function createLiveModules(deps: OverviewDeps & { readonly db: Db; readonly timings?: Partial<LiveStreamTimings>; readonly hub?: LiveHubOptions }): AppModule[] {
  const overview = createOverviewService(deps);
  return [
    createOverviewModule({ overview }),
    createLiveModule({ db: deps.db, overview, ...(deps.timings ? { timings: deps.timings } : {}), ...(deps.hub ? { hub: deps.hub } : {}) }),
  ];
}
