/**
 * `yunjian simulate`: writes the simulated group's events as NDJSON (a file or stdout) or posts
 * them to a yunjian server, either as a backfill at full speed, as a live feed paced against the
 * wall clock, or as a load test at a sustained rate with several concurrent clients.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  createIngestClient,
  defaultIncidentSchedule,
  generateEvents,
  incidentLabelsJson,
  pacedBatchSize,
  parseIncidentSchedule,
  toNdjsonLine,
  type BatchResult,
  type IncidentSpec,
  type SimulatedRecord,
} from '../simulator/index.ts';

interface SimulateOptions {
  readonly seed: number;
  readonly from?: string;
  readonly to?: string;
  readonly days?: number;
  readonly scale: number;
  readonly out?: string;
  readonly labels?: string;
  readonly incidents?: string | boolean;
  readonly source?: string;
  readonly toUrl?: string;
  readonly token?: string;
  readonly speed: 'max' | number;
  readonly rate?: number;
  readonly clients: number;
  readonly duration?: number;
  readonly batchSize: number;
}

const DAY_MS = 86_400_000;

function positive(label: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${label} must be a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
}

function instant(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected an ISO 8601 date-time');
  return value;
}

function speed(value: string): 'max' | number {
  return value === 'max' ? 'max' : positive('--speed', false)(value);
}

interface FeedStats {
  sent: number;
  acknowledged: number;
  failedBatches: number;
  readonly latencies: number[];
}

async function post(client: ReturnType<typeof createIngestClient>, lines: readonly string[], totals: FeedStats): Promise<BatchResult> {
  const started = performance.now();
  const result = await client.postBatch(lines);
  totals.latencies.push(performance.now() - started);
  totals.sent += result.sent;
  totals.acknowledged += result.acknowledged;
  if (result.error !== undefined) {
    totals.failedBatches += result.acknowledged === 0 ? 1 : 0;
    process.stderr.write(`batch: ${result.error} (acknowledged ${result.acknowledged}/${result.sent} after ${result.attempts} attempts)\n`);
  }
  return result;
}

function report(startedMs: number, totals: FeedStats): void {
  const seconds = (performance.now() - startedMs) / 1000;
  const sorted = [...totals.latencies].sort((a, b) => a - b);
  const pct = (p: number): string => (sorted.length === 0 ? '-' : `${Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0)}ms`);
  process.stderr.write(
    `sent ${totals.sent}, acknowledged ${totals.acknowledged}, not acknowledged ${totals.sent - totals.acknowledged}, ` +
      `failed batches ${totals.failedBatches}, ${seconds.toFixed(1)}s, ${(totals.acknowledged / Math.max(seconds, 0.001)).toFixed(0)} acknowledged/s, ` +
      `batch latency p50 ${pct(0.5)} p95 ${pct(0.95)}\n`,
  );
  if (totals.acknowledged < totals.sent) process.exitCode = 1;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts everything with up to `clients` batches in flight. */
async function backfill(records: Iterable<SimulatedRecord>, send: (lines: string[]) => Promise<unknown>, batchSize: number, clients: number, stop: () => boolean): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  let batch: string[] = [];
  const dispatch = async (): Promise<void> => {
    const p = send(batch).finally(() => inFlight.delete(p));
    inFlight.add(p);
    batch = [];
    if (inFlight.size >= clients) await Promise.race(inFlight);
  };
  for (const record of records) {
    batch.push(toNdjsonLine(record));
    if (batch.length >= batchSize) await dispatch();
    if (stop()) break;
  }
  if (batch.length > 0) await dispatch();
  await Promise.all(inFlight);
}

/**
 * Live feed: records before the start of the run (or before `from`, if later) go out at once,
 * then simulated time runs at `speed` times the wall clock; a batch leaves when full or a second old.
 */
async function live(records: Iterable<SimulatedRecord>, emit: (lines: string[]) => Promise<unknown>, fromMs: number, speedFactor: number, batchSize: number, stopAtMs: number, stop: () => boolean): Promise<void> {
  const wallStart = Date.now();
  const anchor = Math.max(fromMs, wallStart);
  const simNow = (): number => anchor + (Date.now() - wallStart) * speedFactor;
  let batch: string[] = [];
  let batchStarted = Date.now();
  const flush = async (): Promise<void> => {
    if (batch.length > 0) await emit(batch);
    batch = [];
    batchStarted = Date.now();
  };
  for (const record of records) {
    while (record.atMs > simNow()) {
      if (stop() || Date.now() >= stopAtMs) return flush();
      if (batch.length > 0 && Date.now() - batchStarted >= 1000) await flush();
      await sleep(Math.min(250, Math.max(1, (record.atMs - simNow()) / speedFactor)));
    }
    batch.push(toNdjsonLine(record));
    if (batch.length >= batchSize) await flush();
  }
  await flush();
}

/** Load test: batches due on a fixed schedule for `durationS` seconds, shared by `clients` workers. */
async function load(records: Iterator<SimulatedRecord>, send: (lines: string[]) => Promise<unknown>, rate: number, clients: number, durationS: number, stop: () => boolean): Promise<void> {
  const batchSize = pacedBatchSize(rate);
  const intervalMs = (batchSize / rate) * 1000;
  const start = Date.now();
  const endMs = start + durationS * 1000;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const due = start + next * intervalMs;
      next++;
      if (due >= endMs || stop()) return;
      if (due > Date.now()) await sleep(due - Date.now());
      const lines: string[] = [];
      for (let r = records.next(); !r.done; r = records.next()) {
        lines.push(toNdjsonLine(r.value));
        if (lines.length >= batchSize) break;
      }
      if (lines.length === 0) return;
      await send(lines);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
}

interface Output {
  write(lines: string[]): Promise<void>;
  /** The reader went away (e.g. `| head`): stop producing. */
  closed(): boolean;
  close(): Promise<void>;
}

async function openOutput(path: string | undefined): Promise<Output> {
  const stream = path === undefined ? process.stdout : createWriteStream(path);
  if (path !== undefined) await once(stream, 'open');
  let gone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    gone = true;
  });
  return {
    async write(lines) {
      if (gone || stream.write(lines.join(''))) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
      });
    },
    closed: () => gone,
    async close() {
      if (path === undefined) return;
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => {
          if (error) reject(error);
          else resolve();
        }),
      );
    },
  };
}

function* onlySource(records: Iterable<SimulatedRecord>, source: string | undefined): Generator<SimulatedRecord> {
  for (const r of records) if (source === undefined || r.source === source) yield r;
}

/**
 * The simulated range. Backfill: [--from or --to minus --days (default 90), --to or now). Live and
 * load: from --from, now minus --days, or now; `to` then only places the default incidents.
 */
function resolveRange(opts: SimulateOptions, nowMs: number, live: boolean): { fromMs: number; toMs: number } {
  const endMs = opts.to !== undefined ? Date.parse(opts.to) : nowMs;
  const fromMs =
    opts.from !== undefined ? Date.parse(opts.from) : opts.days !== undefined || !live ? endMs - (opts.days ?? 90) * DAY_MS : nowMs;
  const toMs = opts.to !== undefined ? endMs : live ? Math.max(fromMs, nowMs) + 90 * DAY_MS : nowMs;
  return { fromMs, toMs };
}

async function run(opts: SimulateOptions, fail: (message: string) => never): Promise<void> {
  const nowMs = Date.now();
  const live_ = opts.speed !== 'max' || opts.rate !== undefined;
  const { fromMs, toMs } = resolveRange(opts, nowMs, live_);
  if (!(fromMs < toMs)) fail('error: the range is empty (--from must be before --to)');
  if (opts.toUrl !== undefined && opts.token === undefined) fail('error: --to-url needs --token');
  if (opts.toUrl === undefined && opts.rate !== undefined) fail('error: --rate needs --to-url');
  let schedule: readonly IncidentSpec[];
  if (opts.incidents === false) schedule = [];
  else if (typeof opts.incidents === 'string') schedule = parseIncidentSchedule(JSON.parse(await readFile(opts.incidents, 'utf8')));
  else schedule = defaultIncidentSchedule(new Date(fromMs), new Date(toMs));
  if (opts.labels !== undefined) await writeFile(opts.labels, incidentLabelsJson(schedule));

  const records = onlySource(generateEvents({ seed: opts.seed, from: new Date(fromMs), to: live_ ? undefined : new Date(toMs), scale: opts.scale, schedule }), opts.source);
  let stopping = false;
  const onSigint = (): void => {
    stopping = true;
  };
  process.once('SIGINT', onSigint);
  try {
    await feed(opts, records, fromMs, nowMs, () => stopping);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function feed(opts: SimulateOptions, records: Iterable<SimulatedRecord>, fromMs: number, nowMs: number, stop: () => boolean): Promise<void> {
  const started = performance.now();
  const stopAtMs = nowMs + (opts.duration ?? Infinity) * 1000;
  if (opts.toUrl === undefined) {
    const out = await openOutput(opts.out);
    const halt = (): boolean => stop() || out.closed();
    if (opts.speed === 'max') await backfill(records, (lines) => out.write(lines), opts.batchSize, 1, halt);
    else await live(records, (lines) => out.write(lines), fromMs, opts.speed, opts.batchSize, stopAtMs, halt);
    await out.close();
    return;
  }
  const client = createIngestClient({ url: opts.toUrl, token: opts.token ?? '' });
  const totals: FeedStats = { sent: 0, acknowledged: 0, failedBatches: 0, latencies: [] };
  const send = (lines: string[]): Promise<BatchResult> => post(client, lines, totals);
  if (opts.rate !== undefined) await load(records[Symbol.iterator](), send, opts.rate, opts.clients, opts.duration ?? 60, stop);
  else if (opts.speed === 'max') await backfill(records, send, opts.batchSize, opts.clients, stop);
  else await live(records, send, fromMs, opts.speed, opts.batchSize, stopAtMs, stop);
  report(started, totals);
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('Generate a simulated hospital group\'s events (NDJSON) with injected incidents, or feed them to a server')
    .option('--seed <n>', 'random seed', positive('--seed', true), 1)
    .addOption(new Option('--from <iso>', 'start of the simulated range').argParser(instant))
    .addOption(new Option('--to <iso>', 'end of the simulated range (exclusive; live feeds continue past it)').argParser(instant))
    .addOption(new Option('--days <n>', 'range of N days back from now (default 90)').argParser(positive('--days', false)).conflicts('from'))
    .option('--scale <x>', 'volume multiplier (1 = a few thousand events a day)', positive('--scale', false), 1)
    .option('--out <file>', 'write NDJSON here instead of stdout')
    .option('--labels <file>', 'write the incident labels (ground truth) as JSON')
    .option('--incidents <file>', 'incident schedule (JSON array) instead of the default')
    .option('--no-incidents', 'inject no incidents')
    .option('--source <code>', 'only events of this source (e.g. H1-HIS)')
    .option('--to-url <url>', 'post to this yunjian server (URL/api/ingest/events)')
    .option('--token <token>', 'source API token for --to-url')
    .option('--speed <max|n>', 'max = as fast as possible; n = n x real time, continuing live', speed, 'max' as const)
    .option('--rate <events-per-second>', 'load mode: sustained rate (needs --to-url)', positive('--rate', false))
    .option('--clients <n>', 'concurrent clients (load mode and backfill)', positive('--clients', true), 1)
    .option('--duration <seconds>', 'stop a live feed or load test after this long', positive('--duration', false))
    .option('--batch-size <n>', 'events per request, at most 1000', positive('--batch-size', true), 1000)
    .action(async (opts: SimulateOptions, command: Command) => {
      await run({ ...opts, batchSize: Math.min(1000, opts.batchSize) }, (message) => command.error(message));
    });
}
