import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import type { ChannelSenders } from './channels.ts';
import { defaultUserChannels, idempotencyKey, MAX_ATTEMPTS, retryDelayMs, type NotificationPayload, type UserChannel } from './message.ts';
import * as repo from './outbox-repo.ts';

/** What a change asks to be told, inside the change's transaction. */
export interface Notification {
  /** Unique per change (e.g. the timeline entry): the outbox refuses a second row for it. */
  readonly eventKey: string;
  readonly orderId: string | null;
  /** Org path of the subject: group channels on it or above receive it. */
  readonly orgPath: string;
  readonly userIds: readonly string[];
  /** Whether group robots and webhooks covering the org unit receive it too. */
  readonly toGroupChannels: boolean;
  readonly payload: NotificationPayload;
}

/**
 * Writes notifications to the outbox in the caller's transaction: one row per recipient and
 * channel (the user's preference for the severity, or the default), plus one per group channel.
 */
export async function enqueueNotification(tx: Queryable, n: Notification, now: Date): Promise<number> {
  const known = await repo.knownUsers(tx, n.userIds);
  const prefs = await repo.readPreferences(tx, [...known]);
  let rows = 0;
  for (const userId of [...known].sort()) {
    const channels = prefs.get(userId)?.get(n.payload.severity) ?? defaultUserChannels(n.payload.severity);
    for (const channel of channels) {
      if (await repo.insertOutbox(tx, { eventKey: n.eventKey, recipient: userId, channel, orderId: n.orderId, payload: n.payload, now })) rows += 1;
    }
  }
  if (n.toGroupChannels) {
    for (const c of await repo.channelsCovering(tx, n.orgPath, n.payload.severity)) {
      if (await repo.insertOutbox(tx, { eventKey: n.eventKey, recipient: `channel:${String(c.id)}`, channel: c.kind, orderId: n.orderId, payload: n.payload, now })) {
        rows += 1;
      }
    }
  }
  return rows;
}

export function createNotifyService(deps: { db: Db }) {
  const { db } = deps;
  return {
    inbox: (userId: number, unreadOnly: boolean, limit: number) => repo.listInbox(db, userId, unreadOnly, limit),
    markRead: (userId: number, ids: readonly number[] | 'all', now: Date) => repo.markRead(db, userId, ids, now),
    deliveries: (orderId: string) => repo.listDeliveries(db, orderId),

    async preferences(userId: number): Promise<{ severity: number; channels: UserChannel[]; isDefault: boolean }[]> {
      const mine = (await repo.readPreferences(db, [String(userId)])).get(String(userId));
      return ([1, 2, 3, 4] as const).map((severity) => {
        const set = mine?.get(severity);
        return { severity, channels: set ?? defaultUserChannels(severity), isDefault: set === undefined };
      });
    },

    async setPreference(ctx: ActionContext, userId: number, severity: number, channels: readonly UserChannel[]): Promise<void> {
      const unique = [...new Set(channels)];
      await db.transaction(async (tx) => {
        await repo.writePreference(tx, userId, severity, unique);
        await appendAudit(tx, ctx.actor, { action: 'notify.preferenceChanged', targetKind: 'user', targetId: String(userId), summary: { severity, channels: unique } }, ctx.now);
      });
    },

    listChannels: (scopePaths: readonly string[]) => repo.listChannels(db, scopePaths),
    findChannel: (id: number) => repo.findChannel(db, id),

    async createChannel(
      ctx: ActionContext,
      c: { orgUnitId: number; kind: repo.GroupChannelRow['kind']; name: string; url: string; secret: string | null; maxSeverity: number },
    ): Promise<repo.GroupChannelRow> {
      const id = await db.transaction(async (tx) => {
        const created = await repo.insertChannel(tx, { ...c, now: ctx.now });
        await appendAudit(tx, ctx.actor, {
          action: 'notify.channelCreated', targetKind: 'notify_channel', targetId: String(created), orgUnitId: c.orgUnitId,
          summary: { kind: c.kind, name: c.name, maxSeverity: c.maxSeverity },
        }, ctx.now);
        return created;
      });
      const row = await repo.findChannel(db, id);
      if (!row) throw new Error('channel vanished after insert');
      return row;
    },

    async setChannelActive(ctx: ActionContext, channel: repo.GroupChannelRow, active: boolean): Promise<void> {
      await db.transaction(async (tx) => {
        await repo.setChannelActive(tx, channel.id, active);
        await appendAudit(tx, ctx.actor, {
          action: active ? 'notify.channelEnabled' : 'notify.channelDisabled', targetKind: 'notify_channel', targetId: String(channel.id), summary: {},
        }, ctx.now);
      });
    },
  };
}

export type NotifyService = ReturnType<typeof createNotifyService>;

export interface DispatchDeps {
  readonly db: Db;
  readonly senders: ChannelSenders;
  /** How long a claim lasts before another dispatcher may retry the row (default 2 min). */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly everyMs?: number;
}

export interface DispatchResult {
  readonly sent: number;
  readonly failed: number;
}

async function deliver(deps: DispatchDeps, row: repo.OutboxRow, now: Date): Promise<void> {
  const key = idempotencyKey(row.id);
  switch (row.channel) {
    case 'in_app':
      return; // written in the marking transaction
    case 'email': {
      const to = await repo.userEmail(deps.db, row.recipient);
      if (to === null) throw new Error('the recipient has no e-mail address');
      return deps.senders.email(to, row.payload, key);
    }
    case 'wecom':
    case 'dingtalk':
    case 'webhook': {
      const channel = await repo.findChannel(deps.db, Number(row.recipient.replace('channel:', '')));
      if (!channel) throw new Error('the channel no longer exists');
      if (row.channel === 'wecom') return deps.senders.wecom(channel.url, row.payload, key);
      if (row.channel === 'dingtalk') return deps.senders.dingtalk(channel.url, channel.secret, row.payload, key, now);
      return deps.senders.webhook(channel.url, channel.secret, row.payload, key, now);
    }
  }
}

/** One pass: claim due rows, send each, record the outcome (sent, or retry with backoff). */
export async function dispatchDue(deps: DispatchDeps, now: Date): Promise<DispatchResult> {
  const rows = await repo.claimDue(deps.db, now, deps.leaseMs ?? 120_000, deps.batchSize ?? 50);
  let sent = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      await deliver(deps, row, now);
      await deps.db.transaction(async (tx) => {
        if (row.channel === 'in_app') {
          await repo.insertInApp(tx, { outboxId: row.id, userId: row.recipient, orderId: row.orderId, title: row.payload.title, body: row.payload.text, at: now });
        }
        await repo.markSent(tx, row.id, now);
        await repo.logDelivery(tx, row.id, row.attempts, true, 'sent', now);
      });
      sent += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = row.attempts >= MAX_ATTEMPTS;
      await deps.db.transaction(async (tx) => {
        await repo.markRetry(tx, row.id, message, new Date(now.getTime() + retryDelayMs(row.attempts)), giveUp);
        await repo.logDelivery(tx, row.id, row.attempts, false, message, now);
      });
      failed += 1;
    }
  }
  return { sent, failed };
}

/** The scheduler job that drains the outbox. */
export function createNotificationDispatchJob(deps: DispatchDeps): ScheduledJob {
  return {
    name: 'notify.dispatch',
    everyMs: deps.everyMs ?? 5_000,
    async run(now) {
      // Drain in batches so a backlog clears in one run, bounded so a run never spins forever.
      for (let i = 0; i < 20; i += 1) {
        const r = await dispatchDue(deps, now);
        if (r.sent + r.failed < (deps.batchSize ?? 50)) return;
      }
    },
  };
}
