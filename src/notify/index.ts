/**
 * Notifications (通知): an outbox written in the transaction of the change that causes it (one
 * row per event, recipient and channel, so nothing is lost on a crash and nothing is queued
 * twice), drained by a scheduler job that claims due rows with FOR UPDATE SKIP LOCKED, sends
 * them and records every attempt, retrying with exponential backoff. Channels: in-app inbox,
 * e-mail (SMTP), WeCom and DingTalk group robots and a signed generic webhook. Per-user
 * preferences choose the personal channels per severity.
 */
export { createChannelSenders, dingtalkSign, webhookHeaders, webhookKey, type ChannelSenders, type ChannelSendersConfig } from './channels.ts';
export {
  CHANNEL_KINDS,
  defaultUserChannels,
  idempotencyKey,
  severityLabel,
  type ChannelKind,
  type GroupChannel,
  type NotificationPayload,
  type UserChannel,
} from './message.ts';
export {
  createNotificationDispatchJob,
  createNotifyService,
  dispatchDue,
  enqueueNotification,
  type DispatchDeps,
  type DispatchResult,
  type Notification,
  type NotifyService,
} from './notify-service.ts';
export { listOutbox, type DeliveryRow, type GroupChannelRow, type InboxItem, type OutboxRow } from './outbox-repo.ts';
