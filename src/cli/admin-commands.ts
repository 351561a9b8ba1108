import type { Command } from 'commander';
import { verifyAuditLog } from '../audit/index.ts';
import { restoreBackup, writeBackup } from '../backup/index.ts';
import { userRoles, type UserRole } from '../auth/index.ts';
import { loadConfig } from '../config/index.ts';
import { buildServices, openStorage } from '../main.ts';
import { systemClock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { generatePassword, systemContext } from './bootstrap.ts';

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openStorage(config);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

export function registerAdminCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit.command('verify')
    .description('walk the hash chain and report the first broken link (exit 1 when broken)')
    .action(async () => {
      const verdict = await withDb((db) => verifyAuditLog(db));
      if (verdict.ok) {
        process.stdout.write(`audit log intact: ${verdict.entries} entries verified\n`);
      } else {
        process.stdout.write(`audit log BROKEN at entry ${verdict.brokenAt}: ${verdict.reason}\n`);
        process.exitCode = 1;
      }
    });

  program.command('backup <file>')
    .description('write a portable backup (gzip NDJSON) of the whole database')
    .action(async (file: string) => {
      const r = await withDb((db) => writeBackup(db, file, systemClock.now()));
      process.stdout.write(`backup written to ${file}: ${r.tables} tables, ${r.rows} rows\n`);
    });

  program.command('restore <file>')
    .description('restore a backup into an empty database (PGlite or PostgreSQL, either direction)')
    .action(async (file: string) => {
      const r = await withDb((db) => restoreBackup(db, file));
      process.stdout.write(`restored ${r.rows} rows into ${r.tables} tables from ${file}\n`);
    });

  const user = program.command('user').description('accounts, for recovery when no administrator can sign in');
  user.command('create <username>')
    .description('create a user with a role over an org unit; prints a one-time password')
    .requiredOption('--role <role>', `one of ${userRoles.join(', ')}`)
    .requiredOption('--org <code>', 'org unit code of the grant (and the user’s home org unit)')
    .option('--name <displayName>', 'display name')
    .action(async (username: string, opts: { role: string; org: string; name?: string }) => {
      if (!(userRoles as readonly string[]).includes(opts.role)) throw new Error(`--role must be one of ${userRoles.join(', ')}`);
      await withDb(async (db) => {
        const services = buildServices(db, loadConfig());
        const org = await services.orgs.require(opts.org);
        const ctx = systemContext(systemClock.now());
        const password = generatePassword();
        const created = await services.accounts.createUser(ctx, { username, displayName: opts.name ?? username, orgUnitId: org.id, initialPassword: password });
        await services.accounts.grant(ctx, created.id, opts.role as UserRole, org);
        process.stdout.write(`created ${username} (${opts.role} of ${org.code}); one-time password: ${password}\n`);
      });
    });
  user.command('reset-password <username>')
    .description('set a new one-time password and unlock the account')
    .action(async (username: string) => {
      await withDb(async (db) => {
        const services = buildServices(db, loadConfig());
        const record = await services.accounts.findUserByUsername(username);
        if (!record) throw new Error(`no user ${username}`);
        const password = generatePassword();
        await services.auth.resetPassword(systemContext(systemClock.now()), record.id, password);
        process.stdout.write(`new one-time password for ${username}: ${password}\n`);
      });
    });
}
