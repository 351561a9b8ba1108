import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built console from `distDir`. The console uses history-mode routes (`/admin/users`,
 * `/screen`), so any GET outside `/api` that names no file answers `index.html`; `/api/*` paths
 * nobody registered keep answering the JSON 404. Hashed assets are cached for a year, the
 * index never, so a rebuilt console is picked up on the next load.
 */
export interface WebAppOptions {
  readonly distDir: string;
}

const oneYearSeconds = 365 * 24 * 3600;

export async function registerWebApp(app: FastifyInstance, options: WebAppOptions): Promise<void> {
  const root = normalize(options.distDir);
  // `serve: false`: the plugin only lends `reply.sendFile`; the one route below carries the access rule.
  await app.register(fastifyStatic, { root, serve: false, wildcard: false });

  app.get('/*', {
    config: { access: { public: true } },
    schema: { hide: true },
  }, (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (path === '/api' || path.startsWith('/api/')) {
      reply.callNotFound();
      return reply;
    }
    const file = fileUnder(root, path);
    if (file !== null) {
      const cache = file.startsWith('assets/') ? `public, max-age=${oneYearSeconds}, immutable` : 'no-cache';
      return reply.header('cache-control', cache).sendFile(file, { cacheControl: false });
    }
    if (!existsSync(join(root, 'index.html'))) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The web console is not built yet: run `npm run build:web` (or restart yunjian, which builds it).');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
}

/** The file a URL path names inside `root` (relative), or null for directories, misses and escapes. */
function fileUnder(root: string, urlPath: string): string | null {
  const relative = normalize(urlPath).replace(/^[/\\]+/, '');
  if (relative === '' || relative.includes('\0') || relative.split(sep).some((part) => part === '..' || part.startsWith('.'))) return null;
  const absolute = join(root, relative);
  if (!absolute.startsWith(root + sep)) return null;
  try {
    return statSync(absolute).isFile() ? relative.split(sep).join('/') : null;
  } catch {
    return null;
  }
}
