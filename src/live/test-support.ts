import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import type { ActionContext } from '../audit/index.ts';
import { loadConfig } from '../config/index.ts';
import type { Source } from '../ingest/source-repo.ts';
import { buildRuntime, type Runtime } from '../main.ts';
import { ruleJson } from '../rules/engine-support.test-data.ts';

/**
 * The product's runtime over the test org tree (GROUP → H1 → H1-OFF → DEPT-A, DEPT-B) for the
 * overview and live-feed route tests: the indicator library, a HIS source at H1 and a rule that
 * fires (severity 2) for any hour with a visit at H1 and every unit under it, so ingesting visits
 * raises alerts and work orders.
 * `writer` is a second runtime on the same database, standing in for another process.
 */
export interface LiveTestApp {
  readonly ta: TestApp;
  readonly runtime: Runtime;
  readonly writer: Runtime;
  readonly source: Source;
  /** Ingests visits (one per listed org unit) through the writer's ingest service and runs its rule scheduler job. */
  ingestVisits(orgCodes: readonly string[]): Promise<void>;
}

const config = () => loadConfig({ YUNJIAN_DATA: mkdtempSync(join(tmpdir(), 'yj-live-')), YUNJIAN_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789abcdef', LOG_LEVEL: 'silent' });

export async function createLiveTestApp(): Promise<LiveTestApp> {
  const built: { runtime?: Runtime } = {};
  const ta = await createTestApp({
    modules: ({ db, clock }) => {
      built.runtime = buildRuntime(db, config(), clock, pino({ level: 'silent' }));
      return built.runtime.modules;
    },
  });
  const runtime = built.runtime;
  if (!runtime) throw new Error('runtime not built');
  // Ten minutes into the hour: visits fall in the open hour, which the rule judges at once.
  ta.clock.advance(10 * 60_000);
  const writer = buildRuntime(ta.t.db, config(), ta.clock, pino({ level: 'silent' }));
  const ctx: ActionContext = { now: ta.clock.now(), actor: { kind: 'system', id: null, name: 'test' } };
  await runtime.indicators.definitions.installLibrary(ctx);
  const { source } = await runtime.sources.register(ctx, await ta.services.orgs.require('H1'), {
    name: 'H1 HIS', allowedTypes: ['visit'], cadence: { kind: 'batches', everyMinutes: 60 },
  }, null);
  await runtime.rules.rules.create(ctx, ruleJson({
    code: 'visits_seen', kind: 'threshold', indicator: 'outpatient_visits', grain: 'hour', op: '>', bound: 0, evaluateOpenPeriod: true, severity: 2,
    scope: { orgUnit: 'H1', includeDescendants: true },
  }));
  let n = 0;
  return {
    ta, runtime, writer, source,
    async ingestVisits(orgCodes) {
      const at = new Date(ta.clock.now().getTime() - 60_000).toISOString();
      const lines = orgCodes.map((orgUnit) => {
        n += 1;
        return `${JSON.stringify({ id: `v-${String(n)}`, type: 'visit', orgUnit, occurredAt: at, attributes: { visitId: `v-${String(n)}`, channel: 'offline' } })}\n`;
      });
      const report = await writer.ingest.ingestEvents(source, 'ndjson', lines, ta.clock.now());
      if (report.accepted !== lines.length) throw new Error(`visits refused: ${JSON.stringify(report.issues)}`);
      // The rule scheduler judges the open hour (as `yunjian serve` does every minute).
      for (const job of writer.rules.jobs) await job.run(ta.clock.now());
    },
  };
}

export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
}

/** Reads server-sent events from a streamed HTTP response, one message at a time; comments are kept apart. */
export function sseReader(body: AsyncIterable<Buffer | string>) {
  const chunks = body[Symbol.asyncIterator]();
  let buffer = '';
  let ended = false;
  const comments: string[] = [];
  const seen: SseMessage[] = [];

  async function next(): Promise<SseMessage | null> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length === 0) continue;
        const message = { event, data: JSON.parse(data.join('\n')) as unknown };
        seen.push(message);
        return message;
      }
      if (ended) return null;
      const chunk = await chunks.next();
      if (chunk.done === true) ended = true;
      else buffer += typeof chunk.value === 'string' ? chunk.value : chunk.value.toString('utf8');
    }
  }

  /** The next message of `event` that satisfies `test`, within `ms`. */
  async function waitFor(event: string, test: (data: unknown) => boolean = () => true, ms = 15_000): Promise<unknown> {
    const deadline = Date.now() + ms;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout'); }, ms); });
    try {
      for (;;) {
        const message = await Promise.race([next(), timeout]);
        if (message === 'timeout' || Date.now() > deadline) throw new Error(`no ${event} event within ${String(ms)} ms`);
        if (message === null) throw new Error(`stream ended before a ${event} event`);
        if (message.event === event && test(message.data)) return message.data;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return { next, waitFor, comments, seen };
}
