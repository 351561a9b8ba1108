/**
 * A server entry for the ingest crash test and the benchmark: what `yunjian serve` runs, plus the
 * ingest and sources modules (until main.ts wires them), plus a seeded source whose token secret
 * is written to `<YUNJIAN_DATA>/source.token`. Prints `listening <url>` once it accepts requests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src/app.ts';
import { bootstrapInstallation, systemContext } from '../../src/cli/bootstrap.ts';
import { loadConfig } from '../../src/config/index.ts';
import { loadPseudonymKey } from '../../src/ingest/pseudonym-key-service.ts';
import { buildServices, openStorage } from '../../src/main.ts';
import { systemClock } from '../../src/shared/index.ts';
import { buildIngest } from './ingest-app.ts';

const config = loadConfig();
const db = await openStorage(config);
const services = buildServices(db, config);
await bootstrapInstallation(services, systemClock.now());
const write = (obj: object, msg: string) => { process.stderr.write(`${msg} ${JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? v.message : v))}\n`); };
const built = buildIngest({ db, accounts: services.accounts, clock: systemClock, key: loadPseudonymKey(config), log: { warn: write, error: write } });

const root = (await services.orgs.listRoots())[0];
if (root === undefined) throw new Error('no root org unit');
const existing = (await built.sources.list([root.path])).find((s) => s.name === 'load');
if (existing === undefined) {
  const { secret } = await built.sources.register(systemContext(systemClock.now()), root, { name: 'load', allowedTypes: ['visit', 'charge'], cadence: null }, null);
  writeFileSync(join(config.dataDir, 'source.token'), secret, { mode: 0o600 });
}

const app = await createApp({ config, db, clock: systemClock, ...services, modules: built.modules });
const url = await app.listen({ host: config.host, port: config.port });
process.stdout.write(`listening ${url}\n`);
process.once('SIGTERM', () => { void app.close().then(() => db.close()).then(() => process.exit(0)); });
