/**
 * What a notification says and how each channel wants it: the pure half of the channels.
 * WeCom group robot: `{"msgtype":"markdown","markdown":{"content":…}}`; DingTalk group robot:
 * `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`; generic webhook: the payload as JSON.
 */
export type ChannelKind = 'in_app' | 'email' | 'wecom' | 'dingtalk' | 'webhook';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['in_app', 'email', 'wecom', 'dingtalk', 'webhook'];
export type UserChannel = 'in_app' | 'email';
export type GroupChannel = 'wecom' | 'dingtalk' | 'webhook';

export interface NotificationPayload {
  /** The change that caused it, e.g. `workorder.created`, `workorder.escalated`. */
  readonly event: string;
  readonly orderId: string | null;
  readonly severity: 1 | 2 | 3 | 4;
  readonly title: string;
  /** Plain text with light markdown (bold, line breaks); safe for every channel. */
  readonly text: string;
}

const SEVERITY_LABEL: Readonly<Record<1 | 2 | 3 | 4, string>> = { 1: '特别重大', 2: '重大', 3: '较大', 4: '一般' };

export function severityLabel(severity: 1 | 2 | 3 | 4): string {
  return SEVERITY_LABEL[severity];
}

/** The markdown body robots show: a bold title line, then the text. */
export function markdownOf(p: NotificationPayload): string {
  return `**${p.title}**\n\n${p.text}`;
}

export function wecomBody(p: NotificationPayload): { msgtype: 'markdown'; markdown: { content: string } } {
  return { msgtype: 'markdown', markdown: { content: markdownOf(p) } };
}

export function dingtalkBody(p: NotificationPayload): { msgtype: 'markdown'; markdown: { title: string; text: string } } {
  return { msgtype: 'markdown', markdown: { title: p.title, text: markdownOf(p) } };
}

/** Default per-user channels when a user has set no preference: in-app always, e-mail for 1–2. */
export function defaultUserChannels(severity: 1 | 2 | 3 | 4): UserChannel[] {
  return severity <= 2 ? ['in_app', 'email'] : ['in_app'];
}

/** The idempotency key sent with every delivery of an outbox row (header, Message-ID). */
export function idempotencyKey(outboxId: number): string {
  return `yunjian-outbox-${String(outboxId)}`;
}

/**
 * Retry delay after the n-th failed attempt (n ≥ 1): 30 s doubling up to 1 h, so a channel that
 * is down for a while is retried steadily without hammering it.
 */
export function retryDelayMs(attempt: number): number {
  const base = 30_000 * 2 ** Math.max(0, attempt - 1);
  return Math.min(base, 3_600_000);
}

/** Attempts before a row is given up as failed (about a day of retries). */
export const MAX_ATTEMPTS = 30;
