import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../cli/bootstrap.ts';
import { buildServices } from '../main.ts';
import { createFakeClock, isAppError } from '../shared/index.ts';
import { openPostgresDb, type Db } from '../store/index.ts';
import { buildIngest, captureLog, testPseudonymKey } from '../../test/support/ingest-app.ts';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { createBatchCommitter, findUnstorableString, lagBucket, LAG_BUCKETS_SECONDS } from './commit-service.ts';
import { loadPseudonymKey } from './pseudonym-key-service.ts';
import { createPseudonymiser } from './pseudonymise.ts';
import { batchCapture, histogramQuantile } from './quality-service.ts';
import { idempotentPseudonymiser, pseudonymiseRawPayload } from './quarantine-service.ts';
import type { Source } from './source-repo.ts';
import type { StoredEvent } from './stored-event.ts';
import type { CanonicalEvent } from './validate.ts';

let t: TestDb;
let built: ReturnType<typeof buildIngest>;
let source: Source;
const clock = createFakeClock('2026-11-23T10:00:00+08:00');
const log = captureLog();
const seen: { inTx: number; after: StoredEvent[][] } = { inTx: 0, after: [] };
let failInTransaction = false;

const ndjson = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');
const visit = (id: string, extra: Record<string, unknown> = {}) => ({
  id, type: 'visit', orgUnit: 'WARD-1', occurredAt: '2026-11-23T09:58:00+08:00', patient: 'P-0001', attributes: { visitId: id, channel: 'offline' }, ...extra,
});

beforeAll(async () => {
  t = await createTestDb();
  const services = buildServices(t.db, { sessionIdleMinutes: 30, sessionMaxHours: 12 });
  const ctx = systemContext(clock.now());
  await services.orgs.create(ctx, { code: 'G', name: '集团', kind: 'group' });
  await services.orgs.create(ctx, { code: 'HOSP', name: '医院', kind: 'hospital', parentCode: 'G' });
  await services.orgs.create(ctx, { code: 'WARD-1', name: '病区一', kind: 'department', parentCode: 'HOSP' });
  await services.orgs.create(ctx, { code: 'OTHER', name: '别院', kind: 'hospital', parentCode: 'G' });
  built = buildIngest({
    db: t.db, accounts: services.accounts, clock, log,
    consumers: [
      {
        name: 'counting',
        async inTransaction(tx, events) {
          const r = await tx.query<{ n: number }>('SELECT count(*)::int8 AS n FROM event WHERE id = ANY ($1::int8[])', [events.map((e) => e.id)]);
          seen.inTx += r.rows[0]?.n ?? 0;
          if (failInTransaction) throw new Error('roll-up failed');
        },
        afterCommit(events) {
          seen.after.push([...events]);
          return Promise.reject(new Error('rule engine hiccup'));
        },
      },
    ],
  });
  const hosp = await services.orgs.require('HOSP');
  source = (await built.sources.register(ctx, hosp, { name: 'HIS', allowedTypes: ['visit', 'charge'], cadence: { kind: 'batches', everyMinutes: 60 } }, null)).source;
}, 60_000);

afterAll(async () => { await t.drop(); });

describe('ingest service', () => {
  it('runs in-transaction consumers on the stored events and logs (does not return) after-commit failures', async () => {
    const report = await built.ingest.ingestEvents(source, 'ndjson', [ndjson(visit('a-1'), visit('a-2'))], clock.now());
    expect(report).toMatchObject({ accepted: 2, issues: [] });
    expect(seen.inTx).toBe(2);
    expect(seen.after.at(-1)?.map((e) => [e.eventId, e.orgUnitCode, e.orgPath.split('/').length])).toEqual([['a-1', 'WARD-1', 5], ['a-2', 'WARD-1', 5]]);
    expect(log.lines.some((l) => l.includes('afterCommit consumer failed') && l.includes('rule engine hiccup'))).toBe(true);
  });

  it('rolls the whole batch back when an in-transaction consumer fails: no events, counters or quarantine', async () => {
    const before = await t.db.query<{ e: number; q: number; c: number }>(
      'SELECT (SELECT count(*) FROM event)::int8 AS e, (SELECT count(*) FROM quarantine)::int8 AS q, (SELECT coalesce(sum(received), 0) FROM source_quality_hour)::int8 AS c',
    );
    failInTransaction = true;
    await expect(built.ingest.ingestEvents(source, 'ndjson', [ndjson(visit('b-1'), { id: 'bad' })], clock.now())).rejects.toThrow('roll-up failed');
    failInTransaction = false;
    const after = await t.db.query('SELECT (SELECT count(*) FROM event)::int8 AS e, (SELECT count(*) FROM quarantine)::int8 AS q, (SELECT coalesce(sum(received), 0) FROM source_quality_hour)::int8 AS c');
    expect(after.rows).toEqual(before.rows);
  });

  it('stores each event exactly once when the same batch is sent concurrently', async () => {
    const body = ndjson(...Array.from({ length: 50 }, (_, i) => visit(`c-${i}`)));
    const reports = await Promise.all([1, 2, 3].map(() => built.ingest.ingestEvents(source, 'ndjson', [body], clock.now())));
    expect(reports.reduce((a, r) => a + r.accepted, 0)).toBe(50);
    expect(reports.reduce((a, r) => a + r.duplicates, 0)).toBe(100);
    const stored = await t.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM event WHERE event_id LIKE 'c-%'`);
    expect(stored.rows[0]?.n).toBe(50);
  });

  it('rejects records for org units outside the source scope and text PostgreSQL cannot store', async () => {
    const report = await built.ingest.ingestEvents(source, 'json', [JSON.stringify([
      visit('d-1', { orgUnit: 'OTHER' }), visit('d-2', { orgUnit: 'NOPE' }), visit('d-3', { attributes: { visitId: 'x\u0000y', channel: 'offline' } }),
      visit('d-4', { attributes: { visitId: '\ud800', channel: 'offline' } }), visit('d-1', { orgUnit: 'WARD-1' }),
    ])], clock.now());
    expect(report.issues.map((i) => [i.index, i.outcome === 'rejected' ? i.code : i.outcome])).toEqual([
      [0, 'INGEST_ORG_UNIT_OUT_OF_SCOPE'], [1, 'INGEST_ORG_UNIT_OUT_OF_SCOPE'], [2, 'INGEST_INVALID_VALUE'], [3, 'INGEST_INVALID_VALUE'],
    ]);
    expect(report.accepted).toBe(1);
  });

  it('reports quality from counters: capture rate per hourly window, timeliness buckets, rejections by code', async () => {
    clock.set('2026-11-23T12:00:00+08:00');
    const q = await built.quality.readSourceQuality(source.id, new Date('2026-11-23T00:00:00+08:00'), new Date('2026-11-23T12:00:00+08:00'));
    // Registered at 10:00: the hourly batches of 10:00 and 11:00 are owed, none from before.
    expect(q).toMatchObject({ sourceName: 'HIS', expected: 2, observed: 1, captureRate: 1 / 2 });
    expect(q?.timeliness.p50Seconds).toBe(120);
    expect(q?.rejectedByCode['INGEST_ORG_UNIT_OUT_OF_SCOPE']).toBe(2);
    expect(await built.quality.readSourceQuality(999_999, new Date(0), new Date())).toBeNull();
  });
  it('commits concurrent batches as one group: one consumer pass, each batch its own outcomes, a failing batch alone refused', async () => {
    const passes: string[][] = [];
    // Counts the statements run outside a transaction (each request's org lookup), to know when requests have queued.
    let lookups = 0;
    const db: Db = {
      backend: t.db.backend,
      query: async (sql, params) => { const r = await t.db.query(sql, params); lookups++; return r as never; },
      transaction: (work) => t.db.transaction(work),
      withAdvisoryLock: (key, work) => t.db.withAdvisoryLock(key, work),
      tryAdvisoryLock: (key) => t.db.tryAdvisoryLock(key),
      exec: (sql) => t.db.exec(sql),
      close: () => t.db.close(),
    };
    const queued = async (n: number) => { await expect.poll(() => lookups).toBe(n); await new Promise((r) => setTimeout(r, 10)); };
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const commit = createBatchCommitter({
      db, log, maxConcurrentCommits: 1,
      consumers: [{
        name: 'grouping',
        inTransaction(_tx, events) {
          passes.push(events.map((e) => e.eventId));
          return Promise.resolve();
        },
        // Holding the first commit after its transaction keeps the group queue busy while the database is free.
        async afterCommit(events) {
          if (events.some((e) => e.eventId === 'g-blocker')) await gate;
        },
      }],
    });
    const ev = (id: string, channel = 'offline'): CanonicalEvent => ({ id, type: 'visit', schemaVersion: 1, orgUnit: 'WARD-1', occurredAt: '2026-11-23T01:00:00.000Z', attributes: { visitId: id, channel } });
    const batch = (...events: CanonicalEvent[]) => events.map((event, index) => ({ index, format: 'event' as const, event }));
    const blocker = commit(source, batch(ev('g-blocker')), clock.now());
    await expect.poll(() => passes.length).toBe(1);
    // While the first transaction waits, three requests queue; they are committed together.
    // Requests reach the queue in whatever order their org lookups finish, so the checks do not depend on it.
    const grouped = await Promise.all([
      commit(source, batch(ev('g-1'), ev('g-2')), clock.now()),
      commit(source, batch(ev('g-2'), ev('g-3')), clock.now()),
      commit(source, batch(ev('g-3'), ev('g-4', 'online')), clock.now()),
      commit(source, batch(ev('g-4')), clock.now()),
      (async () => { await queued(5); release(); })().then(() => null),
    ]);
    await blocker;
    expect(passes.slice(1).map((ids) => [...ids].sort())).toEqual([['g-1', 'g-2', 'g-3', 'g-4']]);
    const outcomes = grouped.flatMap((r) => r?.outcomes.map((o) => `${o.eventId}:${o.outcome}`) ?? []).sort();
    const g4 = outcomes.filter((o) => o.startsWith('g-4:')).sort();
    expect(outcomes.filter((o) => !o.startsWith('g-4:'))).toEqual(['g-1:accepted', 'g-2:accepted', 'g-2:duplicate', 'g-3:accepted', 'g-3:duplicate']);
    expect(g4).toEqual(['g-4:accepted', 'g-4:conflict']);

    // A group whose transaction fails is committed again batch by batch: only the failing batch is refused.
    passes.length = 0;
    let open: () => void = () => undefined;
    const second = new Promise<void>((resolve) => { open = resolve; });
    lookups = 0;
    const gated = createBatchCommitter({ db, log, maxConcurrentCommits: 1, consumers: [{
      name: 'gated',
      inTransaction(_tx, events) {
        passes.push(events.map((e) => e.eventId));
        return events.some((e) => e.eventId === 'g-poison') ? Promise.reject(new Error('poisoned batch')) : Promise.resolve();
      },
      async afterCommit(events) {
        if (events.some((e) => e.eventId === 'h-wait')) await second;
      },
    }] });
    const waiting = gated(source, batch(ev('h-wait')), clock.now());
    await expect.poll(() => passes.length).toBe(1);
    const results = Promise.allSettled([gated(source, batch(ev('h-1')), clock.now()), gated(source, batch(ev('g-poison')), clock.now()), gated(source, batch(ev('h-2')), clock.now())]);
    await queued(4);
    open();
    await waiting;
    const [ok1, poisoned, ok2] = await results;
    const [together, ...alone] = passes.slice(1);
    expect([...(together ?? [])].sort()).toEqual(['g-poison', 'h-1', 'h-2']);
    expect(alone).toEqual((together ?? []).map((id) => [id]));
    expect(ok1?.status === 'fulfilled' && ok1.value.accepted).toBe(1);
    expect(ok2?.status === 'fulfilled' && ok2.value.accepted).toBe(1);
    expect(poisoned?.status === 'rejected' && String(poisoned.reason)).toContain('poisoned batch');
    const stored = await t.db.query<{ event_id: string }>("SELECT event_id FROM event WHERE event_id IN ('h-1', 'h-2', 'g-poison') ORDER BY event_id");
    expect(stored.rows.map((r) => r.event_id)).toEqual(['h-1', 'h-2']);
  });

  it('answers INGEST_STORAGE_UNAVAILABLE when storage is gone, and never reports the batch as accepted', async () => {
    // Runs last: on PGlite it closes the file's shared database (a second in-memory one is slow to start).
    const gone = testBackend === 'postgres' && t.url !== undefined ? openPostgresDb(t.url) : t.db;
    await gone.close();
    const commit = createBatchCommitter({ db: gone, consumers: [], log });
    const event: CanonicalEvent = { id: 'z', type: 'visit', schemaVersion: 1, orgUnit: 'WARD-1', occurredAt: '2026-11-23T01:00:00.000Z', attributes: {} };
    const error = await commit(source, [{ index: 0, format: 'event', event }], clock.now()).then(() => null, (e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('INGEST_STORAGE_UNAVAILABLE');
  });

});

describe('quality arithmetic', () => {
  it('places lags in buckets and reads quantiles as bucket upper bounds', () => {
    expect(lagBucket(-5)).toBe(0);
    expect(lagBucket(120)).toBe(5);
    expect(lagBucket(10 ** 9)).toBe(LAG_BUCKETS_SECONDS.length - 1);
    const hist = LAG_BUCKETS_SECONDS.map((_, i) => (i === 2 ? 90 : i === 10 ? 10 : 0));
    expect([histogramQuantile(hist, 0.5), histogramQuantile(hist, 0.95)]).toEqual([10, 3600]);
    expect(histogramQuantile(hist.map(() => 0), 0.5)).toBeNull();
  });

  it('counts expected windows of a working-hours batch cadence in local time, weekdays only', () => {
    const cadence = { kind: 'batches', everyMinutes: 15, from: '08:00', to: '18:00', weekdaysOnly: true } as const;
    // Friday 2026-11-20 and the weekend after it, Shanghai time.
    const from = new Date('2026-11-20T00:00:00+08:00');
    const until = new Date('2026-11-23T00:00:00+08:00');
    const { expected, observed } = batchCapture(cadence, 'Asia/Shanghai', from, until, [new Date('2026-11-20T08:05:00+08:00'), new Date('2026-11-20T08:10:00+08:00'), new Date('2026-11-21T09:00:00+08:00')]);
    expect({ expected, observed }).toEqual({ expected: 40, observed: 1 });
  });
});

describe('privacy helpers', () => {
  const pseudonymise = createPseudonymiser(testPseudonymKey);

  it('pseudonymises identifying keys, Patient references and Patient resources in a raw payload', () => {
    const out = JSON.stringify(pseudonymiseRawPayload({
      id: 'e1', patient: 'RAW-1', attributes: { doctor: 'D1', nested: { identifier: [{ value: 'RAW-2' }] } },
      subject: { reference: 'Patient/RAW-3' }, note: 'see Patient/RAW-4', resource: { resourceType: 'Patient', id: 'RAW-5', birthDate: '1990-01-01' },
      bad: 'a\u0000b',
    }, pseudonymise));
    for (const raw of ['RAW-1', 'RAW-2', 'RAW-3', 'RAW-4', 'RAW-5', '1990-01-01', '\\u0000']) expect(out).not.toContain(raw);
    expect(out).toContain('"doctor":"D1"');
    expect(out).toContain('Patient/p_');
  });

  it('keeps pseudonyms as they are when re-processing', () => {
    const p = idempotentPseudonymiser(pseudonymise);
    const once = p('RAW-9');
    expect(p(once)).toBe(once);
    expect(findUnstorableString({ a: ['ok', 'x\u0000'] })).toBe('/a/1');
  });
});

describe('loadPseudonymKey', () => {
  it('creates a 0600 key file at first start and reads the same key afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yj-key-'));
    try {
      const first = loadPseudonymKey({ pseudonymKey: undefined, dataDir: dir });
      expect(statSync(join(dir, 'pseudonym.key')).mode & 0o777).toBe(0o600);
      expect(loadPseudonymKey({ pseudonymKey: undefined, dataDir: dir })).toEqual(first);
      expect(first.byteLength).toBe(32);
      expect(readFileSync(join(dir, 'pseudonym.key'), 'utf8').trim()).toBe(Buffer.from(first).toString('base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefers YUNJIAN_PSEUDONYM_KEY and refuses one shorter than 16 bytes', () => {
    expect(Buffer.from(loadPseudonymKey({ pseudonymKey: 'a-long-enough-secret-key', dataDir: '/nonexistent' })).toString()).toBe('a-long-enough-secret-key');
    expect(() => loadPseudonymKey({ pseudonymKey: 'short', dataDir: '/nonexistent' })).toThrow(/at least 16 bytes/);
  });
});
