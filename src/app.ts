import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerAccessControl, type ResourceResolver } from './api/access.ts';
import { registerAuditRoutes } from './api/audit.routes.ts';
import { registerAuthRoutes } from './api/auth.routes.ts';
import { fastifyCodes, statusOf } from './api/error-map.ts';
import { registerHealthRoutes } from './api/health.routes.ts';
import { orgResolvers, registerOrgRoutes } from './api/orgs.routes.ts';
import { ErrorResponse } from './api/schemas.ts';
import { registerTokenRoutes, tokenResolvers } from './api/tokens.routes.ts';
import { registerUserRoutes, userResolvers } from './api/users.routes.ts';
import { validatorCompiler } from './api/validation.ts';
import type { AccountsService, AuthService } from './auth/index.ts';
import type { Config } from './config/index.ts';
import type { OrgsService } from './orgs/index.ts';
import { isAppError, type Clock } from './shared/index.ts';
import type { Db } from './store/index.ts';

export interface AppDeps {
  /** `roles` (default: all) decide the routes served: `api` the console's API, `ingest` the ingest endpoints. */
  readonly config: Pick<Config, 'bodyLimitBytes' | 'cookieSecure' | 'sessionMaxHours'> & { readonly roles?: Config['roles'] };
  readonly db: Db;
  readonly clock: Clock;
  readonly auth: AuthService;
  readonly accounts: AccountsService;
  readonly orgs: OrgsService;
  /** A pino logger for request logs (with request ids); none in tests. */
  readonly logger?: FastifyServerOptions['loggerInstance'];
  /** Domain modules beyond the foundation (ingest, indicators, rules, work orders, …). */
  readonly modules?: readonly AppModule[];
}

/**
 * A domain's HTTP surface: resolvers for the resources its routes name (so the central access
 * check can place them in the org tree) and a function that registers its routes.
 */
export interface AppModule {
  readonly name: string;
  readonly resolvers?: Readonly<Record<string, ResourceResolver>>;
  register(app: FastifyInstance): void | Promise<void>;
}

export const appVersion = '0.1.0';

/** The module whose routes the `ingest` role serves (every other module belongs to `api`). */
export const INGEST_MODULE = 'ingest';

/** Builds the HTTP application; never listens (tests use inject, main.ts listens). */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(ErrorResponse);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      const status = statusOf(error.code);
      if (status >= 500) request.log.warn({ err: error }, 'service unavailable');
      const retryAfter = error.details.retryAfterSeconds;
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
      return reply.code(status).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.validation) {
      const first = error.validation[0];
      const where = `/${error.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
      const extra = first?.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] } | undefined;
      const field = extra?.additionalProperty ? `${where}/${extra.additionalProperty}` : extra?.missingProperty ? `${where}/${extra.missingProperty}` : where;
      const message = extra?.additionalProperty
        ? `Unknown field "${extra.additionalProperty}" at ${where}.`
        : `${field} ${first?.message ?? 'is invalid'}.`;
      return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message, details: { field, ...(extra?.allowedValues ? { allowed: extra.allowedValues } : {}) } } });
    }
    const known = error.code ? fastifyCodes[error.code] : undefined;
    const status = error.statusCode ?? 500;
    if (known || (status >= 400 && status < 500)) {
      return reply.code(status >= 400 && status < 500 ? status : 400).send({
        error: { code: known?.code ?? 'BAD_REQUEST', message: known?.message ?? 'The request is malformed.', details: {} },
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error. Quote the request id when reporting it.', details: { requestId: request.id } } });
  });

  app.setNotFoundHandler({ preHandler: (_req, _reply, done) => { done(); } }, (request, reply) => {
    void reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`, details: {} } });
  });

  await app.register(cookie);
  // Security headers on every response, the console's included. The console is built by Vite
  // into external module scripts and stylesheets (web/index.html has no inline script); ECharts
  // and Vue set inline style attributes, hence style-src 'unsafe-inline'; the favicon is a data: URL.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'], connectSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: deps.config.cookieSecure,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'yunjian API', description: 'yunjian (运监) hospital operations monitoring center', version: appVersion },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'yj_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  // staticCSP: the docs page's own scripts get hashes in its CSP instead of needing 'unsafe-inline'.
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const resolverSets: Readonly<Record<string, ResourceResolver>>[] = [
    orgResolvers(deps.orgs), userResolvers(deps.accounts), tokenResolvers(deps.accounts), ...(deps.modules ?? []).map((m) => m.resolvers ?? {}),
  ];
  const resolvers = new Map<string, ResourceResolver>(resolverSets.flatMap((set) => Object.entries(set)));
  registerAccessControl(app, {
    clock: deps.clock,
    resolvers,
    authenticator: {
      fromSession: (token, now) => deps.auth.authenticateSession(token, now),
      fromToken: (secret, now) => deps.auth.authenticateToken(secret, now),
    },
  });

  app.get('/api/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, () => app.swagger());
  registerHealthRoutes(app, { db: deps.db });
  const roles = deps.config.roles ?? ['api', 'ingest', 'engine', 'scheduler'];
  const api = roles.includes('api');
  if (api) {
    registerAuthRoutes(app, { auth: deps.auth, accounts: deps.accounts, clock: deps.clock, cookieSecure: deps.config.cookieSecure, sessionMaxHours: deps.config.sessionMaxHours });
    registerOrgRoutes(app, { orgs: deps.orgs, clock: deps.clock });
    registerUserRoutes(app, { accounts: deps.accounts, auth: deps.auth, clock: deps.clock });
    registerTokenRoutes(app, { accounts: deps.accounts, clock: deps.clock });
    registerAuditRoutes(app, { db: deps.db });
  }
  // A process without a role does not serve its routes (404): a load balancer sends them elsewhere.
  for (const module of deps.modules ?? []) {
    if (module.name === INGEST_MODULE ? roles.includes('ingest') : api) await module.register(app);
  }
  return app;
}
