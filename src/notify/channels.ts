import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { Webhook } from 'standardwebhooks';
import { dingtalkBody, markdownOf, wecomBody, type NotificationPayload } from './message.ts';

/**
 * Senders for the external channels. Every delivery carries the outbox row's idempotency key
 * (`Idempotency-Key` header on HTTP, `Message-ID` on e-mail): a delivery repeated after a crash
 * between sending and recording it carries the same key, so a receiver that dedups on it sees
 * the notification exactly once. WeCom and DingTalk robots ignore the header (a repeat there
 * shows twice); the generic webhook and mail systems that keep Message-IDs dedup on it.
 */
export interface ChannelSenders {
  email(to: string, payload: NotificationPayload, key: string): Promise<void>;
  wecom(url: string, payload: NotificationPayload, key: string): Promise<void>;
  dingtalk(url: string, secret: string | null, payload: NotificationPayload, key: string, now: Date): Promise<void>;
  webhook(url: string, secret: string | null, payload: NotificationPayload, key: string, now: Date): Promise<void>;
}

export interface ChannelSendersConfig {
  /** `YUNJIAN_SMTP_URL`, e.g. smtp://user:pass@mail.example.org:587; without it e-mail fails (and is retried). */
  readonly smtpUrl?: string | undefined;
  /** `YUNJIAN_SMTP_FROM`; defaults to yunjian@localhost. */
  readonly mailFrom?: string | undefined;
  readonly timeoutMs?: number;
}

/** DingTalk's robot signature: base64(HMAC-SHA256(secret, timestamp + "\n" + secret)). */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${String(timestampMs)}\n${secret}`).digest('base64');
}

/**
 * The HMAC key of a webhook channel's secret under the Standard Webhooks scheme: a `whsec_…`
 * secret is base64 after the prefix (as the spec and its libraries generate them); any other
 * secret is used as its UTF-8 bytes, so a receiver verifies with the text it was given.
 */
export function webhookKey(secret: string): Uint8Array {
  return secret.startsWith('whsec_') ? Uint8Array.from(Buffer.from(secret.slice('whsec_'.length), 'base64')) : new TextEncoder().encode(secret);
}

/**
 * Standard Webhooks headers (https://www.standardwebhooks.com): `webhook-id` (the outbox row's
 * idempotency key, the same on every retry), `webhook-timestamp` (Unix seconds of this attempt)
 * and `webhook-signature` = `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. Signing the id and
 * the time lets a receiver refuse a replay: an old timestamp is out of its tolerance, a seen id
 * is a repeat.
 */
export function webhookHeaders(secret: string, id: string, now: Date, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(webhookKey(secret), { format: 'raw' }).sign(id, now, body),
  };
}

function robotErrcode(text: string): unknown {
  try {
    return (JSON.parse(text) as { errcode?: unknown }).errcode ?? 0;
  } catch {
    return 0;
  }
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, robot: boolean): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${String(res.status)}: ${text.slice(0, 200)}`);
  if (robot) {
    // Robots answer 200 with {"errcode":0,"errmsg":"ok"}; anything else is a refusal.
    if (robotErrcode(text) !== 0) throw new Error(`robot refused: ${text.slice(0, 200)}`);
  }
}

export function createChannelSenders(config: ChannelSendersConfig): ChannelSenders {
  const timeoutMs = config.timeoutMs ?? 10_000;
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  return {
    async email(to, payload, key) {
      if (!transport) throw new Error('e-mail is not configured (YUNJIAN_SMTP_URL)');
      await transport.sendMail({
        from: config.mailFrom ?? 'yunjian@localhost',
        to,
        subject: payload.title,
        text: markdownOf(payload),
        messageId: `<${key}@yunjian>`,
        headers: { 'Idempotency-Key': key },
      });
    },
    async wecom(url, payload, key) {
      await post(url, JSON.stringify(wecomBody(payload)), { 'idempotency-key': key }, timeoutMs, true);
    },
    async dingtalk(url, secret, payload, key, now) {
      let target = url;
      if (secret !== null && secret !== '') {
        const timestamp = now.getTime();
        const u = new URL(url);
        u.searchParams.set('timestamp', String(timestamp));
        u.searchParams.set('sign', dingtalkSign(secret, timestamp));
        target = u.toString();
      }
      await post(target, JSON.stringify(dingtalkBody(payload)), { 'idempotency-key': key }, timeoutMs, true);
    },
    async webhook(url, secret, payload, key, now) {
      const body = JSON.stringify({ idempotencyKey: key, ...payload });
      const headers: Record<string, string> = { 'idempotency-key': key, ...(secret !== null && secret !== '' ? webhookHeaders(secret, key, now, body) : {}) };
      await post(url, body, headers, timeoutMs, false);
    },
  };
}
