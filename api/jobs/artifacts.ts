// `tether serve --artifacts DIR`: the hub itself serves a tree of update binaries (and the
// catalog files) at /artifacts/, without authentication, as the seed's web server does.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { resolve } from 'node:path';

export const artifactsPrefix = '/artifacts/';

export async function serveArtifacts(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, { root: resolve(dir), prefix: artifactsPrefix, index: false, list: false, decorateReply: false, dotfiles: 'deny' });
}
