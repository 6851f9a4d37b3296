// Every route the app serves, as fastify adds it: what a test of the whole surface (each route's
// permission, say) walks, so a route added later cannot be missed. Register before the routes.
import fp from 'fastify-plugin';

export interface ListedRoute {
  readonly method: string;
  /** With its prefix and its `:params`, as fastify matches it. */
  readonly url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly routeList: readonly ListedRoute[];
  }
}

export const routeList = fp(
  async (app) => {
    const listed: ListedRoute[] = [];
    app.decorate('routeList', listed);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) listed.push({ method, url: route.url });
    });
  },
  { name: 'tether-route-list' },
);
