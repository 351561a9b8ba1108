/**
 * Ingest throughput benchmark. Starts the server (test/support/ingest-server.ts: the serve entry
 * plus the ingest module and a seeded source) as a child process, drives it over loopback HTTP with
 * several concurrent clients sending NDJSON batches of 1,000 events for a fixed time, then in the
 * same database loads the same number of rows into a bare table (no keys, no indexes) with COPY as
 * the raw bulk-load reference. PGlite: COPY FROM '/dev/blob' after the server has stopped (PGlite is
 * one process). PostgreSQL: pg-copy-streams is not installed, so the reference is one
 * `INSERT … SELECT FROM unnest(text[] …)` per 10,000 rows (what COPY would do, minus the protocol).
 * PostgreSQL runs when DATABASE_URL is set, else on a throwaway server from
 * scripts/throwaway-postgres.sh when that works. No commit consumers are wired (roll-ups excluded).
 *
 *   node bin/run-ts.mjs scripts/bench-ingest.ts [--seconds 10] [--clients 4] [--backend pglite|postgres|both]
 *
 * The last line is one JSON object: {"postgres":{eventsPerSec,copyPerSec,ratio,peakRssMb},"pglite":{…}}.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

interface Figures { eventsPerSec: number; copyPerSec: number; ratio: number; peakRssMb: number; events: number; batches: number; rejectedOr503: number }

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const SECONDS = Number(arg('seconds', '10'));
const CLIENTS = Number(arg('clients', '4'));
const BACKEND = arg('backend', 'both');
const BATCH = 1000;
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

async function startServer(dataDir: string, databaseUrl: string | undefined): Promise<{ url: string; proc: ChildProcess }> {
  const env: NodeJS.ProcessEnv = { ...process.env, YUNJIAN_DATA: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'silent', YUNJIAN_BODY_LIMIT_MB: '64' };
  if (databaseUrl === undefined) delete env.DATABASE_URL;
  else env.DATABASE_URL = databaseUrl;
  const proc = spawn(process.execPath, ['bin/run-ts.mjs', 'test/support/ingest-server.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
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

/** Peak resident set size of a process (Linux VmHWM), in MiB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? '0');
  return Math.round(kb / 1024);
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

const OCCURRED = '2026-11-23T08:00:00+08:00';

function ndjsonBatch(prefix: string): string {
  const lines: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    lines.push(`{"id":"${prefix}-${i}","type":"charge","orgUnit":"GROUP","occurredAt":"${OCCURRED}","patient":"P${i % 997}","attributes":{"amount":${(i % 500) + 0.5},"category":"lab","payer":"insurance"}}`);
  }
  return lines.join('\n');
}

async function drive(url: string, token: string): Promise<{ events: number; batches: number; failed: number; seconds: number }> {
  const until = Date.now() + SECONDS * 1000;
  const started = Date.now();
  let events = 0;
  let batches = 0;
  let failed = 0;
  let seq = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    while (Date.now() < until) {
      const body = ndjsonBatch(`b${client}-${seq++}`);
      const res = await fetch(`${url}/api/ingest/events`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } });
      const report = (await res.json()) as { accepted?: number };
      if (res.status === 200) {
        events += report.accepted ?? 0;
        batches++;
      } else failed++;
    }
  }));
  return { events, batches, failed, seconds: (Date.now() - started) / 1000 };
}

/** The same rows as the ingested events, as text columns (source_id … content_hash). */
function rows(n: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(['1', `copy-${i}`, 'charge', '1', '1', '2026-11-23T00:00:00Z', '2026-11-23T00:00:01Z', 'p_AAAAAAAAAAAAAAAAAAAAAA',
      `{"amount":${(i % 500) + 0.5},"category":"lab","payer":"insurance"}`, 'a'.repeat(64)]);
  }
  return out;
}

const BARE = `CREATE TABLE bench_copy (source_id bigint, event_id text, type text, schema_version integer, org_unit_id bigint,
  occurred_at timestamptz, received_at timestamptz, patient text, attributes jsonb, content_hash text)`;

async function copyPglite(dir: string, n: number): Promise<number> {
  const db = await PGlite.create({ dataDir: dir });
  try {
    await db.exec(`DROP TABLE IF EXISTS bench_copy; ${BARE}`);
    const tsv = rows(n).map((r) => r.join('\t')).join('\n');
    const started = performance.now();
    await db.query(`COPY bench_copy FROM '/dev/blob'`, [], { blob: new Blob([tsv]) });
    const seconds = (performance.now() - started) / 1000;
    await db.exec('DROP TABLE bench_copy');
    return n / seconds;
  } finally {
    await db.close();
  }
}

async function copyPostgres(url: string, n: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy; ${BARE}`);
    const all = rows(n);
    const started = performance.now();
    for (let i = 0; i < all.length; i += 10_000) {
      const chunk = all.slice(i, i + 10_000);
      const cols = Array.from({ length: 10 }, (_, c) => chunk.map((r) => r[c]));
      await client.query(
        `INSERT INTO bench_copy SELECT a::bigint, b, c, d::int, e::bigint, f::timestamptz, g::timestamptz, h, j::jsonb, k
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS u(a, b, c, d, e, f, g, h, j, k)`,
        cols,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP TABLE bench_copy');
    return n / seconds;
  } finally {
    await client.end();
  }
}

async function run(backend: 'pglite' | 'postgres', databaseUrl: string | undefined): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), `yj-bench-${backend}-`));
  try {
    const { url, proc } = await startServer(dataDir, databaseUrl);
    const token = readFileSync(join(dataDir, 'source.token'), 'utf8').trim();
    say(`${backend}: server at ${url}, ${CLIENTS} clients × NDJSON batches of ${BATCH} for ${SECONDS} s …`);
    const load = await drive(url, token);
    const peak = proc.pid === undefined ? 0 : peakRssMb(proc.pid);
    await stop(proc);
    const eventsPerSec = load.events / load.seconds;
    const n = Math.max(load.events, BATCH);
    const copyPerSec = backend === 'pglite' ? await copyPglite(join(dataDir, 'pg'), n) : await copyPostgres(databaseUrl ?? '', n);
    const f = { eventsPerSec: Math.round(eventsPerSec), copyPerSec: Math.round(copyPerSec), ratio: Math.round((eventsPerSec / copyPerSec) * 100) / 100, peakRssMb: peak, events: load.events, batches: load.batches, rejectedOr503: load.failed };
    say(`${backend}: ingest ${f.eventsPerSec} events/s (${f.batches} batches, ${f.rejectedOr503} refused), bulk-load reference ${f.copyPerSec} rows/s, ratio ${f.ratio}, server peak RSS ${f.peakRssMb} MiB`);
    return f;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function withPostgres<T>(work: (url: string) => Promise<T>): Promise<T | undefined> {
  const given = process.env.DATABASE_URL;
  if (given !== undefined && given !== '') {
    // A database of its own on the given server, dropped afterwards.
    const name = `yj_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: given });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(given);
    url.pathname = `/${name}`;
    try {
      return await work(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'yj-bench-pg-'));
  let url: string;
  try {
    url = execFileSync('bash', ['scripts/throwaway-postgres.sh', 'start', dir], { encoding: 'utf8' }).trim();
  } catch {
    say('postgres: skipped (no DATABASE_URL and scripts/throwaway-postgres.sh could not start a server)');
    return undefined;
  }
  try {
    return await work(url);
  } finally {
    execFileSync('bash', ['scripts/throwaway-postgres.sh', 'stop', dir]);
  }
}

const result: { postgres?: Figures; pglite?: Figures } = {};
if (BACKEND === 'both' || BACKEND === 'postgres') {
  const f = await withPostgres((url) => run('postgres', url));
  if (f) result.postgres = f;
}
if (BACKEND === 'both' || BACKEND === 'pglite') result.pglite = await run('pglite', undefined);
say(JSON.stringify(result));
