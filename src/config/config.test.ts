import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses documented defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv/yunjian');
    expect(config).toMatchObject({ dataDir: '/srv/yunjian/data', databaseUrl: undefined, host: '127.0.0.1', port: 8080 });
    expect(config.roles).toEqual(['api', 'ingest', 'engine', 'scheduler']);
  });

  it('reads a secret from NAME_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yj-config-'));
    const file = join(dir, 'db-url');
    writeFileSync(file, 'postgres://u:secret@db/yunjian\n');
    expect(loadConfig({ DATABASE_URL_FILE: file }).databaseUrl).toBe('postgres://u:secret@db/yunjian');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ YUNJIAN_COOKIE_SECURE: 'maybe' }, /YUNJIAN_COOKIE_SECURE must be true or false/],
    [{ YUNJIAN_ROLES: 'api,cron' }, /unknown role "cron"/],
    [{ DATABASE_URL_FILE: '/nonexistent/file' }, /cannot read/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
