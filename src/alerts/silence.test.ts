import { describe, expect, it } from 'vitest';
import { alertLabels, isSilenced, MATCHER_PATTERN_MAX_LENGTH, matchesAll, parseSilence, silencedBy, type Matcher, type Silence, type SilenceableAlert } from './silence.ts';

const alert: SilenceableAlert = { ruleCode: 'wait_high', orgUnit: 'D1', category: 'outpatient', severity: 3, orgPath: ['G', 'H1', 'D1'], labels: { pack: 'default' } };
const silence = (matchers: readonly Matcher[], patch: Partial<Silence> = {}): Silence => ({
  id: 's1',
  matchers,
  startsAt: '2026-03-02T00:00:00Z',
  endsAt: '2026-03-03T00:00:00Z',
  createdBy: 'analyst1',
  reason: '系统升级变更窗口',
  ...patch,
});
const NOW = new Date('2026-03-02T12:00:00Z');

describe('silences', () => {
  it('matches on rule, org unit, category, severity, org path and rule labels', () => {
    expect(alertLabels(alert)).toEqual({ pack: 'default', ruleCode: 'wait_high', orgUnit: 'D1', orgPath: 'G/H1/D1', category: 'outpatient', severity: '3' });
  });

  it.each<[string, readonly Matcher[], boolean]>([
    ['= on the rule', [{ name: 'ruleCode', op: '=', value: 'wait_high' }], true],
    ['= on another rule', [{ name: 'ruleCode', op: '=', value: 'abandon' }], false],
    ['!= on another org unit', [{ name: 'orgUnit', op: '!=', value: 'D2' }], true],
    ['=~ anchored regex on the org path', [{ name: 'orgPath', op: '=~', value: 'G/H1(/.*)?' }], true],
    ['=~ does not match a substring', [{ name: 'orgPath', op: '=~', value: 'H1' }], false],
    ['!~ excludes matching values', [{ name: 'category', op: '!~', value: 'out.*' }], false],
    ['all matchers must match', [{ name: 'ruleCode', op: '=', value: 'wait_high' }, { name: 'severity', op: '=', value: '1' }], false],
    ['a rule label', [{ name: 'pack', op: '=', value: 'default' }], true],
    ['an absent label reads as empty', [{ name: 'team', op: '=', value: '' }, { name: 'ruleCode', op: '=', value: 'wait_high' }], true],
  ])('%s', (_name, matchers, expected) => {
    expect(isSilenced(alert, [silence(matchers)], NOW)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['before the start', '2026-03-01T23:59:59Z', false],
    ['at the start', '2026-03-02T00:00:00Z', true],
    ['at the end (exclusive)', '2026-03-03T00:00:00Z', false],
  ])('is active %s: %s', (_name, now, expected) => {
    expect(isSilenced(alert, [silence([{ name: 'ruleCode', op: '=', value: 'wait_high' }])], new Date(now))).toBe(expected);
  });

  it('names every silence that applies', () => {
    const m: readonly Matcher[] = [{ name: 'ruleCode', op: '=', value: 'wait_high' }];
    expect(silencedBy(alert, [silence(m, { id: 'a' }), silence(m, { id: 'b', endsAt: '2026-03-02T01:00:00Z' }), silence(m, { id: 'c' })], NOW)).toEqual(['a', 'c']);
  });
});

describe('parseSilence', () => {
  const valid = silence([{ name: 'ruleCode', op: '=', value: 'wait_high' }]);
  it('accepts a valid silence', () => {
    expect(parseSilence(valid)).toEqual({ ok: true, silence: valid });
  });

  it.each<[string, unknown, string]>([
    ['no matchers', { ...valid, matchers: [] }, '/matchers'],
    ['a matcher that matches everything', { ...valid, matchers: [{ name: 'ruleCode', op: '=~', value: '.*' }] }, '/matchers'],
    ['an invalid regex', { ...valid, matchers: [{ name: 'ruleCode', op: '=~', value: '(' }] }, '/matchers/0/value'],
    ['an unknown operator', { ...valid, matchers: [{ name: 'ruleCode', op: '~', value: 'a' }] }, '/matchers/0/op'],
    ['an end before the start', { ...valid, endsAt: '2026-03-01T00:00:00Z' }, '/endsAt'],
    ['an unreadable start', { ...valid, startsAt: 'soon' }, '/startsAt'],
    ['no reason', { ...valid, reason: '' }, '/reason'],
    ['no creator', { ...valid, createdBy: undefined }, '/createdBy'],
    ['a back-reference (needs a backtracking engine)', { ...valid, matchers: [{ name: 'ruleCode', op: '=~', value: '(a+)\\1' }] }, '/matchers/0/value'],
    ['a look-ahead (needs a backtracking engine)', { ...valid, matchers: [{ name: 'ruleCode', op: '=~', value: '(?=wait).*_high' }] }, '/matchers/0/value'],
    ['an overlong pattern', { ...valid, matchers: [{ name: 'ruleCode', op: '=~', value: 'a'.repeat(MATCHER_PATTERN_MAX_LENGTH + 1) }] }, '/matchers/0/value'],
  ])('rejects %s', (_name, json, path) => {
    const r = parseSilence(json);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(path);
  });
});

/**
 * Patterns that take a backtracking engine exponential time on a non-matching input: `(.*)*Z` took
 * 10 s on a 29-character rule code and hung the process at 35. Under RE2 each is a linear scan, so
 * these inputs (far past where backtracking would never return) are answered at once; before the
 * engine change this test never finishes.
 */
describe('regex matchers run in linear time', () => {
  const long = 'a'.repeat(5000);
  it.each(['(.*)*Z', '(a+)+Z', '(a|a)*Z', '(a|aa)+Z', '(.*a){20}Z', '(\\w+\\s?)*Z', '([a-z]+)*[0-9]'])('%s on 5,000 characters', (pattern) => {
    const parsed = parseSilence(silence([{ name: 'ruleCode', op: '=~', value: pattern }]));
    expect(parsed.ok).toBe(true);
    expect(matchesAll([{ name: 'ruleCode', op: '=~', value: pattern }], { ruleCode: long })).toBe(false);
    expect(matchesAll([{ name: 'ruleCode', op: '!~', value: pattern }], { ruleCode: long })).toBe(true);
    expect(matchesAll([{ name: 'ruleCode', op: '=~', value: pattern }], { ruleCode: `${long}Z` })).toBe(pattern.endsWith('Z'));
  });

  it('keeps RE2 syntax: classes, alternation, Unicode', () => {
    expect(matchesAll([{ name: 'orgUnit', op: '=~', value: '(H1|H2)-[A-Z]+-\\d{2}' }], { orgUnit: 'H2-ICU-07' })).toBe(true);
    expect(matchesAll([{ name: 'orgUnit', op: '=~', value: '\\p{Han}+科' }], { orgUnit: '心内科' })).toBe(true);
  });

  it('a stored pattern that RE2 refuses never matches', () => {
    expect(matchesAll([{ name: 'ruleCode', op: '=~', value: '(a)\\1' }], { ruleCode: 'aa' })).toBe(false);
  });
});
