import type { TSchema } from '@sinclair/typebox';

/**
 * A plausible, schema-valid request body for any route, built from its JSON schema, with every
 * org-unit reference pointing at `orgCode`. The scope test sends it to prove that a route
 * refuses to act on an org unit outside the caller's scope for a reason other than bad input.
 */
export function probeBody(schema: unknown, orgCode: string, field = ''): unknown {
  const s = schema as TSchema & Record<string, unknown>;
  if (s.anyOf) return probeBody((s.anyOf as unknown[]).find((x) => (x as { type?: string }).type !== 'null') ?? (s.anyOf as unknown[])[0], orgCode, field);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) out[key] = probeBody(value, orgCode, key);
      return out;
    }
    case 'array':
      return [probeBody(s.items, orgCode, field)];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? Math.max(s.minimum, 1) : 1;
    case 'boolean':
      return false;
    case 'string':
      if (/org|parent|code/i.test(field)) return orgCode;
      if (s.format === 'date-time') return '2030-01-01T00:00:00+08:00';
      if (s.format === 'email') return 'probe@example.org';
      if (typeof s.pattern === 'string' && /a-z0-9/.test(s.pattern)) return 'probe.user9';
      return 'Probe2026value';
    default:
      return null;
  }
}
