import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { queryAudit } from '../audit/index.ts';
import type { Queryable } from '../store/index.ts';
import { scopeOf } from './access.ts';
import { DateTime, errorResponses, Nullable } from './schemas.ts';

const EntryView = Type.Object({
  seq: Type.Integer(), at: Type.String(), actorKind: Type.String(), actorId: Nullable(Type.String()), actorName: Type.String(),
  action: Type.String(), targetKind: Nullable(Type.String()), targetId: Nullable(Type.String()), summary: Type.Unknown(),
  ip: Nullable(Type.String()), userAgent: Nullable(Type.String()), requestId: Nullable(Type.String()), hash: Type.String(),
});

export function registerAuditRoutes(app: FastifyInstance, deps: { db: Queryable }) {
  app.get('/api/audit', {
    config: { access: { permission: 'audit.read' } },
    schema: {
      tags: ['audit'], summary: 'Query the audit log (administrators; entries about their subtrees and installation-wide ones)',
      querystring: Type.Object({
        actorId: Type.Optional(Type.String({ maxLength: 64 })), action: Type.Optional(Type.String({ maxLength: 100 })),
        targetKind: Type.Optional(Type.String({ maxLength: 64 })), targetId: Type.Optional(Type.String({ maxLength: 200 })),
        from: Type.Optional(DateTime), to: Type.Optional(DateTime),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(EntryView), nextBeforeSeq: Nullable(Type.Integer()) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { actorId?: string; action?: string; targetKind?: string; targetId?: string; from?: string; to?: string; limit: number; beforeSeq?: number };
    const entries = await queryAudit(deps.db, {
      ...(q.actorId !== undefined && { actorId: q.actorId }), ...(q.action !== undefined && { action: q.action }),
      ...(q.targetKind !== undefined && { targetKind: q.targetKind }), ...(q.targetId !== undefined && { targetId: q.targetId }),
      ...(q.from !== undefined && { from: new Date(q.from) }), ...(q.to !== undefined && { to: new Date(q.to) }),
      ...(q.beforeSeq !== undefined && { beforeSeq: q.beforeSeq }),
      scopePaths: scopeOf(request, 'audit.read'), limit: q.limit,
    });
    return {
      items: entries.map((e) => ({ ...e, at: e.at.toISOString() })),
      nextBeforeSeq: entries.length === q.limit ? (entries.at(-1)?.seq ?? null) : null,
    };
  });
}
