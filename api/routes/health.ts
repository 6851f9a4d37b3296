// Liveness and readiness for process supervisors and load balancers; no token needed.
import type { FastifyPluginAsync } from 'fastify';
import { TetherError } from '../../domain/errors.js';
import { routeSchema } from '../openapi/route-schema.js';

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  liveness: routeSchema({ summary: 'Liveness: the process answers', tag: 'operations', public: true }),
  readiness: routeSchema({ summary: 'Readiness: the read models have caught up with the store (503 until then)', tag: 'operations', public: true }),
};

export const healthRoutes: FastifyPluginAsync = async (app) => {
  const { readModels } = app.services;

  app.get('/healthz', { schema: docs.liveness }, async () => ({ status: 'ok' }));

  // Ready only once the read models have caught up with the store: before that, reads are stale.
  app.get('/readyz', { schema: docs.readiness }, async () => {
    if (!(await readModels.isCaughtUp())) {
      throw new TetherError('unavailable', 'the read models are catching up with the event store');
    }
    return { status: 'ready', position: readModels.position() };
  });
};
