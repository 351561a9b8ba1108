import { describe, expect, it } from 'vitest';
import { defaultUserChannels, dingtalkBody, idempotencyKey, MAX_ATTEMPTS, retryDelayMs, wecomBody, type NotificationPayload } from './message.ts';

const payload: NotificationPayload = { event: 'workorder.created', orderId: '7', severity: 2, title: '工单 #7', text: '门诊候诊时间超标' };

describe('channel messages', () => {
  it('formats the WeCom robot markdown message', () => {
    expect(wecomBody(payload)).toEqual({ msgtype: 'markdown', markdown: { content: '**工单 #7**\n\n门诊候诊时间超标' } });
  });

  it('formats the DingTalk robot markdown message with a title', () => {
    expect(dingtalkBody(payload)).toEqual({ msgtype: 'markdown', markdown: { title: '工单 #7', text: '**工单 #7**\n\n门诊候诊时间超标' } });
  });

  it('mails severity 1–2 by default and keeps 3–4 in-app', () => {
    expect(defaultUserChannels(1)).toEqual(['in_app', 'email']);
    expect(defaultUserChannels(4)).toEqual(['in_app']);
  });

  it('backs off exponentially up to an hour', () => {
    expect(retryDelayMs(1)).toBe(30_000);
    expect(retryDelayMs(2)).toBe(60_000);
    expect(retryDelayMs(MAX_ATTEMPTS)).toBe(3_600_000);
  });

  it('derives a stable idempotency key from the outbox id', () => {
    expect(idempotencyKey(42)).toBe('yunjian-outbox-42');
  });
});
