import type { Countdown, People } from './api.ts';

/** Pure helpers for showing work orders: durations, countdowns, people. */
type Translate = (key: string, values?: Record<string, unknown>) => string;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration in days/hours/minutes, the two largest parts. Working time is shown in hours (a
 * "day" of working time would be ambiguous next to calendar days).
 */
export function formatDuration(ms: number, working: boolean, t: Translate): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return t('workorders.countdown.lessThanMinute');
  const days = working ? 0 : Math.floor(abs / DAY);
  const hours = Math.floor((abs - days * DAY) / HOUR);
  const minutes = Math.floor((abs - days * DAY - hours * HOUR) / MINUTE);
  const parts: string[] = [];
  if (days > 0) parts.push(t('workorders.countdown.d', { n: days }));
  if (hours > 0) parts.push(t('workorders.countdown.h', { n: hours }));
  if (minutes > 0 && days === 0) parts.push(t('workorders.countdown.m', { n: minutes }));
  return parts.join(' ');
}

export function countdownText(c: Countdown, t: Translate): string {
  const working = c.basis !== 'clock';
  const time = `${formatDuration(c.leftMs, working, t)}${working ? ` (${t('workorders.countdown.working')})` : ''}`;
  if (c.overdue) return t('workorders.countdown.overdue', { time });
  return c.paused ? t('workorders.countdown.paused', { time }) : t('workorders.countdown.left', { time });
}

/** Tone of a countdown: red when overdue, amber in the last quarter of a working day or hour. */
export function countdownTone(c: Countdown): 'danger' | 'warn' | 'ok' | 'muted' {
  if (c.overdue) return 'danger';
  if (c.paused) return 'muted';
  return c.leftMs < 2 * HOUR ? 'warn' : 'ok';
}

/** A user id as a name: display name when known, "System"/"Unassigned" for the pipeline's actors. */
export function personName(id: string, people: People, t: Translate): string {
  if (id === 'system') return t('workorders.system');
  if (id === 'unassigned') return t('workorders.unassigned');
  return people[id] ?? `#${id}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function severityTone(severity: number): string {
  return severity <= 1 ? 'tag-danger' : severity === 2 ? 'tag-warn' : severity === 3 ? 'tag-role' : 'tag-muted';
}
