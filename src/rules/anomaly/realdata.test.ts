import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDetector, defaultDetectorConfig, stepDetector } from './detector.ts';

/**
 * The detector on a real operational series written by others: daily ambulance responses of South
 * Western Ambulance Service (2013-12-30 … 2019-12-31, see the shared data's README). With no
 * calendar for England loaded, New Year's Day spikes (about five robust SD) must be found while
 * ordinary days stay quiet. Reads the folder from YUNJIAN_REALDATA_DIR (the folder holding
 * `swast-ambulance/`); skipped, visibly, when it is unset.
 */
const dir = process.env['YUNJIAN_REALDATA_DIR'];

function trustSeries(root: string): { date: string; value: number }[] {
  const text = readFileSync(join(root, 'swast-ambulance', 'swast_daily_responses_by_area.csv'), 'utf8');
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','))
    .filter((cols) => cols[2] === 'Trust')
    .map((cols) => ({ date: cols[0] ?? '', value: Number(cols[1]) }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

describe.runIf(dir !== undefined)(`anomaly detector on real ambulance demand${dir === undefined ? ' (skipped: YUNJIAN_REALDATA_DIR is unset)' : ''}`, () => {
  it("finds the New Year's Day spikes of the Trust total and keeps ordinary days quiet", () => {
    const points = trustSeries(dir ?? '');
    expect(points.length).toBeGreaterThan(2000);
    let state = createDetector({ utcOffsetMinutes: 0 });
    const alarms: string[] = [];
    for (const p of points) {
      const step = stepDetector(state, { timestamp: Date.parse(`${p.date}T00:00:00Z`), value: p.value });
      state = step.state;
      if (step.score >= defaultDetectorConfig.alarmScore) {
        alarms.push(p.date);
        expect(step.kind).toBe('spike');
        expect(step.observed).toBeGreaterThan(step.expected.high);
      }
    }
    expect(alarms).toEqual(expect.arrayContaining(['2016-01-01', '2018-01-01']));
    // Every alarm is a New Year's Eve or Day: six years of ordinary days raise none.
    expect(alarms.filter((d) => !d.endsWith('-12-31') && !d.endsWith('-01-01'))).toEqual([]);
  });
});
