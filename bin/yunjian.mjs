#!/usr/bin/env node
// The yunjian command. Sources are TypeScript run through tsx's loader, so there is no build
// step to forget or to go stale between `git pull` and `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
