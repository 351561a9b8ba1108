import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/index.ts';
import { buildRuntime, openStorage } from '../main.ts';
import { renderBulletinHtml, renderBulletinXlsx } from '../reports/index.ts';
import { systemClock } from '../shared/index.ts';
import { systemContext } from './bootstrap.ts';

/** `yunjian report generate`: writes a bulletin of a period to a file (a new version when its figures changed). */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('weekly and monthly bulletins');
  report.command('generate')
    .description('generate the bulletin of a template for a period and write it as HTML or XLSX')
    .requiredOption('--template <code>', 'bulletin template code')
    .requiredOption('--period <key>', 'period: an ISO week (2026-W48) for a weekly template, a month (2026-11) for a monthly one')
    .option('--scope <code>', 'the template\'s org unit (checked, for scripts that name it)')
    .option('--format <format>', 'html or xlsx', 'html')
    .option('--lang <locale>', 'zh-CN or en', 'zh-CN')
    .requiredOption('--out <file>', 'file to write')
    .action(async (opts: { template: string; period: string; scope?: string; format: string; lang: string; out: string }) => {
      if (opts.format !== 'html' && opts.format !== 'xlsx') throw new Error('--format must be html or xlsx');
      if (opts.lang !== 'zh-CN' && opts.lang !== 'en') throw new Error('--lang must be zh-CN or en');
      const config = loadConfig();
      const db = await openStorage(config);
      try {
        const runtime = buildRuntime(db, config, systemClock, pino({ level: 'silent' }));
        const template = await runtime.reports.requireTemplate(opts.template);
        if (opts.scope !== undefined && opts.scope !== template.orgCode) {
          throw new Error(`template ${template.code} is the bulletin of ${template.orgCode}, not ${opts.scope}`);
        }
        const result = await runtime.reports.generateFor(systemContext(systemClock.now()), template, opts.period);
        const read = await runtime.reports.read(result.record, opts.lang);
        writeFileSync(opts.out, opts.format === 'html' ? renderBulletinHtml(read.document, read.changes) : await renderBulletinXlsx(read.document));
        console.log(`${read.document.title}: version ${String(read.version)}${result.created ? ' (new)' : ''} written to ${opts.out}`);
      } finally {
        await db.close();
      }
    });
}
