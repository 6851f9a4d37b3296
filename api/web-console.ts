// `tether serve` serves the web console (built from web/ into dist/console) at `/`. Its files are
// served as they are; any other GET outside the hub's own paths is a console view, answered
// with the console's page (the console routes in the browser). The hub's own paths keep
// their JSON 404.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { TetherError } from '../domain/errors.js';
import { redactUrl } from './url-redaction.js';

const hubPaths = ['/api', '/docs', '/dashboard', '/gateway', '/relay', '/socket.io', '/artifacts', '/remote', '/metrics', '/healthz', '/readyz'];

const isHubPath = (url: string): boolean => hubPaths.some((prefix) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`));

/** False when the console was not built (then the hub runs without it). */
export async function serveWebConsole(app: FastifyInstance, dir: string): Promise<boolean> {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  const page = readFileSync(index);
  // The page itself only through the route below, which forbids framing it (clickjacking).
  const allowedPath = (path: string): boolean => path !== '/index.html';
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: false, list: false, decorateReply: false, dotfiles: 'deny', allowedPath });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    // Redacted: a DeviceLink close token travels in a URL, and this message is logged and echoed.
    if (isHubPath(request.url)) throw new TetherError('not_found', `no route for ${request.method} ${redactUrl(request.url)}`);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', "frame-ancestors 'none'")
      .send(page);
  });
  return true;
}
