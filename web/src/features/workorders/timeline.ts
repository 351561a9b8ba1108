import type { Delivery, People, TimelineEntry } from './api.ts';
import { personName } from './format.ts';

/**
 * One list of what happened to an order, oldest first: its recorded changes (transitions,
 * comments, attachments, escalations) and the notifications delivered about it.
 */
type Translate = (key: string, values?: Record<string, unknown>) => string;

export interface TimelineItem {
  readonly key: string;
  readonly at: string;
  readonly kind: 'change' | 'escalate' | 'notify';
  readonly title: string;
  readonly actor: string;
  /** Free text written by a person (comment, root cause, reason), shown as written. */
  readonly body: string | null;
  readonly attachment: { readonly id: string; readonly fileName: string } | null;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

function bodyOf(entry: TimelineEntry, people: People, t: Translate): string | null {
  const d = entry.details;
  switch (entry.action) {
    case 'workorder.commented':
      return str(d.text);
    case 'workorder.held':
      return [t(`workorders.holdReasons.${str(d.reason)}`), str(d.note)].filter((s) => s !== '').join(' · ');
    case 'workorder.resolved':
      return `${t('workorders.fields.rootCause')}: ${str(d.rootCause)}\n${t('workorders.fields.actionTaken')}: ${str(d.actionTaken)}`;
    case 'workorder.verified':
    case 'workorder.closed':
      return str(d.note) || null;
    case 'workorder.reopened':
      return str(d.reason);
    case 'workorder.assigned':
      return Array.isArray(d.assignees) ? d.assignees.map((a) => personName(str(a), people, t)).join('、') : null;
    case 'workorder.watchersChanged':
      return `${personName(str(d.userId), people, t)} ${d.watching === true ? t('workorders.actions.watch') : t('workorders.actions.unwatch')}`;
    case 'workorder.escalated':
      return `${t(`workorders.countdown.${str(d.track) === 'acknowledge' ? 'acknowledge' : 'resolve'}`)} → ${t(`woAdmin.routing.targets.${str(d.target)}`)}`;
    default:
      return null;
  }
}

/** Consecutive alerts attached by the pipeline read as one entry ("+12 alerts"), not a wall of lines. */
function collapseAlerts(entries: readonly TimelineEntry[]): { entry: TimelineEntry; count: number }[] {
  const out: { entry: TimelineEntry; count: number }[] = [];
  for (const entry of entries) {
    const last = out.at(-1);
    if (last && entry.action === 'workorder.alertAttached' && last.entry.action === entry.action) last.count += 1;
    else out.push({ entry, count: 1 });
  }
  return out;
}

export function buildTimeline(entries: readonly TimelineEntry[], deliveries: readonly Delivery[], people: People, t: Translate): TimelineItem[] {
  const changes = collapseAlerts(entries).map(({ entry: e, count }, i): TimelineItem => ({
    key: `e${String(i)}`, at: e.at, kind: e.action === 'workorder.escalated' ? 'escalate' : 'change',
    title: `${t(`workorders.timeline.actions.${e.action.replace('workorder.', '')}`)}${count > 1 ? ` ×${String(count)}` : ''}`, actor: personName(e.actor, people, t), body: bodyOf(e, people, t),
    attachment: e.action === 'workorder.attachmentAdded' ? { id: str(e.details.attachmentId), fileName: str(e.details.fileName) } : null,
  }));
  const notices = deliveries.flatMap((d): TimelineItem[] => {
    const last = d.log.at(-1);
    if (!last) return [];
    const recipient = d.recipient.startsWith('channel:') ? t(`workorders.timeline.channels.${d.channel}`) : personName(d.recipient, people, t);
    return [{
      key: `d${String(d.outboxId)}`, at: last.at, kind: 'notify',
      title: `${t('workorders.timeline.notification')} · ${t(`workorders.timeline.actions.${d.event.replace('workorder.', '')}`)} · ${t(`workorders.timeline.${d.status}`)}`,
      actor: t('workorders.timeline.via', { channel: t(`workorders.timeline.channels.${d.channel}`), recipient }), body: null, attachment: null,
    }];
  });
  return [...changes, ...notices].sort((a, b) => a.at.localeCompare(b.at));
}
