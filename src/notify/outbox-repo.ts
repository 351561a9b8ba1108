import type { Queryable } from '../store/index.ts';
import type { ChannelKind, GroupChannel, NotificationPayload, UserChannel } from './message.ts';

/** SQL for the outbox, the delivery log, the in-app inbox, preferences and group channels. */
export interface OutboxRow {
  readonly id: number;
  readonly eventKey: string;
  readonly recipient: string;
  readonly channel: ChannelKind;
  readonly orderId: string | null;
  readonly payload: NotificationPayload;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly sentAt: Date | null;
  readonly lastError: string | null;
}

interface Row {
  id: number; event_key: string; recipient: string; channel: ChannelKind; order_id: number | null; payload: NotificationPayload;
  status: 'pending' | 'sent' | 'failed'; attempts: number; sent_at: Date | null; last_error: string | null;
}

function toOutbox(r: Row): OutboxRow {
  return {
    id: r.id, eventKey: r.event_key, recipient: r.recipient, channel: r.channel, orderId: r.order_id === null ? null : String(r.order_id),
    payload: r.payload, status: r.status, attempts: r.attempts, sentAt: r.sent_at, lastError: r.last_error,
  };
}

/** Inserts one row per (event, recipient, channel); a repeat of the same event is ignored. */
export async function insertOutbox(
  tx: Queryable,
  e: { eventKey: string; recipient: string; channel: ChannelKind; orderId: string | null; payload: NotificationPayload; now: Date },
): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO notify_outbox (event_key, recipient, channel, order_id, payload, next_attempt_at, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$6) ON CONFLICT (event_key, recipient, channel) DO NOTHING`,
    [e.eventKey, e.recipient, e.channel, e.orderId, JSON.stringify(e.payload), e.now],
  );
  return r.rowCount === 1;
}

/**
 * Claims due rows for `leaseMs`: a dispatcher that dies mid-send leaves the lease to expire and
 * the row is claimed again (at-least-once; receivers dedup on the idempotency key).
 * SKIP LOCKED lets several dispatchers claim disjoint rows.
 */
export async function claimDue(db: Queryable, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const r = await db.query<Row>(
    `UPDATE notify_outbox SET claimed_until = $2, attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM notify_outbox
       WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
       ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [now, new Date(now.getTime() + leaseMs), limit],
  );
  return r.rows.map(toOutbox).sort((a, b) => a.id - b.id);
}

export async function markSent(tx: Queryable, id: number, now: Date): Promise<void> {
  await tx.query(`UPDATE notify_outbox SET status = 'sent', sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1`, [id, now]);
}

export async function markRetry(tx: Queryable, id: number, error: string, nextAt: Date, giveUp: boolean): Promise<void> {
  await tx.query(`UPDATE notify_outbox SET status = $4, next_attempt_at = $3, claimed_until = NULL, last_error = $2 WHERE id = $1`, [
    id, error.slice(0, 1000), nextAt, giveUp ? 'failed' : 'pending',
  ]);
}

export async function logDelivery(tx: Queryable, outboxId: number, attempt: number, ok: boolean, detail: string, at: Date): Promise<void> {
  await tx.query('INSERT INTO notify_delivery (outbox_id, attempt, at, ok, detail) VALUES ($1,$2,$3,$4,$5)', [outboxId, attempt, at, ok, detail.slice(0, 1000)]);
}

export interface DeliveryRow {
  readonly outboxId: number;
  readonly channel: ChannelKind;
  readonly recipient: string;
  readonly event: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly log: readonly { at: Date; attempt: number; ok: boolean; detail: string }[];
}

/** The delivery log of one work order: every outbox row with its attempts. */
export async function listDeliveries(db: Queryable, orderId: string): Promise<DeliveryRow[]> {
  const rows = await db.query<Row>('SELECT * FROM notify_outbox WHERE order_id = $1 ORDER BY id', [orderId]);
  const ids = rows.rows.map((r) => r.id);
  const log = ids.length === 0 ? { rows: [] } : await db.query<{ outbox_id: number; at: Date; attempt: number; ok: boolean; detail: string }>(
    'SELECT outbox_id, at, attempt, ok, detail FROM notify_delivery WHERE outbox_id = ANY($1::bigint[]) ORDER BY id', [ids]);
  return rows.rows.map((r) => ({
    outboxId: r.id, channel: r.channel, recipient: r.recipient, event: r.payload.event, status: r.status, attempts: r.attempts,
    log: log.rows.filter((l) => l.outbox_id === r.id).map((l) => ({ at: l.at, attempt: l.attempt, ok: l.ok, detail: l.detail })),
  }));
}

export async function listOutbox(db: Queryable): Promise<OutboxRow[]> {
  const r = await db.query<Row>('SELECT * FROM notify_outbox ORDER BY id');
  return r.rows.map(toOutbox);
}

export async function insertInApp(tx: Queryable, n: { outboxId: number; userId: string; orderId: string | null; title: string; body: string; at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO notification (outbox_id, user_id, order_id, title, body, created_at) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (outbox_id) DO NOTHING`,
    [n.outboxId, n.userId, n.orderId, n.title, n.body, n.at],
  );
}

export interface InboxItem {
  readonly id: number;
  readonly orderId: string | null;
  readonly title: string;
  readonly body: string;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

export async function listInbox(db: Queryable, userId: number, unreadOnly: boolean, limit: number): Promise<InboxItem[]> {
  const r = await db.query<{ id: number; order_id: number | null; title: string; body: string; created_at: Date; read_at: Date | null }>(
    `SELECT id, order_id, title, body, created_at, read_at FROM notification WHERE user_id = $1 AND ($2::boolean = false OR read_at IS NULL)
     ORDER BY id DESC LIMIT $3`,
    [userId, unreadOnly, limit],
  );
  return r.rows.map((x) => ({ id: x.id, orderId: x.order_id === null ? null : String(x.order_id), title: x.title, body: x.body, createdAt: x.created_at, readAt: x.read_at }));
}

/** Marks the user's own notifications read; returns how many changed. */
export async function markRead(db: Queryable, userId: number, ids: readonly number[] | 'all', now: Date): Promise<number> {
  const r = await db.query(
    `UPDATE notification SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))`,
    [userId, ids === 'all' ? null : ids, now],
  );
  return r.rowCount;
}

export async function readPreferences(db: Queryable, userIds: readonly string[]): Promise<Map<string, Map<number, UserChannel[]>>> {
  const numeric = userIds.filter((u) => /^\d{1,18}$/.test(u));
  const out = new Map<string, Map<number, UserChannel[]>>();
  if (numeric.length === 0) return out;
  const r = await db.query<{ user_id: number; severity: number; channels: UserChannel[] }>(
    'SELECT user_id, severity, channels FROM notify_preference WHERE user_id = ANY($1::bigint[])', [numeric]);
  for (const row of r.rows) {
    const mine = out.get(String(row.user_id)) ?? new Map<number, UserChannel[]>();
    mine.set(row.severity, row.channels);
    out.set(String(row.user_id), mine);
  }
  return out;
}

export async function writePreference(tx: Queryable, userId: number, severity: number, channels: readonly UserChannel[]): Promise<void> {
  await tx.query(
    `INSERT INTO notify_preference (user_id, severity, channels) VALUES ($1,$2,$3)
     ON CONFLICT (user_id, severity) DO UPDATE SET channels = EXCLUDED.channels`,
    [userId, severity, channels],
  );
}

/** Existing user ids among the recipients (ids that name no account get nothing). */
export async function knownUsers(db: Queryable, userIds: readonly string[]): Promise<Set<string>> {
  const numeric = userIds.filter((u) => /^\d{1,18}$/.test(u));
  if (numeric.length === 0) return new Set();
  const r = await db.query<{ id: number }>('SELECT id FROM app_user WHERE id = ANY($1::bigint[]) AND disabled_at IS NULL', [numeric]);
  return new Set(r.rows.map((x) => String(x.id)));
}

export async function userEmail(db: Queryable, userId: string): Promise<string | null> {
  if (!/^\d{1,18}$/.test(userId)) return null;
  const r = await db.query<{ email: string | null }>('SELECT email FROM app_user WHERE id = $1', [userId]);
  return r.rows[0]?.email ?? null;
}

export interface GroupChannelRow {
  readonly id: number;
  readonly orgUnit: string;
  readonly orgPath: string;
  readonly kind: GroupChannel;
  readonly name: string;
  readonly url: string;
  readonly secret: string | null;
  readonly maxSeverity: number;
  readonly active: boolean;
}

interface ChannelRow { id: number; code: string; path: string; kind: GroupChannel; name: string; url: string; secret: string | null; max_severity: number; active: boolean }
const toChannel = (x: ChannelRow): GroupChannelRow => ({
  id: x.id, orgUnit: x.code, orgPath: x.path, kind: x.kind, name: x.name, url: x.url, secret: x.secret, maxSeverity: x.max_severity, active: x.active,
});
const CHANNEL_SELECT = 'SELECT c.*, o.code, o.path FROM notify_channel c JOIN org_unit o ON o.id = c.org_unit_id';

/** Active group channels on the org path of an order (a channel on an ancestor covers its subtree). */
export async function channelsCovering(db: Queryable, orgPath: string, severity: number): Promise<GroupChannelRow[]> {
  const r = await db.query<ChannelRow>(`${CHANNEL_SELECT} WHERE c.active AND $1 LIKE o.path || '%' AND $2 <= c.max_severity ORDER BY c.id`, [orgPath, severity]);
  return r.rows.map(toChannel);
}

export async function listChannels(db: Queryable, scopePaths: readonly string[]): Promise<GroupChannelRow[]> {
  const r = await db.query<ChannelRow>(`${CHANNEL_SELECT} WHERE o.path LIKE ANY($1::text[]) ORDER BY c.id`, [scopePaths.map((p) => `${p}%`)]);
  return r.rows.map(toChannel);
}

export async function findChannel(db: Queryable, id: number): Promise<GroupChannelRow | null> {
  const r = await db.query<ChannelRow>(`${CHANNEL_SELECT} WHERE c.id = $1`, [id]);
  return r.rows[0] ? toChannel(r.rows[0]) : null;
}

export async function insertChannel(
  tx: Queryable,
  c: { orgUnitId: number; kind: GroupChannel; name: string; url: string; secret: string | null; maxSeverity: number; now: Date },
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    'INSERT INTO notify_channel (org_unit_id, kind, name, url, secret, max_severity, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id',
    [c.orgUnitId, c.kind, c.name, c.url, c.secret, c.maxSeverity, c.now],
  );
  return r.rows[0]?.id ?? 0;
}

export async function setChannelActive(tx: Queryable, id: number, active: boolean): Promise<void> {
  await tx.query('UPDATE notify_channel SET active = $2 WHERE id = $1', [id, active]);
}
