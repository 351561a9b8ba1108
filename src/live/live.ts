/**
 * What the live feed carries and to whom. A change is read from the database (see live-hub.ts);
 * a connection shows it only when the change's org unit lies in the connection's subtree and the
 * viewer holds the matching read permission there. Frames follow the server-sent events format.
 */
export type LiveAlertState = 'pending' | 'firing' | 'resolved';

export interface AlertTransitionChange {
  readonly kind: 'alert';
  /** alert_history id: the order transitions happened in. */
  readonly id: number;
  readonly alertId: number;
  readonly ruleCode: string;
  readonly orgUnit: string;
  readonly orgPath: string;
  readonly severity: number;
  readonly from: LiveAlertState | null;
  readonly to: LiveAlertState;
  readonly at: Date;
  readonly value: number | null;
  readonly messageZh: string;
  readonly messageEn: string;
}

export interface WorkOrderChange {
  readonly kind: 'workorder';
  /** work_order_event id. */
  readonly id: number;
  readonly orderId: number;
  readonly title: string;
  readonly severity: number;
  readonly orgUnit: string;
  readonly orgPath: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly at: Date;
}

/** New events were stored for an org unit (its indicator values moved). */
export interface DataArrival {
  readonly kind: 'data';
  readonly orgUnit: string;
  readonly orgPath: string;
  readonly events: number;
}

export type LiveChange = AlertTransitionChange | WorkOrderChange | DataArrival;

export type LivePermission = 'alert.read' | 'workorder.read' | 'indicator.read';

const permissionOf: Readonly<Record<LiveChange['kind'], LivePermission>> = { alert: 'alert.read', workorder: 'workorder.read', data: 'indicator.read' };

/** The changes a viewer of the subtree at `scopePath` may see; `may` is the central permission check. */
export function changesFor(changes: readonly LiveChange[], scopePath: string, may: (permission: LivePermission, orgPath: string) => boolean): LiveChange[] {
  return changes.filter((c) => c.orgPath.startsWith(scopePath) && may(permissionOf[c.kind], c.orgPath));
}

/** One server-sent event; the data is JSON, one `data:` line per line of it. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  const lines = JSON.stringify(data).split('\n').map((l) => `data: ${l}`);
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\n${lines.join('\n')}\n\n`;
}

/** A comment line: keeps proxies and the browser from timing the stream out. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** The JSON a change is sent as (dates as ISO strings, no internal paths). */
export function changeJson(change: AlertTransitionChange | WorkOrderChange): Record<string, unknown> {
  const json: Record<string, unknown> = { ...change, at: change.at.toISOString() };
  delete json.orgPath;
  return json;
}
