/**
 * The one small database interface every repository uses. Two implementations speak the same
 * PostgreSQL SQL: PGlite (embedded, WASM, a data folder) and node-postgres (a real server).
 */
export interface QueryResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

export type Backend = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly backend: Backend;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` while holding a session-level advisory lock, on a connection of its own. */
  withAdvisoryLock<T>(key: number, work: (conn: Queryable) => Promise<T>): Promise<T>;
  /** Tries to take a session-level advisory lock and keeps it until `release` is called. */
  tryAdvisoryLock(key: number): Promise<{ release(): Promise<void> } | null>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Well-known advisory lock keys; one place so two features never share a key by accident. */
export const advisoryLocks = {
  migrate: 7_310_001,
  scheduler: 7_310_002,
  auditAppend: 7_310_003,
  enginePoller: 7_310_004,
} as const;
