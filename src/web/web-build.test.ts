import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureWebBuilt, newestSourceMtime, webBuildState } from './web-build.ts';

let root: string;
let web: string;
const at = (iso: string) => new Date(iso);

function write(path: string, text: string, mtime: Date) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  utimesSync(path, mtime, mtime);
}

function stamp(sourceMtimeMs: number) {
  write(join(web, 'dist', 'index.html'), '<!doctype html>', at('2026-11-23T10:00:00Z'));
  write(join(web, 'dist', '.build-stamp.json'), JSON.stringify({ sourceMtimeMs }), at('2026-11-23T10:00:00Z'));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'yj-build-'));
  web = join(root, 'web');
  write(join(web, 'index.html'), '<div id="app"></div>', at('2026-11-20T08:00:00Z'));
  write(join(web, 'vite.config.ts'), 'export default {};', at('2026-11-20T08:00:00Z'));
  write(join(web, 'src', 'main.ts'), '', at('2026-11-21T08:00:00Z'));
  write(join(web, 'src', 'pages', 'Overview.vue'), '', at('2026-11-22T08:00:00Z'));
});

afterEach(() => { rmSync(root, { recursive: true, force: true }); });

describe('web build state', () => {
  it('takes the newest modification time among index.html, the Vite config and everything under src', () => {
    expect(newestSourceMtime(web)).toBe(at('2026-11-22T08:00:00Z').getTime());
  });

  it('needs a build when the bundle or its stamp is missing', () => {
    expect(webBuildState(web)).toBe('missing');
    write(join(web, 'dist', 'index.html'), '<!doctype html>', at('2026-11-23T10:00:00Z'));
    expect(webBuildState(web)).toBe('missing');
  });

  it('is fresh when the stamp covers the newest source and stale once a source changes', () => {
    stamp(at('2026-11-22T08:00:00Z').getTime());
    expect(webBuildState(web)).toBe('fresh');
    write(join(web, 'src', 'pages', 'Overview.vue'), 'changed', at('2026-11-23T09:00:00Z'));
    expect(webBuildState(web)).toBe('stale');
  });

  it('counts a changed Vite config or index.html as stale too', () => {
    stamp(at('2026-11-22T08:00:00Z').getTime());
    write(join(web, 'vite.config.ts'), 'export default { base: "/" };', at('2026-11-23T09:00:00Z'));
    expect(webBuildState(web)).toBe('stale');
  });

  it('treats an unreadable stamp as stale', () => {
    stamp(0);
    write(join(web, 'dist', '.build-stamp.json'), 'not json', at('2026-11-23T10:00:00Z'));
    expect(webBuildState(web)).toBe('stale');
  });

  it('leaves an installation without console sources alone', async () => {
    rmSync(join(web, 'src'), { recursive: true });
    expect(webBuildState(web)).toBe('no-sources');
    await expect(ensureWebBuilt({ root })).resolves.toEqual({ built: false, reason: 'no-sources', distDir: join(web, 'dist') });
  });

  it('does not rebuild a fresh bundle', async () => {
    stamp(at('2026-11-22T08:00:00Z').getTime());
    await expect(ensureWebBuilt({ root })).resolves.toEqual({ built: false, reason: 'fresh', distDir: join(web, 'dist') });
  });
});
