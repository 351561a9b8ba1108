import type { AppModule } from '../../src/app.ts';
import { createIngestModule } from '../../src/api/ingest.routes.ts';
import { createSourcesModule } from '../../src/api/sources.routes.ts';
import type { AccountsService } from '../../src/auth/index.ts';
import { createIngestService, type IngestLimits } from '../../src/ingest/ingest-service.ts';
import type { IngestLogger } from '../../src/ingest/commit-service.ts';
import { createPseudonymiser } from '../../src/ingest/pseudonymise.ts';
import { createQualityService } from '../../src/ingest/quality-service.ts';
import { createSourcesService } from '../../src/ingest/sources-service.ts';
import type { IngestCommitConsumer } from '../../src/ingest/stored-event.ts';
import type { Clock } from '../../src/shared/index.ts';
import type { Db } from '../../src/store/index.ts';
import type { Client } from './test-app.ts';

export const testPseudonymKey = new Uint8Array(32).fill(7);

/** Captures log lines so tests can check what was (and was not) logged. */
export function captureLog(): IngestLogger & { lines: string[] } {
  const lines: string[] = [];
  const write = (obj: object, msg: string) => { lines.push(`${msg} ${JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v))}`); };
  return { lines, warn: write, error: write };
}

/** The ingest services and HTTP modules, composed the way main.ts does. */
export function buildIngest(env: {
  db: Db; accounts: AccountsService; clock: Clock; key?: Uint8Array; consumers?: readonly IngestCommitConsumer[]; log?: IngestLogger; limits?: Partial<IngestLimits>;
}) {
  const pseudonymise = createPseudonymiser(env.key ?? testPseudonymKey);
  const sources = createSourcesService({ db: env.db, accounts: env.accounts });
  const ingest = createIngestService({
    db: env.db, sources, pseudonymise, consumers: env.consumers ?? [], log: env.log ?? captureLog(), ...(env.limits ? { limits: env.limits } : {}),
  });
  const quality = createQualityService({ db: env.db, clock: env.clock, timeZone: () => sources.timeZone() });
  const modules: AppModule[] = [
    createSourcesModule({ db: env.db, sources, ingest, quality, clock: env.clock }),
    createIngestModule({ sources, ingest, clock: env.clock }),
  ];
  return { pseudonymise, sources, ingest, quality, modules };
}

/** Registers a source through the API as `client` and returns its id and its ingest token. */
export async function registerSource(client: Client, payload: Record<string, unknown>): Promise<{ sourceId: number; token: string }> {
  const res = await client.request({ method: 'POST', url: '/api/sources', payload });
  if (res.statusCode !== 201) throw new Error(`source registration failed: ${res.body}`);
  const body = res.json<{ source: { id: number }; token: { secret: string } }>();
  return { sourceId: body.source.id, token: body.token.secret };
}

/** A multipart/form-data body with one file part named "file". */
export function multipartBody(filename: string, contentType: string, content: Buffer): { body: Buffer; type: string } {
  const boundary = '----yunjian-test-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, content, tail]), type: `multipart/form-data; boundary=${boundary}` };
}
