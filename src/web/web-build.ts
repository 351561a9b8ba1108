import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keeps `web/dist` in step with the console's sources: it is rebuilt when missing or when any
 * source file is newer than the stamp written by the last successful build. The build goes to a
 * temporary folder first and is swapped in, so a server reading `web/dist` never sees a half
 * written bundle.
 */
export interface WebBuildResult {
  readonly built: boolean;
  readonly reason: 'fresh' | 'missing' | 'stale' | 'no-sources';
  readonly distDir: string;
}

export interface WebBuildOptions {
  /** The repository root (the folder holding `web/`). */
  readonly root: string;
  /** Rebuild even when the stamp says the bundle is fresh. */
  readonly force?: boolean;
  /** Progress lines ("building the web console…"); silent when absent. */
  readonly log?: (line: string) => void;
}

const stampName = '.build-stamp.json';

/** The newest modification time (ms) among the console's sources; null when there are none. */
export function newestSourceMtime(webDir: string): number | null {
  const files = [join(webDir, 'index.html'), join(webDir, 'vite.config.ts'), join(webDir, 'tsconfig.json')].filter((f) => existsSync(f));
  const srcDir = join(webDir, 'src');
  if (!existsSync(srcDir)) return null;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(srcDir);
  return files.reduce((max, f) => Math.max(max, statSync(f).mtimeMs), 0);
}

/** Why the bundle in `distDir` needs building, or 'fresh'. */
export function webBuildState(webDir: string): WebBuildResult['reason'] {
  const newest = newestSourceMtime(webDir);
  if (newest === null) return 'no-sources';
  const distDir = join(webDir, 'dist');
  const stampFile = join(distDir, stampName);
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(stampFile)) return 'missing';
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { sourceMtimeMs?: unknown };
    return typeof stamp.sourceMtimeMs === 'number' && stamp.sourceMtimeMs >= newest ? 'fresh' : 'stale';
  } catch {
    return 'stale';
  }
}

let running: Promise<WebBuildResult> | null = null;

/** Builds the console with Vite when `web/dist` is missing or older than its sources. */
export function ensureWebBuilt(options: WebBuildOptions): Promise<WebBuildResult> {
  // One build at a time in this process; concurrent callers share it.
  running ??= buildIfNeeded(options).finally(() => { running = null; });
  return running;
}

async function buildIfNeeded(options: WebBuildOptions): Promise<WebBuildResult> {
  const webDir = join(options.root, 'web');
  const distDir = join(webDir, 'dist');
  const state = webBuildState(webDir);
  if (state === 'no-sources') return { built: false, reason: state, distDir };
  if (state === 'fresh' && options.force !== true) return { built: false, reason: state, distDir };
  const vite = await loadVite();
  if (!vite) {
    // A production install (`npm ci --omit=dev`) has no build tools: it serves the bundle that
    // `npm run build` made before, and says so when the sources look newer.
    if (state !== 'missing') {
      options.log?.('the web console build tools are not installed (production install); serving web/dist as built');
      return { built: false, reason: state, distDir };
    }
    throw new Error('The web console is not built and its build tools are not installed: run `npm install` and `npm run build` first.');
  }
  const sourceMtimeMs = newestSourceMtime(webDir) ?? 0;
  options.log?.(`building the web console (${state === 'fresh' ? 'forced' : state})…`);
  // Scratch space under node_modules/.cache: same file system as web/dist (so the swap is a
  // rename) and ignored by git even when a build is interrupted.
  const scratch = join(options.root, 'node_modules', '.cache', 'yunjian-web');
  mkdirSync(scratch, { recursive: true });
  const tmpDir = join(scratch, `dist-${process.pid}-${Date.now()}`);
  try {
    await vite.build({
      root: webDir,
      configFile: join(webDir, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmpDir, emptyOutDir: true },
    });
    writeFileSync(join(tmpDir, stampName), `${JSON.stringify({ sourceMtimeMs, builtAt: new Date().toISOString() })}\n`);
    swapInto(tmpDir, distDir, scratch);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  options.log?.('web console built');
  return { built: true, reason: state, distDir };
}

/** Vite, when the development dependencies are installed; null in a production install. */
async function loadVite(): Promise<typeof import('vite') | null> {
  try {
    return await import('vite');
  } catch (error) {
    if (isCode(error, 'ERR_MODULE_NOT_FOUND')) return null;
    throw error;
  }
}

/** Replaces `distDir` by `fresh`. A concurrent build by another process may win the race; its bundle is as fresh as ours. */
function swapInto(fresh: string, distDir: string, scratch: string): void {
  const old = join(scratch, `old-${process.pid}-${Date.now()}`);
  try {
    renameSync(distDir, old);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
  try {
    renameSync(fresh, distDir);
  } catch (error) {
    if (!isCode(error, 'ENOTEMPTY') && !isCode(error, 'EEXIST')) throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
