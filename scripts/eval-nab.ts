/**
 * Runs the anomaly detector over the Numenta Anomaly Benchmark subset and scores it with the
 * benchmark's own scorer. One configuration for every file, one pass per series in order, and the
 * labels are only handed to the scorer.
 *
 *   npm run eval:nab -- --nab DIR [--data DIR] [--labels FILE] [--out DIR] [--config JSON]
 *
 * Besides the whole corpus it scores two fixed halves of it (split by a hash of the file name, see
 * `halfOf`): design choices are made on half A and checked on half B, the guard against fitting
 * the detector to the files at hand. The last line is one JSON object: the three profiles' scores
 * on the whole corpus, then `halfA` and `halfB` with the same keys.
 *
 * The benchmark folder (`--nab`, or the YUNJIAN_NAB_DIR environment variable; there is no
 * default) holds `data/<category>/*.csv`, `labels/combined_windows.json` and the scorer
 * `score.mjs` (NAB's scoring, dependency-free). The series and labels are those of the Numenta
 * Anomaly Benchmark (https://github.com/numenta/NAB, MIT licence): `data/` and
 * `labels/combined_windows.json` of that repository; the development team's copy, a 20-file
 * subset with its scorer, is described in docs/anomaly.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDetector, stepDetector, type DetectorConfig } from '../src/rules/anomaly/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  readonly root: string;
  readonly data: string;
  readonly labels: string;
  readonly out: string;
  readonly config: Partial<DetectorConfig>;
}

const USAGE = 'usage: eval-nab --nab DIR [--data DIR] [--labels FILE] [--out DIR] [--config JSON] (or set YUNJIAN_NAB_DIR; see docs/anomaly.md)';

function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (!['--nab', '--data', '--labels', '--out', '--config'].includes(flag) || value === undefined) {
      throw new Error(`${USAGE} (bad: ${flag})`);
    }
    values.set(flag, value);
    i += 1;
  }
  const nab = values.get('--nab') ?? process.env['YUNJIAN_NAB_DIR'];
  if (nab === undefined || nab === '') throw new Error(`the benchmark folder is required: ${USAGE}`);
  const root = resolve(process.cwd(), nab);
  const data = resolve(process.cwd(), values.get('--data') ?? join(root, 'data'));
  return {
    root,
    data,
    labels: resolve(process.cwd(), values.get('--labels') ?? join(root, 'labels', 'combined_windows.json')),
    out: resolve(repoRoot, values.get('--out') ?? 'test-results/nab'),
    config: JSON.parse(values.get('--config') ?? '{}') as Partial<DetectorConfig>,
  };
}

/** NAB timestamps are naive local times; reading them as UTC keeps hour and weekday intact. */
function parseTimestamp(text: string): number {
  const [date = '', time = '00:00:00'] = text.trim().split(/[ T]/);
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0, s = 0] = time.split(':').map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function scoreFile(path: string, config: Partial<DetectorConfig>): string {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const out = ['timestamp,anomaly_score'];
  let state = createDetector(config);
  for (const line of lines.slice(1)) {
    const [ts = '', value = ''] = line.split(',');
    const step = stepDetector(state, { timestamp: parseTimestamp(ts), value: Number(value) });
    state = step.state;
    out.push(`${ts},${step.score.toFixed(6)}`);
  }
  return out.join('\n') + '\n';
}

/** FNV-1a of the file's `category/name`: a fixed split of the corpus into two halves that does not
 * depend on the files' content, so design choices are made on one half (A) and checked on the
 * other (B) as well as on the whole. */
function halfOf(rel: string): 'A' | 'B' {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(rel, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h % 2 === 0 ? 'A' : 'B';
}

type Summary = Record<string, number | null>;

function score(root: string, out: string, labels: string, extra: readonly string[]): { text: string; summary: Summary } {
  const args = [join(root, 'score.mjs'), out, '--nab-root', root, '--windows', labels, ...extra];
  const text = execFileSync(process.execPath, args, { encoding: 'utf8' }).trimEnd();
  const json = JSON.parse(execFileSync(process.execPath, [...args, '--json', '-q'], { encoding: 'utf8' })) as {
    profiles: Record<string, { normalized: number | null }>;
  };
  const summary = Object.fromEntries(
    Object.entries(json.profiles).map(([name, p]) => [name, p.normalized === null ? null : Math.round(p.normalized * 100) / 100]),
  );
  return { text, summary };
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  // The benchmark's timestamps carry no zone; one setting (UTC) for every file.
  const config: Partial<DetectorConfig> = { utcOffsetMinutes: 0, ...opts.config };
  const started = performance.now();
  const halves = { A: join(opts.out, 'half-A'), B: join(opts.out, 'half-B') };
  const all = join(opts.out, 'all');
  for (const category of readdirSync(opts.data, { withFileTypes: true })) {
    if (!category.isDirectory()) continue;
    for (const dir of [all, halves.A, halves.B]) mkdirSync(join(dir, category.name), { recursive: true });
    for (const file of readdirSync(join(opts.data, category.name)).filter((f) => f.endsWith('.csv')).sort()) {
      const scored = scoreFile(join(opts.data, category.name, file), config);
      writeFileSync(join(all, category.name, file), scored);
      writeFileSync(join(halves[halfOf(`${category.name}/${file}`)], category.name, file), scored);
    }
  }
  console.log(`detector ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const whole = score(opts.root, all, opts.labels, ['--per-file']);
  console.log(whole.text);
  const summary: Record<string, number | null | Summary> = { ...whole.summary };
  for (const [name, dir] of Object.entries(halves)) {
    // Each half is scored on its own (normalised over its files, threshold swept on it).
    const half = score(opts.root, dir, opts.labels, ['--allow-missing', '-q']);
    console.log(`\nhalf ${name} (${readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.csv')).length} files): ${JSON.stringify(half.summary)}`);
    summary[`half${name}`] = half.summary;
  }
  console.log(JSON.stringify(summary));
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
