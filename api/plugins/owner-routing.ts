// Several hub nodes share one store, but a device's control connection, and a link's port, live
// in one node's process. A route acting on one registers the preHandler atDeviceOwner or
// atLinkOwner: when a live peer holds it, the request goes to that peer's internal address (from
// its lease) with the client's bearer token and a forwarding marker, and the peer's answer is the
// client's answer, whichever node the client asked. A holder whose lease ran out holds nothing:
// the request is answered here (device_offline for a device, the recorded end for a link).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { isRight } from 'fp-ts/lib/Either.js';
import type { CommandOwner, CommandOwners } from '../../actors/node/command-owners.js';
import { decodeMac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.js';
import { parseLinkToken } from '../../domain/tunnel/link-token.js';
import { forwardingHeader } from '../forwarding-marker.js';
import type { ForwardingKey } from '../forwarding-marker.js';

export interface OwnerRoutingOptions {
  readonly owners: CommandOwners;
  readonly key: ForwardingKey;
  readonly clock: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler: the node holding the connection of the device in route parameter `param` answers. */
    atDeviceOwner(param: string): preHandlerAsyncHookHandler;
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

/** The body as JSON text: both nodes serialise the body they parsed, so the marker covers the same text. */
const bodyText = (body: unknown): string => (body === undefined ? '' : JSON.stringify(body));

/** The peer's headers the client sees: its request id is the correlationId of what the command recorded. */
const relayedHeaders = ['content-type', 'x-request-id'];

export const ownerRouting = fp<OwnerRoutingOptions>(
  async (app, { owners, key, clock }) => {
    app.decorateRequest('forwardedFor', undefined);

    const answerAt = async (owner: Extract<CommandOwner, { kind: 'peer' }>, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const body = bodyText(request.body);
      const marker = key.sign({ method: request.method, url: request.url, body, clientIp: request.ip }, clock.now());
      const headers: Record<string, string> = { [forwardingHeader]: marker };
      if (request.headers.authorization !== undefined) headers.authorization = request.headers.authorization;
      if (body !== '') headers['content-type'] = 'application/json';
      let answer: Response;
      try {
        answer = await fetch(`${owner.address.replace(/\/+$/, '')}${request.url}`, {
          method: request.method,
          headers,
          redirect: 'manual',
          ...(body === '' ? {} : { body }),
        });
      } catch (error) {
        request.log.warn({ err: error, node: owner.nodeId }, 'the hub node holding the device or link did not answer a forwarded request');
        throw new TetherError('unavailable', `hub node ${owner.nodeId}, which holds the device's connection or the link, did not answer: try again`);
      }
      const text = await answer.text();
      if (answer.ok) await caughtUpWithPeer(request);
      void reply.code(answer.status);
      for (const name of relayedHeaders) {
        const value = answer.headers.get(name);
        if (value !== null) void reply.header(name, value);
      }
      return reply.send(text === '' ? undefined : text);
    };

    /** The client's next read here sees what the peer recorded, as it would on the peer. */
    const caughtUpWithPeer = async (request: FastifyRequest): Promise<void> => {
      const { eventStore, readModels, readYourWritesTimeoutMs } = app.services;
      const head = await eventStore.headPosition();
      await readModels.waitFor(head, readYourWritesTimeoutMs).catch((error: unknown) => {
        request.log.warn({ err: error }, 'the read models did not catch up with a forwarded command in time');
      });
    };

    /** `ownerOf` answers undefined for a malformed parameter: the route refuses it here. */
    const atOwner =
      (param: string, ownerOf: (value: string) => Promise<CommandOwner> | undefined): preHandlerAsyncHookHandler =>
      async (request, reply) => {
        const marker = request.headers[forwardingHeader];
        if (marker !== undefined) {
          const clientIp = key.verify(String(marker), { method: request.method, url: request.url, body: bodyText(request.body) }, clock.now());
          if (clientIp === undefined) throw new TetherError('unauthenticated', 'the request claims to come from a peer hub node, and its marker does not prove it');
          // Answered here, never forwarded again: the sender found this node holding it.
          request.forwardedFor = clientIp;
          return undefined;
        }
        const value = paramOf(request, param);
        const owner = value === undefined ? undefined : await ownerOf(value);
        return owner?.kind === 'peer' ? answerAt(owner, request, reply) : undefined;
      };

    app.decorate('atDeviceOwner', (param: string) =>
      atOwner(param, (value) => {
        const mac = decodeMac(value);
        return isRight(mac) ? owners.ofDevice(mac.right) : undefined;
      }),
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
