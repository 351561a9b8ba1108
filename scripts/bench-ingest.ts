/**
 * Ingest throughput benchmark. Starts the server (scripts/bench-ingest-server.ts: what `yunjian
 * serve` runs, on the simulated hospital group, with the indicator library and the default rule
 * packs installed) as a child process and drives it over loopback HTTP with several concurrent
 * clients, each posting NDJSON batches of 1,000 simulator events (src/simulator: the demo group's
 * sources and event mix over the last days, each batch to its own source's token) for a fixed
 * time. Then, in the same database, the rows the server stored (the `event` table's columns,
 * attributes as JSON) are loaded again with COPY into a bare table (no keys, no indexes): the
 * physical reference. PostgreSQL: `COPY … FROM STDIN` (pg-copy-streams). PGlite: `COPY … FROM
 * '/dev/blob'` once the server has stopped (PGlite is one process). The same rows are also copied
 * into a table like `event` (its identity, dedup key, indexes and checks): the cost of storing them
 * before any application work, printed beside as a second reference.
 *
 * PostgreSQL runs when DATABASE_URL is set (in a database of its own, dropped afterwards), else on
 * a throwaway server from scripts/throwaway-postgres.sh when that works. `--bare` also measures the
 * server without the library and rule packs installed (the ingest path alone).
 *
 *   node bin/run-ts.mjs scripts/bench-ingest.ts [--seconds 10] [--clients 4] [--backend pglite|postgres|both] [--bare] [--cpu-prof DIR]
 *
 * Peak RSS is the server's high-water mark during the load (reset when the load starts); the
 * server's CPU time per 1,000 events and the load average are printed too, as the machine may be shared.
 *
 * The last line is one JSON object: {"postgres":{eventsPerSec,copyPerSec,ratio,peakRssMb},"pglite":{…}};
 * eventsPerSec is the library-active figure.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { PGlite } from '@electric-sql/pglite';
import { generateEvents, toNdjsonLine } from '../src/simulator/index.ts';

interface Load { events: number; duplicates: number; rejected: number; batches: number; refused: number; seconds: number; idleRssMb: number; startupPeakMb: number; peakRssMb: number; cpuMs: number }
interface Figures { eventsPerSec: number; copyPerSec: number; ratio: number; eventTableCopyPerSec: number; ratioToEventTableCopy: number; peakRssMb: number; idleRssMb: number; events: number; batches: number; rejected: number; refused503: number; bare?: { eventsPerSec: number; peakRssMb: number } }

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const SECONDS = Number(arg('seconds', '10'));
const CLIENTS = Number(arg('clients', '4'));
const BACKEND = arg('backend', 'both');
const BARE = process.argv.includes('--bare');
const CPU_PROF = arg('cpu-prof', '');
const BATCH = 1000;
/** Simulated history sent: the last DAYS days at SCALE × the demo volume (≈ 470,000 events). */
const DAYS = 7;
const SCALE = 10;
const say = (line: string) => { process.stdout.write(`${line}\n`); };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => { resolve(typeof a === 'object' && a ? a.port : 0); });
    });
  });
}

async function startServer(dataDir: string, databaseUrl: string | undefined, library: boolean): Promise<{ url: string; proc: ChildProcess }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, YUNJIAN_DATA: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'silent', BENCH_LIBRARY: library ? 'on' : 'off',
  };
  if (databaseUrl === undefined) delete env.DATABASE_URL;
  else env.DATABASE_URL = databaseUrl;
  const profile = CPU_PROF === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF];
  const proc = spawn(process.execPath, [...profile, 'bin/run-ts.mjs', 'scripts/bench-ingest-server.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    proc.once('exit', (code) => { reject(new Error(`server exited with ${String(code)}`)); });
  });
  return { url, proc };
}

/** Resident set size of a process from /proc (VmRSS now, or VmHWM: the peak), in MiB. */
function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (pid === undefined) return 0;
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? '0');
  return Math.round(kb / 1024);
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

interface Batch { readonly source: string; readonly lines: readonly string[] }

/** The simulated group's events of the last DAYS days, in batches of up to 1,000 per source, in send order. */
function simulatedBatches(): Batch[] {
  const now = Date.now();
  const open = new Map<string, string[]>();
  const batches: Batch[] = [];
  for (const record of generateEvents({ seed: 1, from: new Date(now - DAYS * 86_400_000), to: new Date(now), scale: SCALE })) {
    const lines = open.get(record.source) ?? [];
    open.set(record.source, lines);
    lines.push(toNdjsonLine(record));
    if (lines.length === BATCH) {
      batches.push({ source: record.source, lines });
      open.set(record.source, []);
    }
  }
  for (const [source, lines] of open) if (lines.length > 0) batches.push({ source, lines });
  return batches;
}

/** Round k > 0 sends the history again under new event ids, so every record is new to the server. */
function bodyOf(batch: Batch, round: number): string {
  if (round === 0) return batch.lines.join('');
  return batch.lines.map((l) => l.replace(/^\{"id":"([^"]*)"/, `{"id":"$1~r${String(round)}"`)).join('');
}

/** CPU time (user + system) a process has used, in ms (clock ticks are 10 ms on Linux). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function drive(url: string, tokens: Record<string, string>, batches: readonly Batch[], pid: number | undefined): Promise<Load> {
  const idleRssMb = rssMb(pid, 'VmRSS');
  const startupPeakMb = rssMb(pid, 'VmHWM');
  // The peak under load, not the start-up's (migrations, catalogue install): reset the high-water mark.
  if (pid !== undefined) writeFileSync(`/proc/${String(pid)}/clear_refs`, '5');
  const cpuBefore = cpuMs(pid);
  const started = Date.now();
  const until = started + SECONDS * 1000;
  const load = { events: 0, duplicates: 0, rejected: 0, batches: 0, refused: 0 };
  let next = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < until) {
      const seq = next++;
      const batch = batches[seq % batches.length];
      if (batch === undefined) return;
      const body = bodyOf(batch, Math.floor(seq / batches.length));
      for (;;) {
        const res = await fetch(`${url}/api/ingest/events`, {
          method: 'POST', body, headers: { authorization: `Bearer ${tokens[batch.source] ?? ''}`, 'content-type': 'application/x-ndjson' },
        });
        const report = (await res.json()) as { accepted?: number; duplicates?: number; rejected?: number; conflicts?: number; code?: string };
        if (res.status === 200) {
          load.events += report.accepted ?? 0;
          load.duplicates += report.duplicates ?? 0;
          load.rejected += (report.rejected ?? 0) + (report.conflicts ?? 0);
          load.batches++;
          break;
        }
        if (res.status !== 503) throw new Error(`ingest answered ${String(res.status)} ${JSON.stringify(report)}`);
        load.refused++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }));
  return { ...load, seconds: (Date.now() - started) / 1000, idleRssMb, startupPeakMb, peakRssMb: rssMb(pid, 'VmHWM'), cpuMs: cpuMs(pid) - cpuBefore };
}

/** The stored events' columns as COPY text: exactly what the server wrote, minus the identity. */
const EXPORT = 'SELECT source_id, event_id, type, schema_version, org_unit_id, occurred_at, received_at, patient, attributes, content_hash FROM event';
const BARE_TABLE = `CREATE TABLE bench_copy (source_id bigint, event_id text, type text, schema_version integer, org_unit_id bigint,
  occurred_at timestamptz, received_at timestamptz, patient text, attributes jsonb, content_hash text)`;

/**
 * The product's own event table as a second reference (its identity, dedup key, indexes and
 * checks; foreign keys aside): what storing the rows costs before any application work.
 */
const EVENT_TABLE = 'CREATE TABLE bench_event_copy (LIKE event INCLUDING ALL)';
const COLUMNS = '(source_id, event_id, type, schema_version, org_unit_id, occurred_at, received_at, patient, attributes, content_hash)';

interface Reference { rows: number; perSec: number; eventTablePerSec: number }

async function copyPglite(dir: string): Promise<Reference> {
  const db = await PGlite.create({ dataDir: dir });
  try {
    await db.exec(`DROP TABLE IF EXISTS bench_copy; DROP TABLE IF EXISTS bench_event_copy; ${BARE_TABLE}; ${EVENT_TABLE}`);
    const out = await db.query(`COPY (${EXPORT}) TO '/dev/blob'`);
    if (out.blob === undefined) throw new Error('COPY TO /dev/blob returned no data');
    const timedCopy = async (target: string) => {
      const started = performance.now();
      const loaded = await db.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: out.blob });
      return { rows: loaded.affectedRows ?? 0, seconds: (performance.now() - started) / 1000 };
    };
    const bare = await timedCopy('bench_copy');
    const table = await timedCopy(`bench_event_copy ${COLUMNS}`);
    await db.exec('DROP TABLE bench_copy; DROP TABLE bench_event_copy');
    return { rows: bare.rows, perSec: bare.rows / bare.seconds, eventTablePerSec: table.rows / table.seconds };
  } finally {
    await db.close();
  }
}

async function copyPostgres(url: string): Promise<Reference> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy; DROP TABLE IF EXISTS bench_event_copy; ${BARE_TABLE}; ${EVENT_TABLE}`);
    const chunks: Buffer[] = [];
    await pipeline(client.query(copyTo(`COPY (${EXPORT}) TO STDOUT`)), new Writable({
      write(chunk: Buffer, _enc, done) { chunks.push(chunk); done(); },
    }));
    const timedCopy = async (target: string) => {
      const started = performance.now();
      const sink = client.query(copyFrom(`COPY ${target} FROM STDIN`));
      await pipeline(Readable.from(chunks), sink);
      return { rows: sink.rowCount, seconds: (performance.now() - started) / 1000 };
    };
    const bare = await timedCopy('bench_copy');
    const table = await timedCopy(`bench_event_copy ${COLUMNS}`);
    await client.query('DROP TABLE bench_copy; DROP TABLE bench_event_copy');
    return { rows: bare.rows, perSec: bare.rows / bare.seconds, eventTablePerSec: table.rows / table.seconds };
  } finally {
    await client.end();
  }
}

async function runOnce(backend: 'pglite' | 'postgres', databaseUrl: string | undefined, library: boolean, batches: readonly Batch[], copy: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), `yj-bench-${backend}-`));
  try {
    const { url, proc } = await startServer(dataDir, databaseUrl, library);
    const tokens = JSON.parse(readFileSync(join(dataDir, 'bench-sources.json'), 'utf8')) as Record<string, string>;
    const label = `${backend} (${library ? 'library active' : 'bare'})`;
    say(`${label}: server at ${url}, ${String(CLIENTS)} clients × NDJSON batches of ${String(BATCH)} for ${String(SECONDS)} s …`);
    let load: Load;
    try {
      load = await drive(url, tokens, batches, proc.pid);
    } finally {
      await stop(proc);
    }
    const eventsPerSec = Math.round(load.events / load.seconds);
    say(`${label}: ingest ${String(eventsPerSec)} events/s (${String(load.batches)} batches, ${String(load.rejected)} rejected or conflicting records, ${String(load.refused)} × 503), server RSS idle ${String(load.idleRssMb)} MiB, peak under load ${String(load.peakRssMb)} MiB (start-up peak ${String(load.startupPeakMb)} MiB), server CPU ${String(Math.round(load.cpuMs / Math.max(1, load.events / 1000)))} ms per 1,000 events, load average ${loadavg()[0]?.toFixed(1) ?? '?'}`);
    const reference = copy ? (backend === 'pglite' ? await copyPglite(join(dataDir, 'pg')) : await copyPostgres(databaseUrl ?? '')) : undefined;
    if (reference) {
      say(`${backend}: COPY of the same ${String(reference.rows)} stored rows into a bare table: ${String(Math.round(reference.perSec))} rows/s; `
        + `into a copy of the event table (its keys and indexes): ${String(Math.round(reference.eventTablePerSec))} rows/s (${(reference.eventTablePerSec / reference.perSec).toFixed(2)} of bare)`);
    }
    return { load, eventsPerSec, reference };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(backend: 'pglite' | 'postgres', databaseUrl: () => Promise<string | undefined>, batches: readonly Batch[]): Promise<Figures> {
  let bare: Figures['bare'];
  if (BARE) {
    const r = await runOnce(backend, await databaseUrl(), false, batches, false);
    bare = { eventsPerSec: r.eventsPerSec, peakRssMb: r.load.peakRssMb };
  }
  const { load, eventsPerSec, reference } = await runOnce(backend, await databaseUrl(), true, batches, true);
  const copyPerSec = Math.round(reference?.perSec ?? 0);
  const f: Figures = {
    eventsPerSec, copyPerSec, ratio: Math.round((eventsPerSec / copyPerSec) * 100) / 100,
    eventTableCopyPerSec: Math.round(reference?.eventTablePerSec ?? 0), ratioToEventTableCopy: Math.round((eventsPerSec / (reference?.eventTablePerSec ?? 1)) * 100) / 100,
    peakRssMb: load.peakRssMb, idleRssMb: load.idleRssMb,
    events: load.events, batches: load.batches, rejected: load.rejected, refused503: load.refused, ...(bare ? { bare } : {}),
  };
  say(`${backend}: library active ${String(f.eventsPerSec)} events/s vs COPY ${String(f.copyPerSec)} rows/s → ratio ${String(f.ratio)} `
    + `(${String(f.ratioToEventTableCopy)} of a COPY into the event table); server peak RSS ${String(f.peakRssMb)} MiB`);
  return f;
}

/** A fresh database per run on the given server (dropped at the end), or a throwaway server. */
async function withPostgres<T>(work: (fresh: () => Promise<string>) => Promise<T>): Promise<T | undefined> {
  const given = process.env.DATABASE_URL;
  let server: string;
  let dir: string | undefined;
  if (given !== undefined && given !== '') server = given;
  else {
    dir = mkdtempSync(join(tmpdir(), 'yj-bench-pg-'));
    try {
      server = execFileSync('bash', ['scripts/throwaway-postgres.sh', 'start', dir], { encoding: 'utf8' }).trim();
    } catch {
      say('postgres: skipped (no DATABASE_URL and scripts/throwaway-postgres.sh could not start a server)');
      return undefined;
    }
  }
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const made: string[] = [];
  const fresh = async () => {
    const name = `yj_bench_${String(process.pid)}_${String(made.length)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    made.push(name);
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  };
  try {
    return await work(fresh);
  } finally {
    for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    if (dir !== undefined) execFileSync('bash', ['scripts/throwaway-postgres.sh', 'stop', dir]);
  }
}

say(`generating ${String(DAYS)} days of the simulated group at scale ${String(SCALE)} …`);
const batches = simulatedBatches();
say(`${String(batches.reduce((n, b) => n + b.lines.length, 0))} events in ${String(batches.length)} batches`);
const result: { postgres?: Figures; pglite?: Figures } = {};
if (BACKEND === 'both' || BACKEND === 'postgres') {
  const f = await withPostgres((fresh) => run('postgres', fresh, batches));
  if (f) result.postgres = f;
}
if (BACKEND === 'both' || BACKEND === 'pglite') result.pglite = await run('pglite', () => Promise.resolve(undefined), batches);
say(JSON.stringify(result));
