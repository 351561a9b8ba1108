/**
 * The HTTP client that feeds a yunjian server: POSTs NDJSON batches to `/api/ingest/events`
 * with the source's bearer token. Overload answers (429, 503) are retried after Retry-After,
 * other server errors and network failures with exponential backoff; client errors are final.
 * This is the simulator's only file that performs I/O.
 */
export interface IngestClientOptions {
  /** Server base URL, e.g. `http://localhost:3000`. */
  readonly url: string;
  readonly token: string;
  /** Attempts per batch including the first (default 8). */
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface BatchResult {
  readonly sent: number;
  /** Events the server confirmed (accepted, or already held from an earlier send). */
  readonly acknowledged: number;
  readonly attempts: number;
  /** Final HTTP status, if any response arrived. */
  readonly status?: number;
  /** Why the batch was not (fully) acknowledged. */
  readonly error?: string;
}

export interface IngestClient {
  postBatch(ndjsonLines: readonly string[]): Promise<BatchResult>;
}

export const MAX_BATCH = 1000;

/** The batch a paced load sends at `rate` events a second: a tenth of a second of events, at most MAX_BATCH. */
export function pacedBatchSize(rate: number): number {
  return Math.min(MAX_BATCH, Math.max(1, Math.round(rate / 10)));
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Delay from a Retry-After header (seconds or an HTTP date), if it has a usable value. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * How many events a 2xx answer acknowledges: `accepted` plus `duplicates` when the body reports
 * counts, otherwise the whole batch.
 */
export function acknowledgedCount(body: unknown, sent: number): number {
  if (typeof body !== 'object' || body === null) return sent;
  const record = body as Record<string, unknown>;
  const accepted = record['accepted'];
  if (typeof accepted !== 'number') return sent;
  const duplicates = record['duplicates'] ?? record['duplicate'];
  return Math.min(sent, accepted + (typeof duplicates === 'number' ? duplicates : 0));
}

export function createIngestClient(options: IngestClientOptions): IngestClient {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/ingest/events`;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? sleepFor;
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseBackoffMs ?? 500;
  const cap = options.maxBackoffMs ?? 15_000;
  const backoff = (attempt: number): number => Math.min(cap, base * 2 ** (attempt - 1));

  return {
    async postBatch(lines) {
      if (lines.length > MAX_BATCH) throw new RangeError(`a batch holds at most ${MAX_BATCH} events`);
      const body = lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
      let lastError = 'not sent';
      let status: number | undefined;
      let attempts = 0;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        attempts = attempt;
        let response: Response;
        try {
          response = await doFetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${options.token}` },
            body,
          });
        } catch (error) {
          lastError = `network: ${error instanceof Error ? error.message : String(error)}`;
          if (attempt < maxAttempts) await sleep(backoff(attempt));
          continue;
        }
        status = response.status;
        const text = await response.text();
        if (response.ok) {
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const acknowledged = acknowledgedCount(parsed, lines.length);
          return { sent: lines.length, acknowledged, attempts: attempt, status, ...(acknowledged < lines.length ? { error: 'some records rejected' } : {}) };
        }
        lastError = `HTTP ${status}: ${text.slice(0, 200)}`;
        const retryable = status === 429 || status === 503 || status >= 500;
        if (!retryable) break;
        if (attempt < maxAttempts) {
          const wait = status === 429 || status === 503 ? retryAfterMs(response.headers.get('retry-after'), Date.now()) : undefined;
          await sleep(wait ?? backoff(attempt));
        }
      }
      return { sent: lines.length, acknowledged: 0, attempts, ...(status === undefined ? {} : { status }), error: lastError };
    },
  };
}
