import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookHeaders, webhookKey } from './channels.ts';

/**
 * The receiver's side of the Standard Webhooks scheme without any library, as the README shows it:
 * recompute `v1,` + base64 HMAC-SHA256(key, `id.timestamp.body`), compare in constant time, and
 * refuse a timestamp more than `toleranceSeconds` from the receiver's clock and an id already seen.
 */
function verify(key: Uint8Array, body: string, headers: Record<string, string>, nowSeconds: number, seen: Set<string>, toleranceSeconds = 300): 'ok' | 'bad-signature' | 'stale' | 'replay' {
  const id = headers['webhook-id'] ?? '';
  const timestamp = Number(headers['webhook-timestamp']);
  const expected = Buffer.from(`v1,${createHmac('sha256', key).update(`${id}.${String(timestamp)}.${body}`).digest('base64')}`);
  const matches = (headers['webhook-signature'] ?? '').split(' ').some((sig) => {
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return 'bad-signature';
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return 'stale';
  if (seen.has(id)) return 'replay';
  seen.add(id);
  return 'ok';
}

const sentAt = new Date('2026-11-23T01:00:00Z');
const sentSeconds = sentAt.getTime() / 1000;
const body = JSON.stringify({ idempotencyKey: 'yunjian-outbox-7', title: '工单 #1 新工单' });

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs id, timestamp and body; a receiver verifies once and refuses a replay, a stale copy and a changed body', () => {
    const headers = webhookHeaders('hooksecret', 'yunjian-outbox-7', sentAt, body);
    expect(headers['webhook-id']).toBe('yunjian-outbox-7');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const key = new TextEncoder().encode('hooksecret');
    const seen = new Set<string>();
    expect(verify(key, body, headers, sentSeconds + 2, seen)).toBe('ok');
    expect(verify(key, body, headers, sentSeconds + 3, seen)).toBe('replay');
    expect(verify(key, body, headers, sentSeconds + 301, new Set())).toBe('stale');
    expect(verify(key, body.replace('#1', '#2'), headers, sentSeconds, new Set())).toBe('bad-signature');
    // A replay with a fresh timestamp cannot be forged: the timestamp is signed.
    expect(verify(key, body, { ...headers, 'webhook-timestamp': String(sentSeconds + 600) }, sentSeconds + 600, new Set())).toBe('bad-signature');
    expect(verify(new TextEncoder().encode('other'), body, headers, sentSeconds, new Set())).toBe('bad-signature');
  });

  it('takes a whsec_ secret as base64, any other as its UTF-8 bytes', () => {
    const raw = Buffer.from('0123456789abcdef0123456789abcdef');
    expect(Buffer.from(webhookKey(`whsec_${raw.toString('base64')}`)).equals(raw)).toBe(true);
    expect(Buffer.from(webhookKey('密钥-secret')).toString('utf8')).toBe('密钥-secret');
    const headers = webhookHeaders('密钥-secret', 'id-1', sentAt, body);
    expect(verify(new TextEncoder().encode('密钥-secret'), body, headers, sentSeconds, new Set())).toBe('ok');
  });
});
