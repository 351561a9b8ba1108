import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../store/index.ts';
import { AppError } from '../shared/index.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: { db: Queryable }) {
  app.get('/healthz', {
    config: { access: { public: true } },
    schema: { tags: ['health'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { access: { public: true } },
    schema: { tags: ['health'], summary: 'Storage is reachable', response: { 200: Type.Object({ status: Type.Literal('ready') }) } },
  }, async () => {
    try {
      await deps.db.query('SELECT 1');
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'Storage is not reachable.');
    }
    return { status: 'ready' as const };
  });
}
