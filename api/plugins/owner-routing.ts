// Several hub nodes share one store, but a device's control connection, and a link's port, live
// in one node's process. A route acting on one registers the preHandler atDeviceOwner or
// atLinkOwner: when a live peer holds it, the request goes to that peer's internal address (from
// its lease) with the client's bearer token and a forwarding marker, and the peer's answer is the
// client's answer, whichever node the client asked. A holder whose lease ran out holds nothing:
// the request is answered here (device_offline for a device, the recorded end for a link).
// The forwarding itself is api/forward-to-owner.ts; here, what a peer checks of a forwarded
// request: its marker as it arrives, before the client's token, and the body once parsed.
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { isRight } from 'fp-ts/lib/Either.js';
import type { CommandOwner, CommandOwners } from '../../actors/node/command-owners.js';
import { decodeMac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { parseLinkToken } from '../../domain/tunnel/link-token.js';
import { bodyText, forwardToOwner } from '../forward-to-owner.js';
import type { Forwarding } from '../forward-to-owner.js';
import { claimsBody, forwardingHeader } from '../forwarding-marker.js';
import type { MarkerClaim } from '../forwarding-marker.js';

export interface OwnerRoutingOptions extends Forwarding {
  readonly owners: CommandOwners;
}

/** What a route's answer waits for besides the node's own work. */
export interface OwnerWait {
  /** How long the route may wait on the device (a restore's timeout): the peer's bound grows by it. */
  readonly deviceWaitMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler: the node holding the connection of the device in route parameter `param` answers. */
    atDeviceOwner(param: string, wait?: OwnerWait): preHandlerAsyncHookHandler;
    /** A preHandler: the node holding the port of the link whose token is route parameter `param` answers. */
    atLinkOwner(param: string): preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    /** On a request a peer forwarded: the client's address, recorded as the caller's. */
    forwardedFor: string | undefined;
  }
}

const paramOf = (request: FastifyRequest, name: string): string | undefined => {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

const refused = (why: string): TetherError => new TetherError('forwarding_refused', `this hub node refuses a request forwarded by a peer: ${why}`);

export const ownerRouting = fp<OwnerRoutingOptions>(
  async (app, options) => {
    const { owners, key, clock } = options;
    app.decorateRequest('forwardedFor', undefined);
    /** The markers proved as their requests arrived, for their bodies to be checked once parsed. */
    const claims = new WeakMap<FastifyRequest, MarkerClaim>();

    // Before any route's authentication: a peer with another secret refuses the client's token
    // too, and the forwarding node must learn it is the marker, not the client, that failed.
    app.addHook('onRequest', async (request) => {
      const marker = request.headers[forwardingHeader];
      if (marker === undefined) return;
      const check = key.verify(String(marker), { method: request.method, url: request.url }, clock.now());
      if (check.kind === 'refused') throw refused(check.why);
      claims.set(request, check.claim);
    });

    /** `ownerOf` answers undefined for a malformed parameter: the route refuses it here. */
    const atOwner =
      (param: string, ownerOf: (value: string) => Promise<CommandOwner> | undefined, deviceWaitMs = 0): preHandlerAsyncHookHandler =>
      async (request, reply) => {
        if (request.headers[forwardingHeader] !== undefined) {
          const claim = claims.get(request);
          if (claim === undefined || !claimsBody(claim, bodyText(request.body))) throw refused('the forwarding marker was made for another body');
          // Answered here, never forwarded again: the sender found this node holding it.
          request.forwardedFor = claim.clientIp;
          return undefined;
        }
        const value = paramOf(request, param);
        const owner = value === undefined ? undefined : await ownerOf(value);
        return owner?.kind === 'peer' ? forwardToOwner({ owner, request, reply, deviceWaitMs }, options, app.services) : undefined;
      };

    app.decorate('atDeviceOwner', (param: string, wait: OwnerWait = {}) =>
      atOwner(
        param,
        (value) => {
          const mac = decodeMac(value);
          return isRight(mac) ? owners.ofDevice(mac.right) : undefined;
        },
        wait.deviceWaitMs,
      ),
    );
    app.decorate('atLinkOwner', (param: string) =>
      atOwner(param, (value) => {
        const token = parseLinkToken(value);
        return token === undefined ? undefined : owners.ofLink(token.tunnelId);
      }),
    );
  },
  { name: 'tether-owner-routing', dependencies: ['tether-services'] },
);
