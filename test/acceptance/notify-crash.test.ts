import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openPgliteDb, type Db } from '../../src/store/index.ts';
import { createTestDb, testBackend, type TestDb } from '../support/test-db.ts';

/**
 * Crash safety of the notification outbox. A child process opens work orders (each writes its
 * outbox rows in the order's transaction) and dispatches the outbox to a local webhook capture
 * server; the test SIGKILLs it at random points and restarts it until every order exists and
 * the outbox is drained. Then: no entry lost (every row sent, every webhook row reached the
 * server at least once) and, deduplicated by the Idempotency-Key, each delivered exactly once.
 */
const repo = resolve(import.meta.dirname, '../..');
const TARGET_ORDERS = 12;

const childSource = `
import { createChannelSenders, dispatchDue } from '${repo}/src/notify/index.ts';
import { openPgliteDb, openPostgresDb } from '${repo}/src/store/index.ts';
import { createWorkOrdersService } from '${repo}/src/workorders/workorders-service.ts';

const db = process.env.CRASH_DB_URL ? openPostgresDb(process.env.CRASH_DB_URL, { max: 2 }) : await openPgliteDb(process.env.CRASH_DB_DIR);
const service = createWorkOrdersService({ db });
const senders = createChannelSenders({ timeoutMs: 2000 });
const org = (await db.query("SELECT id, code, name, path FROM org_unit WHERE code = 'DEPT-A'")).rows[0];
const target = Number(process.env.CRASH_TARGET);
for (;;) {
  const count = Number((await db.query('SELECT count(*)::int AS n FROM work_order')).rows[0].n);
  if (count < target) {
    const now = new Date();
    await service.create({ actor: { kind: 'system', id: null, name: 'crash-test' }, now }, { userId: 'center', center: true },
      { title: 'order ' + String(count + 1), description: '', severity: 3, category: 'access', org });
  }
  await dispatchDue({ db, senders, leaseMs: 800, batchSize: 3 }, new Date());
  const pending = Number((await db.query("SELECT count(*)::int AS n FROM notify_outbox WHERE status <> 'sent'")).rows[0].n);
  if (count >= target && pending === 0) break;
  process.stdout.write('tick\\n');
  await new Promise((r) => setTimeout(r, 10));
}
await db.close();
process.stdout.write('DONE\\n');
`;

let server: Server;
let hookUrl = '';
const received: string[] = [];
let work: string;
let t: TestDb | null = null;
let dataDir = '';
const outputs: string[] = [];

async function seed(db: Db, url: string): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => db.query<{ id: number }>(sql, params);
  const g = (await q(`INSERT INTO org_unit (code, name, kind, path) VALUES ('GROUP', 'G', 'group', '/') RETURNING id`)).rows[0]?.id ?? 0;
  await q('UPDATE org_unit SET path = $1 WHERE id = $2', [`/${String(g)}/`, g]);
  const a = (await q(`INSERT INTO org_unit (code, name, kind, parent_id, path) VALUES ('DEPT-A', 'A', 'department', $1, '/') RETURNING id`, [g])).rows[0]?.id ?? 0;
  await q('UPDATE org_unit SET path = $1 WHERE id = $2', [`/${String(g)}/${String(a)}/`, a]);
  const u = (await q(`INSERT INTO app_user (username, display_name, org_unit_id, password_hash) VALUES ('lia', 'Lia', $1, 'x') RETURNING id`, [a])).rows[0]?.id ?? 0;
  await q(`INSERT INTO work_order_route (org_unit_id, category, user_id) VALUES ($1, '*', $2)`, [a, u]);
  await q(`INSERT INTO notify_channel (org_unit_id, kind, name, url, secret, created_at) VALUES ($1, 'webhook', 'capture', $2, 's', now())`, [g, url]);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string') received.push(key);
      // A random delay widens the window between sending and recording the send.
      setTimeout(() => res.writeHead(200).end('{}'), Math.floor(Math.random() * 40));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hook`;
  work = mkdtempSync(join(tmpdir(), 'yj-crash-'));
  writeFileSync(join(work, 'child.mts'), childSource);
  if (testBackend === 'postgres') {
    t = await createTestDb();
    await seed(t.db, hookUrl);
  } else {
    dataDir = join(work, 'data');
    const db = await openPgliteDb(dataDir);
    await migrate(db);
    await seed(db, hookUrl);
    await db.close();
  }
}, 60_000);

afterAll(async () => {
  await t?.drop();
  await new Promise((r) => server.close(r));
  rmSync(work, { recursive: true, force: true });
});

function startChild(): { child: ChildProcess; done: Promise<boolean>; ticks: () => number } {
  const child = spawn(process.execPath, [join(repo, 'bin/run-ts.mjs'), join(work, 'child.mts')], {
    cwd: repo,
    env: { ...process.env, CRASH_DB_URL: t?.url ?? '', CRASH_DB_DIR: dataDir, CRASH_TARGET: String(TARGET_ORDERS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
  const done = new Promise<boolean>((r) => child.on('exit', () => { outputs.push(out); r(out.includes('DONE')); }));
  return { child, done, ticks: () => out.split('tick').length - 1 };
}

describe('notification outbox across crashes', () => {
  it('delivers every outbox entry at least once and, deduplicated by idempotency key, exactly once', async () => {
    let finished = false;
    let kills = 0;
    for (let run = 0; run < 30 && !finished; run += 1) {
      const { child, done, ticks } = startChild();
      if (kills < 4) {
        // Kill at a random point while the child works: after 1–3 loop passes plus a random delay.
        const passes = 1 + Math.floor(Math.random() * 3);
        const working = new Promise<boolean>((r) => {
          const poll = setInterval(() => {
            if (ticks() >= passes) {
              clearInterval(poll);
              setTimeout(() => { r(true); }, Math.floor(Math.random() * 30));
            }
          }, 5);
          void done.then(() => { clearInterval(poll); });
        });
        const killed = await Promise.race([done.then(() => false), working]);
        if (killed) {
          child.kill('SIGKILL');
          await done;
          kills += 1;
          continue;
        }
        finished = await done;
      } else {
        finished = await done;
      }
    }
    expect(finished, outputs.join('\n---\n').slice(-3000)).toBe(true);

    const db = t ? t.db : await openPgliteDb(dataDir);
    try {
      const orders = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM work_order');
      expect(orders.rows[0]?.n).toBe(TARGET_ORDERS);
      const rows = await db.query<{ id: number; channel: string; status: string }>('SELECT id, channel, status FROM notify_outbox ORDER BY id');
      expect(rows.rows.every((r) => r.status === 'sent')).toBe(true);
      const webhookKeys = rows.rows.filter((r) => r.channel === 'webhook').map((r) => `yunjian-outbox-${String(r.id)}`);
      expect(webhookKeys).toHaveLength(TARGET_ORDERS);
      // At least once: every entry reached the server; exactly once after dedup, nothing extra.
      expect(new Set(received)).toEqual(new Set(webhookKeys));
      const inApp = rows.rows.filter((r) => r.channel === 'in_app').length;
      const notes = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notification');
      expect(notes.rows[0]?.n).toBe(inApp);
      expect(inApp).toBe(TARGET_ORDERS);
    } finally {
      if (!t) await db.close();
    }
  }, 240_000);
});
