/**
 * The live side of the console: the overview of an org subtree (headline indicators with 环比/同比,
 * open alerts, work orders, sources in trouble, channel flow) and the live feed that pushes alert
 * transitions, work-order changes and fresh figures to the big screen. Changes are found in the
 * database by a per-process poller following id cursors (shared/id-cursor.ts), never from in-memory events,
 * so any number of stateless processes may share one PostgreSQL. Downstream of every other module:
 * it reads their services and tables and changes nothing.
 */
export { changesFor, sseComment, sseEvent, type LiveChange, type LivePermission } from './live.ts';
export { createLiveHub, type LiveHub, type LiveHubOptions } from './live-hub.ts';
export { DEFAULT_TIMINGS, openLiveStream, type LiveStream, type LiveStreamTimings } from './live-stream.ts';
export { createOverviewService, type Overview, type OverviewDeps, type OverviewGrain, type OverviewPermission, type OverviewService } from './overview-service.ts';
export { HEADLINE_INDICATORS, sourceTroubles, type SourceTrouble } from './overview.ts';
