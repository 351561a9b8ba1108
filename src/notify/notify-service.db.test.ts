import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import { createChannelSenders } from './channels.ts';
import { dispatchDue, enqueueNotification, type Notification } from './notify-service.ts';
import { listOutbox } from './outbox-repo.ts';

interface Captured { path: string; query: URLSearchParams; headers: Record<string, string | string[] | undefined>; body: string }

let t: TestDb;
let http: Server;
let smtp: SMTPServer;
let base = '';
let smtpPort = 0;
const calls: Captured[] = [];
const mails: string[] = [];
let failuresLeft = 0;
let userId = '';
let orgPath = '';
const now = new Date('2026-11-23T01:00:00Z');

beforeAll(async () => {
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      calls.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body });
      if (url.pathname === '/flaky' && failuresLeft > 0) {
        failuresLeft -= 1;
        res.writeHead(503).end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(url.pathname === '/refuse' ? '{"errcode":310000,"errmsg":"keywords not in content"}' : '{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((http.address() as AddressInfo).port)}`;
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => { data += c.toString(); });
      stream.on('end', () => { mails.push(data); callback(); });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  t = await createTestDb();
  const o = await t.db.query<{ id: number }>(`INSERT INTO org_unit (code, name, kind, path) VALUES ('GROUP', 'G', 'group', '/') RETURNING id`);
  const orgId = o.rows[0]?.id ?? 0;
  orgPath = `/${String(orgId)}/`;
  await t.db.query('UPDATE org_unit SET path = $1 WHERE id = $2', [orgPath, orgId]);
  const u = await t.db.query<{ id: number }>(`INSERT INTO app_user (username, display_name, email, org_unit_id, password_hash) VALUES ('lia', 'Lia', 'lia@example.org', $1, 'x') RETURNING id`, [orgId]);
  userId = String(u.rows[0]?.id);
}, 60_000);

afterAll(async () => {
  await t.drop();
  await new Promise((resolve) => http.close(resolve));
  await new Promise((resolve) => { smtp.close(() => { resolve(undefined); }); });
});

const senders = () => createChannelSenders({ smtpUrl: `smtp://127.0.0.1:${String(smtpPort)}`, timeoutMs: 5_000 });

async function channel(kind: string, path: string, secret: string | null, maxSeverity = 4): Promise<number> {
  const r = await t.db.query<{ id: number }>(
    `INSERT INTO notify_channel (org_unit_id, kind, name, url, secret, max_severity, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`,
    [Number(orgPath.replaceAll('/', '')), kind, kind, `${base}${path}`, secret, maxSeverity, now],
  );
  return r.rows[0]?.id ?? 0;
}

async function disableChannels(): Promise<void> {
  await t.db.query('UPDATE notify_channel SET active = false');
}

function note(eventKey: string, severity: 1 | 2 | 3 | 4, toGroupChannels = true): Notification {
  return { eventKey, orderId: null, orgPath, userIds: [userId, 'unassigned'], toGroupChannels, payload: { event: 'workorder.created', orderId: '1', severity, title: '工单 #1 新工单', text: '门诊候诊超时' } };
}

describe('notification channels against local capture servers', () => {
  it('delivers in-app and e-mail with the idempotency key as Message-ID', async () => {
    await t.db.transaction((tx) => enqueueNotification(tx, note('ev-mail', 1, false), now));
    const result = await dispatchDue({ db: t.db, senders: senders() }, now);
    expect(result).toEqual({ sent: 2, failed: 0 });
    const rows = (await listOutbox(t.db)).filter((r) => r.eventKey === 'ev-mail');
    const mailRow = rows.find((r) => r.channel === 'email');
    expect(mails.at(-1)).toContain(`Message-ID: <yunjian-outbox-${String(mailRow?.id)}@yunjian>`);
    expect(mails.at(-1)).toContain('To: lia@example.org');
    const inbox = await t.db.query<{ title: string }>('SELECT title FROM notification WHERE user_id = $1', [userId]);
    expect(inbox.rows.map((r) => r.title)).toEqual(['工单 #1 新工单']);
  });

  it('posts the WeCom and DingTalk markdown formats, signs DingTalk and the generic webhook', async () => {
    await channel('wecom', '/wecom', null);
    await channel('dingtalk', '/dingtalk', 'SECdingsecret');
    await channel('webhook', '/hook', 'hooksecret');
    await channel('webhook', '/never', 'x', 2);
    await t.db.transaction((tx) => enqueueNotification(tx, note('ev-robots', 3), now));
    calls.length = 0;
    expect(await dispatchDue({ db: t.db, senders: senders() }, now)).toEqual({ sent: 4, failed: 0 });
    const wecom = calls.find((c) => c.path === '/wecom');
    expect(JSON.parse(wecom?.body ?? '{}')).toEqual({ msgtype: 'markdown', markdown: { content: '**工单 #1 新工单**\n\n门诊候诊超时' } });
    const ding = calls.find((c) => c.path === '/dingtalk');
    expect(JSON.parse(ding?.body ?? '{}')).toMatchObject({ msgtype: 'markdown', markdown: { title: '工单 #1 新工单' } });
    const ts = ding?.query.get('timestamp') ?? '';
    expect(ts).toBe(String(now.getTime()));
    expect(ding?.query.get('sign')).toBe(createHmac('sha256', 'SECdingsecret').update(`${ts}\nSECdingsecret`).digest('base64'));
    const hook = calls.find((c) => c.path === '/hook');
    expect(hook?.headers['idempotency-key']).toMatch(/^yunjian-outbox-\d+$/);
    expect(hook?.headers['webhook-id']).toBe(hook?.headers['idempotency-key']);
    // A receiver with the Standard Webhooks library verifies at the time of sending and refuses the same request replayed 6 minutes later.
    const header = (name: string): string => {
      const v = hook?.headers[name];
      return typeof v === 'string' ? v : '';
    };
    const received = { body: hook?.body ?? '', headers: { 'webhook-id': header('webhook-id'), 'webhook-timestamp': header('webhook-timestamp'), 'webhook-signature': header('webhook-signature') } };
    const receiver = new Webhook(new TextEncoder().encode('hooksecret'), { format: 'raw' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(now);
      expect(receiver.verify(received.body, received.headers)).toMatchObject({ idempotencyKey: hook?.headers['idempotency-key'], title: '工单 #1 新工单' });
      expect(() => receiver.verify(received.body.replace('门诊', '急诊'), received.headers)).toThrow('No matching signature');
      vi.setSystemTime(now.getTime() + 6 * 60_000);
      expect(() => receiver.verify(received.body, received.headers)).toThrow('timestamp too old');
    } finally {
      vi.useRealTimers();
    }
    expect(calls.some((c) => c.path === '/never')).toBe(false);
    await disableChannels();
  });

  it('retries a failing channel with exponential backoff and logs every attempt', async () => {
    await channel('webhook', '/flaky', 's');
    failuresLeft = 2;
    await t.db.transaction((tx) => enqueueNotification(tx, note('ev-flaky', 4), now));
    expect(await dispatchDue({ db: t.db, senders: senders() }, now)).toEqual({ sent: 1, failed: 1 });
    expect(await dispatchDue({ db: t.db, senders: senders() }, new Date(now.getTime() + 29_000))).toEqual({ sent: 0, failed: 0 });
    expect(await dispatchDue({ db: t.db, senders: senders() }, new Date(now.getTime() + 30_000))).toEqual({ sent: 0, failed: 1 });
    expect(await dispatchDue({ db: t.db, senders: senders() }, new Date(now.getTime() + 89_000))).toEqual({ sent: 0, failed: 0 });
    expect(await dispatchDue({ db: t.db, senders: senders() }, new Date(now.getTime() + 90_000))).toEqual({ sent: 1, failed: 0 });
    const row = (await listOutbox(t.db)).find((r) => r.eventKey === 'ev-flaky' && r.channel === 'webhook');
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    const log = await t.db.query<{ ok: boolean }>('SELECT ok FROM notify_delivery WHERE outbox_id = $1 ORDER BY id', [row?.id]);
    expect(log.rows.map((r) => r.ok)).toEqual([false, false, true]);
    await disableChannels();
  });

  it('refuses a robot answer with a non-zero errcode as a failed attempt', async () => {
    await channel('wecom', '/refuse', null);
    await t.db.transaction((tx) => enqueueNotification(tx, note('ev-refuse', 4), now));
    expect(await dispatchDue({ db: t.db, senders: senders() }, now)).toEqual({ sent: 1, failed: 1 });
    const row = (await listOutbox(t.db)).find((r) => r.eventKey === 'ev-refuse' && r.channel === 'wecom');
    expect(row?.lastError).toContain('310000');
    await disableChannels();
  });

  it('queues an event once per recipient and channel and delivers it exactly once', async () => {
    await channel('webhook', '/once', 'k');
    await t.db.transaction(async (tx) => {
      await enqueueNotification(tx, note('ev-once', 4), now);
      await enqueueNotification(tx, note('ev-once', 4), now);
    });
    expect((await listOutbox(t.db)).filter((r) => r.eventKey === 'ev-once')).toHaveLength(2);
    calls.length = 0;
    await dispatchDue({ db: t.db, senders: senders() }, now);
    await dispatchDue({ db: t.db, senders: senders() }, new Date(now.getTime() + 3_600_000));
    expect(calls.filter((c) => c.path === '/once')).toHaveLength(1);
  });
});
