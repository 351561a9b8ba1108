import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, canSee, holdsAnywhere, scopePaths, type Permission, type Principal } from '../auth/index.ts';
import type { ActionContext } from '../audit/index.ts';
import { AppError, type Clock } from '../shared/index.ts';

/**
 * Access control in one place. Every route must declare `config.access`; a route without it
 * cannot even be registered. The check runs before the handler:
 * - `public`: anyone;
 * - `signedIn`: any principal (for one's own session and password);
 * - `permission`: the principal must hold the permission somewhere (403 otherwise, before the
 *   body is read, whether the route names resources or not, optional ones included); then each
 *   named resource is loaded through its resolver; one the principal cannot see answers 404
 *   (its existence is not disclosed), one it can see but not act on answers 403. Lists and
 *   routes whose optional resource is absent filter by `scopeOf(permission)`.
 */
export interface ResourceRef {
  readonly kind: string;
  /** Where the identifier is; 'fixed' uses `field` itself as the identifier (installation-wide resources). */
  readonly from: 'params' | 'body' | 'query' | 'fixed';
  readonly field: string;
  /** A different permission for this resource (e.g. org.read on the parent of a new node). */
  readonly permission?: Permission;
  /** A missing optional field is skipped instead of refused. */
  readonly optional?: boolean;
  /** The name the handler reads it by (`resourceOf`); defaults to the kind. */
  readonly as?: string;
}

export type Access =
  | { readonly public: true }
  | { readonly signedIn: true; readonly duringPasswordChange?: boolean }
  | { readonly permission: Permission; readonly resources?: readonly ResourceRef[] };

export interface ResolvedResource {
  readonly orgPath: string;
  /**
   * Further org paths a change to this resource reaches (a user's grants: whoever resets that user's
   * password acts with those grants). A write needs the route's permission on each of them too.
   */
  readonly governedPaths?: readonly string[];
  readonly value: unknown;
}

/** Loads a resource by the identifier found in the request; null when it does not exist. */
export type ResourceResolver = (identifier: string) => Promise<ResolvedResource | null>;

export interface Authenticator {
  fromSession(token: string, now: Date): Promise<{ principal: Principal; sessionId: string; csrfToken: string } | null>;
  fromToken(secret: string, now: Date): Promise<Principal | null>;
}

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
  readonly bodySchema: unknown;
  readonly querySchema: unknown;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route with its access rule, for the scope test and the docs. */
    registeredRoutes: RegisteredRoute[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    sessionId: string | null;
    resources: Map<string, unknown>;
  }
}

export const sessionCookie = 'yj_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function accessOf(request: FastifyRequest): Access | undefined {
  return request.routeOptions.config.access;
}

/** The principal of an authorised request (the access hook has made sure there is one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('AUTH_UNAUTHENTICATED', 'Sign in or send an API token.');
  return request.principal;
}

export function scopeOf(request: FastifyRequest, permission: Permission): string[] {
  return scopePaths(principalOf(request), permission);
}

/** A resource the access hook already resolved and checked. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type it declared in the route
export function resourceOf<T>(request: FastifyRequest, name: string): T {
  if (!request.resources.has(name)) throw new Error(`route did not declare resource "${name}"`);
  return request.resources.get(name) as T;
}

export function actionContext(request: FastifyRequest, clock: Clock): ActionContext {
  const p = request.principal;
  return {
    now: clock.now(),
    actor: {
      kind: p ? p.kind : 'system',
      id: p ? String(p.id) : null,
      name: p ? p.name : 'anonymous',
      ip: request.ip,
      userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
      requestId: request.id,
    },
  };
}

/** Whether the principal may act with `permission` on the org unit at `orgPath` (for UI hints and services). */
export function allows(request: FastifyRequest, permission: Permission, orgPath: string): boolean {
  const p = request.principal;
  return p !== null && can(p, permission, orgPath);
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export function registerAccessControl(
  app: FastifyInstance,
  deps: { authenticator: Authenticator; resolvers: ReadonlyMap<string, ResourceResolver>; clock: Clock },
): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('resources', null as unknown as Map<string, unknown>);
  app.decorate('registeredRoutes', [] as RegisteredRoute[]);

  app.addHook('onRoute', (route) => {
    const isDocs = route.url.startsWith('/api/docs');
    if (isDocs) {
      route.config = { ...(route.config ?? {}), access: { public: true } };
      return;
    }
    const access = (route.config)?.access;
    if (!access) throw new Error(`route ${route.method.toString()} ${route.url} declares no access rule`);
    if ('permission' in access) {
      for (const ref of access.resources ?? []) {
        if (!deps.resolvers.has(ref.kind)) throw new Error(`route ${route.url}: no resolver for resource "${ref.kind}"`);
      }
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.registeredRoutes.push({ method, url: route.url, access, bodySchema: route.schema?.body, querySchema: route.schema?.querystring });
    }
  });

  // Who is asking is settled before the body is even read: an anonymous or unauthorised caller
  // gets 401/403, not a validation error that would reveal the route's expectations.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.resources = new Map();
    const access = accessOf(request);
    if (!access) return; // 404 handler and similar built-ins
    const now = deps.clock.now();
    const token = bearer(request);
    if (token !== null) {
      request.principal = await deps.authenticator.fromToken(token, now);
      if (!request.principal && !('public' in access)) throw new AppError('AUTH_UNAUTHENTICATED', 'The API token is unknown, revoked or expired.');
    } else {
      const cookie = request.cookies[sessionCookie];
      if (cookie !== undefined && cookie !== '') {
        const session = await deps.authenticator.fromSession(cookie, now);
        if (session) {
          request.principal = session.principal;
          request.sessionId = session.sessionId;
          if (unsafeMethods.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken && !('public' in access)) {
            throw new AppError('AUTH_CSRF', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated change.');
          }
        } else if (!('public' in access)) {
          throw new AppError('AUTH_SESSION_EXPIRED', 'The session has expired. Sign in again.');
        }
      }
    }
    if ('public' in access) return;
    const principal = request.principal;
    if (!principal) throw new AppError('AUTH_UNAUTHENTICATED', 'Sign in or send an API token.');
    if (principal.passwordChangeOnly && !('signedIn' in access && access.duringPasswordChange === true)) {
      throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', 'Change your password before going on.');
    }
    if ('signedIn' in access) return;
    // A principal holding the route's permission nowhere is refused before the body is read,
    // whatever resources the route names, optional or not (that discloses nothing about them).
    // The resources named are then judged one by one below (404 when out of sight).
    if (!holdsAnywhere(principal, access.permission)) {
      throw new AppError('AUTH_FORBIDDEN', `This needs the ${access.permission} permission.`);
    }
  });

  // The resources a route names are placed in the tree once the request is validated.
  app.addHook('preHandler', async (request: FastifyRequest) => {
    const access = accessOf(request);
    const principal = request.principal;
    if (!access || !('permission' in access) || !principal) return;
    for (const ref of access.resources ?? []) {
      const value = ref.from === 'fixed' ? ref.field : (request[ref.from] as Record<string, unknown> | undefined)?.[ref.field];
      const raw = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
      if (raw === undefined) {
        if (ref.optional === true) continue;
        throw new AppError('VALIDATION_FAILED', `${ref.field} is required.`, { field: `/${ref.from}/${ref.field}` });
      }
      const resolver = deps.resolvers.get(ref.kind);
      const resolved = resolver ? await resolver(raw) : null;
      const permission = ref.permission ?? access.permission;
      if (!resolved || !canSee(principal, resolved.orgPath)) {
        throw new AppError(`${ref.kind.toUpperCase()}_NOT_FOUND`, `No ${ref.kind} "${raw}" in your scope.`, { field: `/${ref.from}/${ref.field}` });
      }
      if (!can(principal, permission, resolved.orgPath)) {
        throw new AppError('AUTH_FORBIDDEN', `This needs the ${permission} permission on this ${ref.kind}.`);
      }
      if (unsafeMethods.has(request.method) && (resolved.governedPaths ?? []).some((path) => !can(principal, permission, path))) {
        throw new AppError('AUTH_FORBIDDEN', `This ${ref.kind} holds rights beyond your ${permission} scope; an administrator over all of them must make this change.`);
      }
      request.resources.set(ref.as ?? ref.kind, resolved.value);
    }
  });
}
