/**
 * The pseudonymisation key: YUNJIAN_PSEUDONYM_KEY (config.pseudonymKey) when set, otherwise a
 * random 32-byte key kept in `<data folder>/pseudonym.key`, created at first start with mode 0600.
 * The key is never logged. Several processes sharing one PostgreSQL must share the key: set
 * YUNJIAN_PSEUDONYM_KEY (or YUNJIAN_PSEUDONYM_KEY_FILE) for them.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { AppError } from '../shared/index.ts';

const MIN_KEY_BYTES = 16;
export const PSEUDONYM_KEY_FILE = 'pseudonym.key';

export function loadPseudonymKey(config: Pick<Config, 'pseudonymKey' | 'dataDir'>): Uint8Array {
  if (config.pseudonymKey !== undefined) {
    const key = Buffer.from(config.pseudonymKey, 'utf8');
    if (key.byteLength < MIN_KEY_BYTES) {
      throw new AppError('CONFIG_INVALID', `YUNJIAN_PSEUDONYM_KEY must be at least ${MIN_KEY_BYTES} bytes`, { variable: 'YUNJIAN_PSEUDONYM_KEY' });
    }
    return new Uint8Array(key);
  }
  const file = join(config.dataDir, PSEUDONYM_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      // 'wx': two processes starting together cannot overwrite each other's key.
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.byteLength < MIN_KEY_BYTES) {
    throw new AppError('CONFIG_INVALID', `${file} does not hold a key of at least ${MIN_KEY_BYTES} bytes`, { file });
  }
  return new Uint8Array(key);
}
