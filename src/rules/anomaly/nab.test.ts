import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDetector, defaultDetectorConfig, stepDetector } from './detector.ts';

/**
 * The detector on the Numenta Anomaly Benchmark's artificial daily-pattern series (five-minute
 * points, a daily busy block whose edges fall inside an hour, one labelled anomaly window each).
 * Reads the benchmark folder from YUNJIAN_NAB_DIR (see docs/anomaly.md); skipped, visibly, when
 * it is unset. The whole benchmark is scored by `npm run eval:nab`.
 */
const dir = process.env['YUNJIAN_NAB_DIR'];

const FILES = ['art_daily_jumpsup.csv', 'art_daily_jumpsdown.csv', 'art_daily_nojump.csv', 'art_daily_flatmiddle.csv'];

describe.runIf(dir !== undefined)(`anomaly detector on NAB's daily-pattern series${dir === undefined ? ' (skipped: YUNJIAN_NAB_DIR is unset)' : ''}`, () => {
  const root = dir ?? '';
  const windows = (): Record<string, [string, string][]> =>
    JSON.parse(readFileSync(join(root, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const at = (text: string): number => Date.parse(`${text.trim().replace(' ', 'T').slice(0, 19)}Z`);

  it.each(FILES.filter((f) => dir === undefined || existsSync(join(root, 'data', 'artificialWithAnomaly', f))))(
    'alarms first inside the anomaly window of %s, never before it, and at most twice after it (the days after an odd day)',
    (file) => {
      const rows = readFileSync(join(root, 'data', 'artificialWithAnomaly', file), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
      const [window] = windows()[`artificialWithAnomaly/${file}`] ?? [];
      expect(window).toBeDefined();
      const [from, to] = [at(window?.[0] ?? ''), at(window?.[1] ?? '')];
      // NAB's learning period: the first 15 % of the rows are not scored.
      const learning = Math.floor(0.15 * rows.length);
      let state = createDetector({ utcOffsetMinutes: 0 });
      const alarms: number[] = [];
      rows.forEach((cols, i) => {
        const t = at(cols[0] ?? '');
        const step = stepDetector(state, { timestamp: t, value: Number(cols[1]) });
        state = step.state;
        if (i >= learning && step.score >= defaultDetectorConfig.alarmScore) alarms.push(t);
      });
      const inside = alarms.filter((t) => t >= from && t <= to);
      expect(inside.length).toBeGreaterThan(0);
      expect(alarms.filter((t) => t < from)).toEqual([]);
      expect(alarms.filter((t) => t > to).length).toBeLessThanOrEqual(2);
    },
  );
});
