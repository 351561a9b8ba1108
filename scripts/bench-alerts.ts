/**
 * Event-to-alert latency under sustained ingest, over loopback HTTP, on PostgreSQL and on PGlite.
 *
 * A server process (this script with `--serve`) runs the whole product as `yunjian serve` does
 * (ingest → roll-ups → rule engine → alerts → work orders) on a fresh database with the simulated
 * hospital group, its sources, the indicator library, the rule packs and generated threshold,
 * change, anomaly and compliance rules up to 200 active rules. The driver replays simulator events
 * (the simulator's own mix, re-stamped to the send time and given fresh ids) through
 * `POST /api/ingest/events` as NDJSON batches from several concurrent clients, paced to the target
 * rate. Into that stream it injects trigger events that make a rule fire — online prescriptions of a
 * controlled drug (the compliance pack's per-event rule) and charges that push a department's hourly
 * revenue over a bound (a threshold rule on an open period) — and records the time each trigger's
 * batch was acknowledged. The server polls the alert table every 20 ms and reports when each
 * trigger's alert is stored as firing; latency = that moment − the acknowledgement. Before the load,
 * the patients of the pool's online prescriptions get the offline visit a year of history would
 * hold (see seedOfflineHistory). Batches are a tenth of a second of events at the target rate, as
 * `yunjian simulate --rate` sends them (500 at 5,000 events/s).
 *
 * Beside it, the latency the same firings would have under Prometheus + Alertmanager defaults
 * (each rule group evaluated every 60 s at a fixed phase, then a 30 s group wait):
 * (phase − t) mod 60 s + 30 s. Throughput is what the server acknowledged, not what was offered.
 *
 *   npm run bench:alerts -- [--seconds 20] [--rate 5000] [--clients 8] [--batch rate/10, at most 1000] [--backend postgres|pglite|both] [--cpu-prof DIR]
 *
 * The last line is one JSON object: {"postgres":{latencyP50Ms,latencyP99Ms,eventsPerSec,rules},"pglite":{…}}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { withThrowawayDatabase } from './throwaway-database.ts';

const SELF = fileURLToPath(import.meta.url);
const RUN_TS = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
const POLL_MS = 20;
const DRAIN_MS = 15_000;
const RULES = 200;
const REVENUE_RULE = 'bench_revenue_spike';
const CONTROLLED_RULE = 'cp_controlled_drug_online';
const REVENUE_BOUND = 100_000_000;

const epochMs = (): number => performance.timeOrigin + performance.now();

function arg(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

/** Messages from the server process. */
type ServerMessage =
  | { kind: 'ready'; url: string; tokens: Record<string, string>; rules: number; departments: { code: string; source: string }[]; onlineDepartments: string[] }
  | { kind: 'fired'; keys: { key: string; at: number }[] }
  | { kind: 'error'; message: string };

// ───────────────────────────── server process ─────────────────────────────

async function serve(): Promise<void> {
  const pino = (await import('pino')).default;
  const { installCatalogues, systemContext } = await import('../src/cli/bootstrap.ts');
  const { loadConfig } = await import('../src/config/index.ts');
  const { seedDemoOrganisation } = await import('../src/demo/demo-seed.ts');
  const { buildHttpApp, openStorage } = await import('../src/main.ts');
  const { simulatedSources } = await import('../src/simulator/index.ts');
  const { libraryDefinitions } = await import('../src/indicators/index.ts');
  const { systemClock } = await import('../src/shared/index.ts');
  const send = (m: ServerMessage) => { process.send?.(m); };

  const config = loadConfig();
  const db = await openStorage(config);
  // Errors only (a failed evaluation pass, a failed consumer), to stderr.
  const { app, runtime, services } = await buildHttpApp(db, config, systemClock, pino({ level: 'error' }, pino.destination(2)));
  const now = systemClock.now();
  const ctx = systemContext(now);
  await seedDemoOrganisation(services, now);
  await installCatalogues(services, runtime);
  const tokens: Record<string, string> = {};
  for (const spec of simulatedSources()) {
    const org = await services.orgs.require(spec.orgUnit);
    const { secret } = await runtime.sources.register(ctx, org, { name: spec.code, allowedTypes: spec.eventTypes, cadence: null }, null);
    tokens[spec.code] = secret;
  }

  // Generated rules over the library's indicators and the group's org units, up to RULES active rules.
  const orgs = (await db.query<{ code: string; kind: string; path: string }>('SELECT code, kind, path FROM org_unit ORDER BY path')).rows;
  const scopes = orgs.filter((o) => o.kind === 'group' || o.kind === 'hospital' || o.kind === 'channel').map((o) => o.code);
  const indicators = libraryDefinitions().filter((d) => d.measure.kind !== 'manual');
  const rules = runtime.rules.rules;
  const common = (code: string, scope: string, category: string) => ({
    code, version: 1, nameZh: code, nameEn: code, enabled: true, scope: { orgUnit: scope, includeDescendants: true }, severity: 3, category, labels: { pack: 'bench' },
    messageZh: '{{orgUnitName}} {{period}} 值 {{value}}', messageEn: '{{orgUnitName}} {{period}}: {{value}} beyond {{bound}}', missingData: 'skip', evaluateOpenPeriod: true,
  });
  await rules.create(ctx, { ...common(REVENUE_RULE, 'YJ', 'money'), kind: 'threshold', indicator: 'medical_revenue', grain: 'hour', op: '>', bound: REVENUE_BOUND });
  const active = async () => (await runtime.rules.engine.activeRules()).length;
  const phase = (name: string, since: number) => { process.stderr.write(`server: ${name} in ${String(Date.now() - since)} ms\n`); };
  phase('group, library, packs and sources', now.getTime());
  const rulesStart = Date.now();
  const toCreate = RULES - (await active());
  for (let n = 0; n < toCreate; n++) {
    const d = indicators[n % indicators.length];
    const scope = scopes[Math.floor(n / indicators.length) % scopes.length] ?? 'YJ';
    if (!d) break;
    const code = `bench_${String(n)}`;
    const grain = n % 3 === 0 ? 'day' : 'hour';
    switch (n % 8) {
      case 0: case 1: case 2:
        await rules.create(ctx, { ...common(code, scope, d.category), kind: 'threshold', indicator: d.code, grain, op: '>', bound: 1e9 });
        break;
      case 3:
        await rules.create(ctx, { ...common(code, scope, d.category), kind: 'change', indicator: d.code, grain: 'day', compareTo: 'previous', measure: 'rate', direction: 'rise', bound: 1000 });
        break;
      case 4:
        await rules.create(ctx, { ...common(code, scope, d.category), kind: 'anomaly', indicator: d.code, grain: 'hour', minScore: 0.99, direction: 'either' });
        break;
      case 5:
        await rules.create(ctx, { ...common(code, scope, d.category), kind: 'consecutive', indicator: d.code, grain: 'hour', op: '>', bound: 1e9, periods: 3 });
        break;
      case 6:
        await rules.create(ctx, { ...common(code, scope, 'compliance'), kind: 'compliance', eventTypes: ['charge'], violation: { field: 'amount', op: '>', value: 1e12 } });
        break;
      default:
        await rules.create(ctx, {
          ...common(code, scope, 'compliance'), kind: 'compliance', eventTypes: ['prescription'], match: { field: 'channel', op: '=', value: 'online' },
          violation: { field: 'patientAgeYears', op: '<', value: -1 },
        });
    }
  }
  phase(`${String(toCreate)} generated rules`, rulesStart);
  // The scheduler's first pass (closed periods, source silence) before the load, as a running server would have done.
  const jobsStart = Date.now();
  for (const job of runtime.jobs) await job.run(systemClock.now());
  phase('first scheduler pass', jobsStart);

  const departments: { code: string; source: string }[] = [];
  for (const o of orgs.filter((x) => x.kind === 'department')) {
    const hospital = o.code.split('-')[0] ?? '';
    const online = o.code.includes('-ONL');
    const source = online ? 'IH-PLATFORM' : `${hospital}-HIS`;
    if (tokens[source] !== undefined && !o.code.endsWith('-DLV') && !o.code.endsWith('-PHAR')) departments.push({ code: o.code, source });
  }
  const onlineDepartments = departments.filter((d) => d.source === 'IH-PLATFORM').map((d) => d.code);

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  // Watch for trigger alerts stored as firing: compliance alerts by their event's id, revenue alerts by department.
  let watermark = Number((await db.query<{ m: string | null }>('SELECT max(id)::text AS m FROM alert')).rows[0]?.m ?? 0);
  let polling = true;
  const poll = async () => {
    while (polling) {
      const started = Date.now();
      const { rows } = await db.query<{ id: string; rule_code: string; event_id: string | null; org: string }>(
        `SELECT a.id::text AS id, a.rule_code, e.event_id, o.code AS org FROM alert a JOIN org_unit o ON o.id = a.org_unit_id
           LEFT JOIN event e ON e.id = CASE WHEN a.series_key LIKE 'event:%' THEN substring(a.series_key FROM 7)::bigint END
          WHERE a.id > $1 AND a.state = 'firing' AND a.rule_code = ANY($2)`,
        [watermark, [REVENUE_RULE, CONTROLLED_RULE]],
      );
      const at = epochMs();
      const keys: { key: string; at: number }[] = [];
      for (const r of rows) {
        watermark = Math.max(watermark, Number(r.id));
        keys.push({ key: r.rule_code === REVENUE_RULE ? `revenue:${r.org}` : `rx:${r.event_id ?? ''}`, at });
      }
      if (keys.length > 0) send({ kind: 'fired', keys });
      await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (Date.now() - started))));
    }
  };
  const polled = poll();
  // Passes are summarised from the start of the load (the driver says when: after the history it sends first).
  let loadStart = Number.POSITIVE_INFINITY;
  process.on('message', (m: { kind?: string }) => {
    if (m.kind === 'load') loadStart = Date.now();
    if (m.kind !== 'stop') return;
    polling = false;
    void polled
      .then(async () => {
        const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
        process.stderr.write(`server: ${String(await count('SELECT count(*)::text AS n FROM event'))} events stored, ` +
          `${String(await count('SELECT count(*)::text AS n FROM rule_evaluation_queue'))} commits still queued for evaluation, ` +
          `${String(await count("SELECT count(*)::text AS n FROM alert WHERE state = 'firing'"))} firing alerts, ` +
          `${String(await count('SELECT count(*)::text AS n FROM rule WHERE last_error IS NOT NULL'))} rules with an error\n`);
        const passes = runtime.rules.engine.recentPasses().filter((p) => p.at.getTime() >= loadStart);
        const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
        const phases = (['plan', 'read', 'judge', 'record'] as const).map((k) => `${k} ${String(p50(passes.map((p) => p.phases[k])))}`).join(', ');
        process.stderr.write(`server: ${String(passes.length)} evaluation passes under load, ${String(p50(passes.map((p) => p.events)))} events each (p50), ` +
          `${String(p50(passes.map((p) => p.ms)))} ms p50 / ${String(percentile(passes.map((p) => p.ms).sort((a, b) => a - b), 0.99))} ms p99 (phases p50 ms: ${phases})\n`);
      })
      // The engine may still be evaluating: what it has not finished stays in its durable queue; the process just ends.
      .then(() => process.exit(0));
  });
  send({ kind: 'ready', url: `http://127.0.0.1:${String(port)}`, tokens, rules: await active(), departments, onlineDepartments });
}

// ───────────────────────────── driver ─────────────────────────────

interface PoolEvent {
  readonly source: string;
  readonly event: Record<string, unknown>;
  readonly occurredMs: number;
}

/** The simulator's stream for a day, as the pool the load replays (the simulator makes ~2,000 events/s, slower than the load). */
async function eventPool(): Promise<PoolEvent[]> {
  const { generateEvents, toWireEvent } = await import('../src/simulator/index.ts');
  const now = Date.now();
  const out: PoolEvent[] = [];
  for (const r of generateEvents({ seed: 7, from: new Date(now - 86_400_000), to: new Date(now), scale: 5 })) {
    if (r.malformed) continue;
    out.push({ source: r.source, event: toWireEvent(r.event), occurredMs: r.atMs });
  }
  return out;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

/** Every instant in the event moved by the same amount, so it occurred now and its internal durations stay. */
function restamped(value: unknown, shiftMs: number): unknown {
  if (typeof value === 'string') return ISO.test(value) && !Number.isNaN(Date.parse(value)) ? new Date(Date.parse(value) + shiftMs).toISOString() : value;
  if (Array.isArray(value)) return value.map((v) => restamped(v, shiftMs));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restamped(v, shiftMs)]));
  return value;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/**
 * The history a running group has: the patients of the pool's online prescriptions saw an offline
 * doctor before (one offline visit each, thirty days back), sent through the same ingest API before
 * the load. On an empty database the compliance pack's "online prescription without an offline
 * visit within a year" would otherwise fire for nearly every online prescription of the load
 * (about 130 alerts a second), an alert storm no group with a year of data sees.
 */
async function seedOfflineHistory(ready: Extract<ServerMessage, { kind: 'ready' }>, pool: readonly PoolEvent[], runId: string): Promise<void> {
  const { createIngestClient, MAX_BATCH } = await import('../src/simulator/ingest-client.ts');
  const template = pool.find((p) => p.event.type === 'visit' && (p.event.attributes as Record<string, unknown>).channel === 'offline' && ready.tokens[p.source] !== undefined);
  if (!template) throw new Error('the simulator made no offline visit');
  const token = ready.tokens[template.source] ?? '';
  const patients = new Set<string>();
  for (const p of pool) {
    const patient = p.event.patient;
    if (p.event.type === 'prescription' && (p.event.attributes as Record<string, unknown>).channel === 'online' && typeof patient === 'string') patients.add(patient);
  }
  const at = Date.now() - 30 * 86_400_000;
  const lines = [...patients].map((patient, i) => JSON.stringify({ ...(restamped(template.event, at - template.occurredMs) as Record<string, unknown>), id: `${runId}-history-${String(i)}`, patient }));
  const client = createIngestClient({ url: ready.url, token });
  for (let i = 0; i < lines.length; i += MAX_BATCH) {
    const batch = lines.slice(i, i + MAX_BATCH);
    const result = await client.postBatch(batch);
    if (result.acknowledged !== batch.length) throw new Error(`history batch not acknowledged: ${result.error ?? String(result.status)}`);
  }
  console.error(`history: one offline visit 30 days ago for each of ${String(patients.size)} patients of online prescriptions`);
}

interface Result {
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly eventsPerSec: number;
  readonly rules: number;
}

interface Detail extends Result {
  readonly offeredPerSec: number;
  readonly triggers: number;
  readonly fired: number;
  readonly refused: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly baselineP50Ms: number;
  readonly baselineP99Ms: number;
  readonly byKind: Record<string, { n: number; p50: number; p99: number }>;
}

async function startServer(backend: 'postgres' | 'pglite', databaseUrl: string | undefined, dataDir: string): Promise<{ proc: ChildProcess; ready: Extract<ServerMessage, { kind: 'ready' }>; fired: Map<string, number> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, YUNJIAN_DATA: dataDir, LOG_LEVEL: 'silent', YUNJIAN_PSEUDONYM_KEY: 'bench-pseudonym-key-0123456789abcdef', YUNJIAN_BODY_LIMIT_MB: '64' };
  if (backend === 'pglite' || databaseUrl === undefined) delete env.DATABASE_URL;
  else env.DATABASE_URL = databaseUrl;
  const profileDir = arg(process.argv, 'cpu-prof', '');
  const execArgv = profileDir === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const proc = fork(RUN_TS, [SELF, '--serve'], { env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const fired = new Map<string, number>();
  const ready = await new Promise<Extract<ServerMessage, { kind: 'ready' }>>((resolve, reject) => {
    proc.on('message', (m: ServerMessage) => {
      if (m.kind === 'ready') resolve(m);
      else if (m.kind === 'fired') {
        for (const k of m.keys) if (!fired.has(k.key)) fired.set(k.key, k.at);
      } else reject(new Error(m.message));
    });
    proc.once('exit', (code) => { reject(new Error(`server exited with ${String(code)}`)); });
  });
  return { proc, ready, fired };
}

async function stopServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || !proc.connected) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.send({ kind: 'stop' }, (error) => { if (error) proc.kill('SIGKILL'); });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function run(backend: 'postgres' | 'pglite', databaseUrl: string | undefined, pool: readonly PoolEvent[], o: { seconds: number; rate: number; clients: number; batch: number }): Promise<Detail> {
  const dataDir = mkdtempSync(join(tmpdir(), `yj-bench-alerts-${backend}-`));
  const setupStart = Date.now();
  const { proc, ready, fired } = await startServer(backend, databaseUrl, dataDir);
  console.error(`${backend}: server ready in ${String(Math.round((Date.now() - setupStart) / 1000))} s with ${String(ready.rules)} active rules; ${String(o.clients)} clients × batches of ${String(o.batch)} at ${String(o.rate)} events/s for ${String(o.seconds)} s`);
  try {
    const found = pool.find((p) => p.event.type === 'prescription' && (p.event.attributes as Record<string, unknown>).channel === 'online');
    if (!found) throw new Error('the simulator made no online prescription');
    const template = found;
    const runId = `b${Date.now().toString(36)}`;
    await seedOfflineHistory(ready, pool, runId);
    proc.send({ kind: 'load' });
    const acks = new Map<string, { ack: number; kind: string }>();
    const ackLatencies: number[] = [];
    const unusedDepartments = [...ready.departments];
    let seq = 0;
    const bySource = new Map<string, PoolEvent[]>();
    for (const p of pool) bySource.set(p.source, [...(bySource.get(p.source) ?? []), p]);
    const streams = [...bySource].map(([source, events]) => ({ source, events, taken: 0 }));
    let offered = 0;
    let accepted = 0;
    let refused = 0;
    let triggerDue = 0;
    const start = epochMs();
    const until = start + o.seconds * 1000;
    const perSecond = o.rate / o.batch;

    /** The next batch: the next events of the source furthest behind its share of the pool, plus a trigger when one is due. */
    function nextBatch(): { source: string; lines: string[]; triggers: { key: string; id: string; kind: string }[] } {
      let pick = streams[0];
      for (const st of streams) if (pick && st.taken / st.events.length < pick.taken / pick.events.length) pick = st;
      const source = pick?.source ?? 'H1-HIS';
      const lines: string[] = [];
      const triggers: { key: string; id: string; kind: string }[] = [];
      const nowMs = Date.now();
      for (let i = 0; pick && i < o.batch; i++) {
        const p = pick.events[pick.taken % pick.events.length];
        pick.taken++;
        if (!p) break;
        const e = restamped(p.event, nowMs - p.occurredMs) as Record<string, unknown>;
        lines.push(JSON.stringify({ ...e, id: `${runId}-${String(seq++)}` }));
      }
      // Five triggers a second: mostly controlled-drug prescriptions, and one revenue spike per department while they last.
      const t = epochMs();
      while (triggerDue <= t) {
        triggerDue = (triggerDue === 0 ? t : triggerDue) + 200;
        const useRevenue = seq % 4 === 0 && unusedDepartments.some((d) => d.source === source);
        if (useRevenue) {
          const i = unusedDepartments.findIndex((d) => d.source === source);
          const dept = unusedDepartments.splice(i, 1)[0];
          if (!dept) continue;
          const id = `${runId}-spike-${String(seq++)}`;
          lines.push(JSON.stringify({ id, type: 'charge', orgUnit: dept.code, occurredAt: new Date(nowMs).toISOString(), attributes: { amount: REVENUE_BOUND * 2, category: 'service', payer: 'self', channel: dept.source === 'IH-PLATFORM' ? 'online' : 'offline', department: dept.code, currency: 'CNY' } }));
          triggers.push({ key: `revenue:${dept.code}`, id, kind: 'threshold (hour, open period)' });
        } else if (source === 'IH-PLATFORM') {
          const e = restamped(template.event, nowMs - template.occurredMs) as Record<string, unknown>;
          const attributes = { ...(e.attributes as Record<string, unknown>), items: [{ drug: '盐酸吗啡注射液', essential: true, antibiotic: false, controlled: true, centralProcurement: false, amount: 12.5 }] };
          const id = `${runId}-rx-${String(seq++)}`;
          lines.push(JSON.stringify({ ...e, id, attributes }));
          triggers.push({ key: `rx:${id}`, id, kind: 'compliance (per event)' });
        } else {
          triggerDue -= 200;
          break;
        }
      }
      return { source, lines, triggers };
    }

    let batchNo = 0;
    await Promise.all(Array.from({ length: o.clients }, async () => {
      for (;;) {
        const due = start + (batchNo / perSecond) * 1000;
        if (due >= until || epochMs() >= until) return;
        batchNo++;
        const wait = due - epochMs();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const batch = nextBatch();
        const token = ready.tokens[batch.source];
        if (token === undefined || batch.lines.length === 0) continue;
        offered += batch.lines.length;
        const sent = epochMs();
        const res = await fetch(`${ready.url}/api/ingest/events`, { method: 'POST', body: batch.lines.join('\n'), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } });
        const report = (await res.json()) as { accepted?: number; issues?: { eventId: string | null; code?: string }[] };
        const ack = epochMs();
        if (res.status !== 200) {
          refused += batch.lines.length;
          continue;
        }
        ackLatencies.push(ack - sent);
        accepted += report.accepted ?? 0;
        const notAccepted = new Map((report.issues ?? []).map((i) => [i.eventId, i.code ?? 'rejected']));
        for (const tr of batch.triggers) {
          const issue = notAccepted.get(tr.id);
          // A trigger the server did not accept can never fire: that is a fault of this benchmark, not a latency.
          if (issue !== undefined) throw new Error(`trigger ${tr.id} was not accepted: ${issue}`);
          acks.set(tr.key, { ack, kind: tr.kind });
        }
      }
    }));
    const elapsed = (epochMs() - start) / 1000;
    // Give the engine time to catch up, then count what never fired as still waiting (its latency so far).
    const drainUntil = epochMs() + DRAIN_MS;
    while (epochMs() < drainUntil && [...acks.keys()].some((k) => !fired.has(k))) await new Promise((r) => setTimeout(r, 100));
    const end = epochMs();
    const latencies: { kind: string; ms: number }[] = [...acks].map(([key, a]) => ({ kind: a.kind, ms: (fired.get(key) ?? end) - a.ack }));
    const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
    const byKind: Record<string, { n: number; p50: number; p99: number }> = {};
    for (const kind of new Set(latencies.map((l) => l.kind))) {
      const s = latencies.filter((l) => l.kind === kind).map((l) => l.ms).sort((a, b) => a - b);
      byKind[kind] = { n: s.length, p50: Math.round(percentile(s, 0.5)), p99: Math.round(percentile(s, 0.99)) };
    }
    // Prometheus: each rule group is evaluated every 60 s at its own fixed phase, then Alertmanager waits 30 s.
    let seed = 42;
    const random = () => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
    const phase = new Map<string, number>();
    const baseline = [...acks.values()].map((a) => {
      let p = phase.get(a.kind);
      if (p === undefined) {
        p = random() * 60_000;
        phase.set(a.kind, p);
      }
      return ((((p - (a.ack - start)) % 60_000) + 60_000) % 60_000) + 30_000;
    }).sort((a, b) => a - b);
    const sortedAcks = [...ackLatencies].sort((a, b) => a - b);
    return {
      latencyP50Ms: Math.round(percentile(sorted, 0.5)), latencyP99Ms: Math.round(percentile(sorted, 0.99)), eventsPerSec: Math.round(accepted / elapsed), rules: ready.rules,
      offeredPerSec: Math.round(offered / elapsed), triggers: acks.size, fired: [...acks.keys()].filter((k) => fired.has(k)).length, refused,
      ackP50Ms: Math.round(percentile(sortedAcks, 0.5)), ackP99Ms: Math.round(percentile(sortedAcks, 0.99)),
      baselineP50Ms: Math.round(percentile(baseline, 0.5)), baselineP99Ms: Math.round(percentile(baseline, 0.99)), byKind,
    };
  } finally {
    await stopServer(proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function drive(argv: readonly string[]): Promise<void> {
  const rate = Number(arg(argv, 'rate', '5000'));
  // Batches as `yunjian simulate --rate` sends them.
  const { pacedBatchSize } = await import('../src/simulator/index.ts');
  const o = { seconds: Number(arg(argv, 'seconds', '20')), rate, clients: Number(arg(argv, 'clients', '8')), batch: Number(arg(argv, 'batch', String(pacedBatchSize(rate)))) };
  const backend = arg(argv, 'backend', 'both');
  const wanted = (backend === 'both' ? ['postgres', 'pglite'] : [backend]) as ('postgres' | 'pglite')[];
  const hasPostgres = (process.env.DATABASE_URL ?? '') !== '';
  if (wanted.includes('postgres') && !hasPostgres) console.error('DATABASE_URL is not set: skipping PostgreSQL');
  const generated = performance.now();
  const pool = await eventPool();
  console.error(`simulator: ${String(pool.length)} events in the pool (${String(Math.round(performance.now() - generated))} ms)`);
  const results: Record<string, Result> = {};
  for (const b of wanted.filter((x) => x !== 'postgres' || hasPostgres)) {
    const d = b === 'postgres' ? await withThrowawayDatabase('yj_bench_alerts', (url) => run(b, url, pool, o)) : await run(b, undefined, pool, o);
    results[b] = { latencyP50Ms: d.latencyP50Ms, latencyP99Ms: d.latencyP99Ms, eventsPerSec: d.eventsPerSec, rules: d.rules };
    const kinds = Object.entries(d.byKind).map(([k, v]) => `${k}: ${String(v.n)} triggers, p50 ${String(v.p50)} ms, p99 ${String(v.p99)} ms`).join('; ');
    console.log(
      `${b}: ingest ${String(d.eventsPerSec)} events/s acknowledged (offered ${String(d.offeredPerSec)}, target ${String(o.rate)}, ${String(d.refused)} refused), ` +
      `batch ack p50 ${String(d.ackP50Ms)} ms p99 ${String(d.ackP99Ms)} ms; ${String(d.rules)} active rules; ` +
      `event-to-alert p50 ${String(d.latencyP50Ms)} ms, p99 ${String(d.latencyP99Ms)} ms over ${String(d.triggers)} triggers (${String(d.fired)} fired) [${kinds}]; ` +
      `1-min evaluation + 30 s group wait would give p50 ${String(d.baselineP50Ms)} ms, p99 ${String(d.baselineP99Ms)} ms`,
    );
  }
  console.log(JSON.stringify(results));
}

if (process.argv.includes('--serve')) {
  await serve().catch((error: unknown) => {
    process.send?.({ kind: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    process.exit(1);
  });
} else {
  await drive(process.argv.slice(2));
}
