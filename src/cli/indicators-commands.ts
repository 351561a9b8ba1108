import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { createIndicatorCatalog } from '../indicators/catalog-service.ts';
import { createIndicatorDefinitionsService } from '../indicators/definitions-service.ts';
import { createIndicatorRebuildService, type RebuildOptions } from '../indicators/rollup-service.ts';
import { openStorage } from '../main.ts';
import { nextPeriod, parsePeriodKey, systemClock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { systemContext } from './bootstrap.ts';

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openStorage(loadConfig());
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** A bound given as an ISO instant or a period key ('2026-11', in the default zone): its start for --from, through its end for --to. */
function boundOf(raw: string, option: '--from' | '--to'): Date {
  const period = parsePeriodKey(raw);
  if (period) return option === '--from' ? period.start : nextPeriod(period.start, period.grain);
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new Error(`${option} must be an ISO-8601 instant or a period key such as 2026-11`);
  return new Date(ms);
}

export function registerIndicatorsCommands(program: Command): void {
  const indicators = program.command('indicators').description('indicator definitions and roll-ups');

  indicators.command('rebuild')
    .description('recompute roll-ups from the raw event table (all history, or the buckets touching --from/--to)')
    .option('--from <when>', 'start: ISO instant or period key (e.g. 2026-01)')
    .option('--to <when>', 'end: exclusive ISO instant, or a period key included to its end')
    .option('--indicator <code...>', 'only these indicators')
    .action(async (opts: { from?: string; to?: string; indicator?: string[] }) => {
      const options: RebuildOptions = {
        ...(opts.from === undefined ? {} : { from: boundOf(opts.from, '--from') }),
        ...(opts.to === undefined ? {} : { to: boundOf(opts.to, '--to') }),
        ...(opts.indicator === undefined ? {} : { indicators: opts.indicator }),
      };
      const started = Date.now();
      const result = await withDb(async (db) => {
        const catalog = createIndicatorCatalog();
        await createIndicatorDefinitionsService({ db, catalog }).installLibrary(systemContext(systemClock.now()));
        return createIndicatorRebuildService({ db, catalog }).rebuild(options);
      });
      process.stdout.write(
        `rebuilt roll-ups: ${String(result.eventsRead)} events and ${String(result.manualValues)} manual values replayed, ` +
          `${String(result.deletedRows)} rows replaced, in ${String(Date.now() - started)} ms\n`,
      );
    });

  indicators.command('install-library')
    .description('install or upgrade the shipped indicator library (idempotent)')
    .action(async () => {
      const r = await withDb((db) => createIndicatorDefinitionsService({ db, catalog: createIndicatorCatalog() }).installLibrary(systemContext(systemClock.now())));
      process.stdout.write(`library: ${String(r.installed.length)} installed, ${String(r.upgraded.length)} upgraded\n`);
    });
}
