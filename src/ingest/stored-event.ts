/**
 * An event as committed to the `event` table, handed to the consumers that run in the same
 * transaction (indicator roll-ups) and after commit (the rule engine).
 */
export interface StoredEvent {
  /** Database id (event.id). */
  readonly id: number;
  readonly sourceId: number;
  /** The id the source gave it. */
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly orgUnitId: number;
  readonly orgUnitCode: string;
  /** Materialised path of the org unit ('/1/4/9/'), for roll-ups along the tree. */
  readonly orgPath: string;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
  readonly patient: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * Consumers of an ingest commit. `inTransaction` runs inside the transaction that stores the
 * events (a failure rolls the whole batch back, so roll-ups can never drift from events);
 * `afterCommit` is told once the batch is durable (the rule engine evaluates from there).
 */
export interface IngestCommitConsumer {
  readonly name: string;
  inTransaction?(tx: import('../store/index.ts').Queryable, events: readonly StoredEvent[]): Promise<void>;
  afterCommit?(events: readonly StoredEvent[]): Promise<void>;
}
