// Liveness and readiness for process supervisors and load balancers; no token needed.
import type { FastifyPluginAsync } from 'fastify';
import { TetherError } from '../../domain/errors.js';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  const { readModels } = app.services;

  app.get('/healthz', async () => ({ status: 'ok' }));

  // Ready only once the read models have caught up with the store: before that, reads are stale.
  app.get('/readyz', async () => {
    if (!(await readModels.isCaughtUp())) {
      throw new TetherError('unavailable', 'the read models are catching up with the event store');
    }
    return { status: 'ready', position: readModels.position() };
  });
};
