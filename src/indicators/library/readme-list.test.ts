import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIBRARY, withLibraryList } from './index.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('the README list of library indicators', () => {
  it('is the one generated from the definitions (run npm run docs:indicators after changing the library)', () => {
    expect(withLibraryList(readme)).toBe(readme);
  });

  it('names every library indicator once', () => {
    for (const d of LIBRARY) expect(readme.split(`| \`${d.code}\` |`).length - 1, d.code).toBe(1);
  });

  it('refuses a README without the markers', () => {
    expect(() => withLibraryList('# no list here')).toThrow(/indicator-library:start/);
  });
});
