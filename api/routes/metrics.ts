// GET /metrics for Prometheus. No token: a scraper cannot renew one, and the figures are
// counts of this node's load, never a tenant's data.
import type { FastifyPluginAsync } from 'fastify';
import { routeSchema } from '../openapi/route-schema.js';

export const metricsRoutes: FastifyPluginAsync = async (app) => {
  const { registry } = app.services.metrics;

  app.get(
    '/metrics',
    { schema: routeSchema({ summary: "This node's metrics in the Prometheus text format", tag: 'operations', public: true }) },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
    },
  );
};
