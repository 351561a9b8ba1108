import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCommand } from '../cli/simulate-command.ts';
import { INCIDENT_KINDS } from './incidents.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yunjian-sim-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const range = ['--from', '2025-03-03T00:00:00+08:00', '--to', '2025-03-04T00:00:00+08:00', '--scale', '0.05'];

describe('yunjian simulate', () => {
  it('writes NDJSON to a file and the incident labels beside it', async () => {
    const out = join(dir, 'events.ndjson');
    const labels = join(dir, 'labels.json');
    await simulateCommand().parseAsync([...range, '--seed', '3', '--out', out, '--labels', labels], { from: 'user' });
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(first).toHaveProperty('id');
    expect(first).toHaveProperty('occurredAt');
    const parsed = JSON.parse(await readFile(labels, 'utf8')) as unknown[];
    expect(parsed).toHaveLength(INCIDENT_KINDS.length);
  });

  it('writes no labels with --no-incidents and keeps only one source with --source', async () => {
    const out = join(dir, 'cc.ndjson');
    const labels = join(dir, 'none.json');
    await simulateCommand().parseAsync([...range, '--no-incidents', '--source', 'CC-SWITCH', '--out', out, '--labels', labels], { from: 'user' });
    const events = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.length).toBeGreaterThan(10);
    expect(events.every((e) => e.type === 'call' || e.type === 'complaint')).toBe(true);
    expect(JSON.parse(await readFile(labels, 'utf8'))).toEqual([]);
  });

  it('posts batches of at most the batch size to the server and acknowledges them all', async () => {
    const batches: number[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const n = body.split('\n').filter(Boolean).length;
        batches.push(n);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: n }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await simulateCommand().parseAsync([...range, '--to-url', url, '--token', 't', '--batch-size', '200', '--clients', '2'], { from: 'user' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    }
    expect(batches.length).toBeGreaterThan(1);
    expect(Math.max(...batches)).toBeLessThanOrEqual(200);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
