import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDb } from '../store/index.ts';
import { systemClock } from '../shared/index.ts';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { createScheduler } from './scheduler.ts';

const quiet = { error: () => undefined, info: () => undefined };
const waitFor = async (condition: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe(`scheduler on ${testBackend}`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.drop());

  it('runs due jobs and keeps going when one of them fails', async () => {
    const runs: string[] = [];
    const scheduler = createScheduler({
      db: t.db, clock: systemClock, logger: quiet, tickMs: 5,
      jobs: [
        { name: 'broken', everyMs: 1, run: () => Promise.reject(new Error('boom')) },
        { name: 'counter', everyMs: 1, run: () => { runs.push('counter'); return Promise.resolve(); } },
      ],
    });
    scheduler.start();
    await waitFor(() => runs.length >= 3);
    await scheduler.stop();
    expect(scheduler.isLeader()).toBe(false);
  });

  it('lets exactly one of two processes run the jobs, and hands over when it stops', async () => {
    if (t.url === undefined) return; // one PGlite database belongs to one process
    const second = openPostgresDb(t.url);
    const runsA: number[] = [];
    const runsB: number[] = [];
    const a = createScheduler({ db: t.db, clock: systemClock, logger: quiet, tickMs: 5, jobs: [{ name: 'j', everyMs: 1, run: () => { runsA.push(1); return Promise.resolve(); } }] });
    const b = createScheduler({ db: second, clock: systemClock, logger: quiet, tickMs: 5, jobs: [{ name: 'j', everyMs: 1, run: () => { runsB.push(1); return Promise.resolve(); } }] });
    a.start();
    await waitFor(() => runsA.length >= 2);
    b.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(runsB).toHaveLength(0);
    await a.stop();
    await waitFor(() => runsB.length >= 2);
    expect(b.isLeader()).toBe(true);
    await b.stop();
    await second.close();
  });
});
