import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables } from './config.ts';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('starts with exactly the two commands: install-and-demo, then test', () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks.slice(0, 2)).toEqual(['npm install && npm run demo', 'npm test']);
  });

  it('documents every configuration variable with its default', () => {
    for (const variable of configVariables) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable.name}\``));
      expect(row, variable.name).toBeDefined();
      expect(row).toContain(variable.default.startsWith('(') ? variable.default : `\`${variable.default}\``);
    }
  });
});
