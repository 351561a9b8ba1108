import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ensureWebBuilt } from '../web/index.ts';

/** The repository root (the folder holding web/), wherever the command is run from. */
export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `yunjian build-web`: builds the console into web/dist when it is missing or stale (or always, with --force). */
export function registerWebCommands(program: Command): void {
  program.command('build-web')
    .description('build the web console into web/dist when it is missing or older than its sources')
    .option('--force', 'build even when the bundle is fresh')
    .action(async (opts: { force?: boolean }) => {
      const started = Date.now();
      const result = await ensureWebBuilt({ root: repositoryRoot, force: opts.force === true, log: (line) => { process.stdout.write(`${line}\n`); } });
      const line = result.built
        ? `web console built into ${result.distDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`
        : result.reason === 'no-sources' ? 'no web console sources (web/src) here; nothing to build' : `web console in ${result.distDir} is up to date`;
      process.stdout.write(`${line}\n`);
    });
}
