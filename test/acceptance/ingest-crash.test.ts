/**
 * Durability under crashes: the real server runs as a child process; batches are sent while it
 * is killed with SIGKILL at random moments; it is restarted and every batch without a 200 is sent
 * again. Afterwards every acknowledged event is stored exactly once and the stored set equals the
 * sent set. A few rounds by default; YUNJIAN_SOAK=1 runs many more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPgliteDb, type Db } from '../../src/store/index.ts';
import { createTestDb, testBackend, type TestDb } from '../support/test-db.ts';

const soak = process.env.YUNJIAN_SOAK === '1';
// Each start of the server costs seconds (PGlite opens its data folder), so the default run kills it once.
const ROUNDS = soak ? 25 : 1;
const BATCHES_PER_ROUND = soak ? 40 : 8;
const BATCH_SIZE = 50;

let dataDir: string;
let pg: TestDb | undefined;
let child: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

async function start(port: number): Promise<{ url: string; proc: ChildProcess }> {
  const env: NodeJS.ProcessEnv = { ...process.env, YUNJIAN_DATA: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
  if (pg?.url !== undefined) env.DATABASE_URL = pg.url;
  else delete env.DATABASE_URL;
  const proc = spawn(process.execPath, ['bin/run-ts.mjs', 'test/support/ingest-server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    proc.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    proc.once('exit', (code) => { reject(new Error(`server exited (${String(code)}) before listening: ${err.slice(-2000)}`)); });
  });
  return { url, proc };
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

function batch(n: number): { ids: string[]; body: string } {
  const ids = Array.from({ length: BATCH_SIZE }, (_, i) => `crash-${n}-${i}`);
  const body = ids.map((id, i) => JSON.stringify({
    id, type: 'charge', orgUnit: 'GROUP', occurredAt: '2026-11-23T08:00:00+08:00', patient: `P${n}-${i}`, attributes: { amount: n + i / 100, category: 'lab' },
  })).join('\n');
  return { ids, body };
}

async function send(url: string, token: string, b: { body: string }): Promise<number | null> {
  try {
    const res = await fetch(`${url}/api/ingest/events`, { method: 'POST', body: b.body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } });
    await res.text();
    return res.status;
  } catch {
    return null;
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'yj-crash-'));
  if (testBackend === 'postgres') pg = await createTestDb();
});

afterAll(async () => {
  if (child) await kill(child);
  await pg?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('stores every acknowledged event exactly once across SIGKILLs, and the final set equals the sent set', async () => {
  const port = await freePort();
  const acknowledged = new Set<string>();
  const pending: number[] = [];
  let next = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { url, proc } = await start(port);
    const token = readFileSync(join(dataDir, 'source.token'), 'utf8').trim();
    const killAfterMs = 50 + Math.floor(Math.random() * 400);
    const killer = setTimeout(() => { proc.kill('SIGKILL'); }, killAfterMs);
    const clients = [0, 1].map(async () => {
      for (let i = 0; i < BATCHES_PER_ROUND / 2; i++) {
        const n = pending.shift() ?? next++;
        const status = await send(url, token, batch(n));
        if (status === 200) for (const id of batch(n).ids) acknowledged.add(id);
        else pending.push(n);
      }
    });
    await Promise.all(clients);
    clearTimeout(killer);
    await kill(proc);
  }
  // Final run: re-send everything that was never acknowledged.
  const { url, proc } = await start(port);
  const token = readFileSync(join(dataDir, 'source.token'), 'utf8').trim();
  while (pending.length > 0) {
    const n = pending.shift() ?? 0;
    const status = await send(url, token, batch(n));
    if (status === 200) for (const id of batch(n).ids) acknowledged.add(id);
    else pending.push(n);
  }
  await kill(proc);

  let db: Db;
  if (pg) db = pg.db;
  else db = await openPgliteDb(join(dataDir, 'pg'));
  try {
    const rows = await db.query<{ event_id: string; n: number }>(`SELECT event_id, count(*)::int8 AS n FROM event WHERE event_id LIKE 'crash-%' GROUP BY event_id`);
    const stored = new Map(rows.rows.map((r) => [r.event_id, r.n]));
    const sent = new Set(Array.from({ length: next }, (_, n) => batch(n).ids).flat());
    expect(acknowledged.size).toBe(sent.size);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(stored.keys())).toEqual(sent);
  } finally {
    if (!pg) await db.close();
  }
}, soak ? 900_000 : 120_000);
