import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgedCount, createIngestClient, retryAfterMs } from './ingest-client.ts';

interface Seen {
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly lines: number;
}

/** A real HTTP server whose answers are scripted per test. */
let script: ((req: IncomingMessage, res: ServerResponse, body: string) => void)[] = [];
const seen: Seen[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    seen.push({ contentType: req.headers['content-type'], authorization: req.headers.authorization, lines: body.split('\n').filter(Boolean).length });
    const answer =
      script.shift() ??
      ((_q, r) => {
        r.writeHead(200).end();
      });
    answer(req, res, body);
  });
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => { resolve(); })));

const lines = ['{"id":"a"}', '{"id":"b"}', '{"id":"c"}'];
const noSleep = () => Promise.resolve();

describe('ingest client', () => {
  it('posts NDJSON with the bearer token and counts the acknowledged records', async () => {
    script = [(_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":2,"duplicates":0,"rejected":1}')];
    seen.length = 0;
    const result = await createIngestClient({ url, token: 'tok', sleep: noSleep }).postBatch(lines);
    expect(seen[0]).toEqual({ contentType: 'application/x-ndjson', authorization: 'Bearer tok', lines: 3 });
    expect(result).toMatchObject({ sent: 3, acknowledged: 2, attempts: 1, status: 200 });
  });

  it('honours Retry-After on 503 and 429, then succeeds', async () => {
    const waits: number[] = [];
    script = [
      (_q, r) => r.writeHead(503, { 'retry-after': '2' }).end(),
      (_q, r) => r.writeHead(429, { 'retry-after': '0' }).end(),
      (_q, r) => r.writeHead(202).end(),
    ];
    const result = await createIngestClient({ url, token: 't', sleep: (ms) => (waits.push(ms), Promise.resolve()) }).postBatch(lines);
    expect(waits).toEqual([2000, 0]);
    expect(result).toMatchObject({ acknowledged: 3, attempts: 3 });
  });

  it('does not retry a client error', async () => {
    script = [(_q, r) => r.writeHead(401).end('{"code":"AUTH_REQUIRED"}')];
    const result = await createIngestClient({ url, token: 'bad', sleep: noSleep }).postBatch(lines);
    expect(result).toMatchObject({ acknowledged: 0, attempts: 1, status: 401 });
    expect(result.error).toMatch(/401/);
  });

  it('retries network errors with growing backoff and reports the failure', async () => {
    const waits: number[] = [];
    const result = await createIngestClient({ url: 'http://127.0.0.1:1', token: 't', maxAttempts: 4, baseBackoffMs: 100, sleep: (ms) => (waits.push(ms), Promise.resolve()) }).postBatch(lines);
    expect(waits).toEqual([100, 200, 400]);
    expect(result).toMatchObject({ sent: 3, acknowledged: 0, attempts: 4 });
    expect(result.error).toMatch(/network/);
  });

  it('refuses batches over 1000 events', async () => {
    await expect(createIngestClient({ url, token: 't' }).postBatch(new Array<string>(1001).fill('{}'))).rejects.toThrow(/1000/);
  });
});

describe('response helpers', () => {
  it.each([
    ['5', 5000],
    ['0', 0],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 10_000],
    ['', undefined],
    ['soon', undefined],
  ])('reads Retry-After %j as %j ms', (header, expected) => {
    expect(retryAfterMs(header, 0)).toBe(expected);
  });

  it.each([
    [{ accepted: 7, duplicates: 2 }, 10, 9],
    [{ accepted: 4 }, 10, 4],
    [{ ok: true }, 10, 10],
    [undefined, 10, 10],
  ])('counts %j of %i as %i acknowledged', (body, sent, expected) => {
    expect(acknowledgedCount(body, sent)).toBe(expected);
  });
});
