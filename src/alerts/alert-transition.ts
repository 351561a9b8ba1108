/**
 * A stored alert changed state. The rule engine emits these (inside the transaction that
 * records the transition); work orders and notifications consume them.
 */
export interface AlertTransitionEvent {
  readonly alertId: number;
  readonly fingerprint: string;
  readonly ruleCode: string;
  readonly ruleNameZh: string;
  readonly ruleNameEn: string;
  readonly category: string;
  readonly severity: 1 | 2 | 3 | 4;
  readonly orgUnitId: number;
  readonly orgUnitCode: string;
  /** Rule + parent org unit: alerts of one group share one work order. */
  readonly groupKey: string;
  readonly from: 'pending' | 'firing' | 'resolved' | null;
  readonly to: 'pending' | 'firing' | 'resolved';
  readonly reason: string;
  readonly at: Date;
  readonly periodKey: string;
  readonly value: number | null;
  readonly bound: number | null;
  readonly messageZh: string;
  readonly messageEn: string;
  /** Whether the notification pipeline let it through (false when silenced, inhibited or muted). */
  readonly notify: boolean;
}

export interface AlertTransitionConsumer {
  readonly name: string;
  onTransition(tx: import('../store/index.ts').Queryable, event: AlertTransitionEvent): Promise<void>;
  /**
   * The transitions of one engine pass, in order, with the same result as handing them to
   * `onTransition` one by one; a consumer without it is told one transition at a time.
   */
  onTransitions?(tx: import('../store/index.ts').Queryable, events: readonly AlertTransitionEvent[]): Promise<void>;
}

/** Hands a pass's transitions to a consumer: as one batch when it takes batches, else one by one. */
export async function tellConsumer(consumer: AlertTransitionConsumer, tx: import('../store/index.ts').Queryable, events: readonly AlertTransitionEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (consumer.onTransitions) {
    await consumer.onTransitions(tx, events);
    return;
  }
  for (const event of events) await consumer.onTransition(tx, event);
}
