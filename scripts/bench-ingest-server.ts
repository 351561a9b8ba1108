/**
 * The server the ingest benchmark drives: what `yunjian serve` runs (every module, the roll-up
 * and rule-engine ingest consumers, the scheduler when its role is on), on the simulated hospital
 * group's org tree, with the simulator's sources registered. Their tokens are written to
 * `<YUNJIAN_DATA>/bench-sources.json` ({ code: secret }). With BENCH_LIBRARY=off the indicator
 * library and rule packs are not installed (the "bare" figure: the consumers find nothing to do);
 * otherwise they are, as `installCatalogues` does at every start of serve and demo.
 * Prints `listening <url>` once it accepts requests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installCatalogues, systemContext } from '../src/cli/bootstrap.ts';
import { loadConfig } from '../src/config/index.ts';
import { seedDemoOrganisation } from '../src/demo/demo-seed.ts';
import { buildHttpApp, createLogger, openStorage } from '../src/main.ts';
import { createScheduler } from '../src/scheduler/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { simulatedSources } from '../src/simulator/index.ts';

const config = loadConfig();
const logger = createLogger(config);
const db = await openStorage(config);
const { app, services, runtime } = await buildHttpApp(db, config, systemClock, logger);
const ctx = systemContext(systemClock.now());
await seedDemoOrganisation(services, ctx.now);
if (process.env.BENCH_LIBRARY !== 'off') await installCatalogues(services, runtime);

const tokens: Record<string, string> = {};
const existing = new Set((await runtime.sources.list(['/'])).map((s) => s.name));
for (const spec of simulatedSources()) {
  if (existing.has(spec.code)) continue;
  const org = await services.orgs.require(spec.orgUnit);
  const { secret } = await runtime.sources.register(ctx, org, { name: spec.code, allowedTypes: spec.eventTypes, cadence: null }, null);
  tokens[spec.code] = secret;
}
writeFileSync(join(config.dataDir, 'bench-sources.json'), JSON.stringify(tokens), { mode: 0o600 });

const scheduler = config.roles.includes('scheduler') ? createScheduler({ db, clock: systemClock, jobs: runtime.jobs, logger }) : null;
const url = await app.listen({ host: config.host, port: config.port });
scheduler?.start();
process.stdout.write(`listening ${url}\n`);
process.once('SIGTERM', () => {
  void Promise.all([app.close(), scheduler?.stop()]).then(() => db.close()).then(() => process.exit(0));
});
