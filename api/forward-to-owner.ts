// The forwarding side of owner routing: the request goes to the peer holding the device or link,
// with the client's bearer token and a marker, and the peer's answer becomes the client's. The
// peer gets a bound of its own: a peer that hangs (stuck, or cut off behind a firewall that drops
// packets) leaves the client a clear unavailable naming it, not a wait of minutes. A peer that
// refuses the marker is a cluster misconfiguration, said as such to the client and the log.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandOwner } from '../actors/node/command-owners.js';
import { TetherError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';
import { isUntrustedCertificate, logPeerTrouble } from '../data-plane/peer-trouble.js';
import { forwardingHeader } from './forwarding-marker.js';
import type { ForwardingKey } from './forwarding-marker.js';
import { exchangeWithPeer } from './peer-exchange.js';
import type { PeerExchange } from './peer-exchange.js';
import type { HubServices } from './plugins/services.js';
import { readYourWrites } from './read-your-writes.js';

export type PeerOwner = Extract<CommandOwner, { kind: 'peer' }>;

export interface Forwarding {
  readonly key: ForwardingKey;
  readonly clock: Clock;
  /** How long a peer may take to answer a forwarded request, beyond what its route waits on the device. */
  readonly timeoutMs: number;
}

/** The body as JSON text: both nodes serialise the body they parsed, so the marker covers the same text. */
export const bodyText = (body: unknown): string => (body === undefined ? '' : JSON.stringify(body));

/** The peer's headers the client sees: its request id is the correlationId of what the command recorded. */
const relayedHeaders = ['content-type', 'x-request-id'];

/** Methods that change nothing: their answer need not wait for the read models here. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

const holding = "which holds the device's connection or the link";

function refusedForwarding(exchange: Extract<PeerExchange, { kind: 'answered' }>): string | undefined {
  if (exchange.status < 400) return undefined;
  try {
    const body = JSON.parse(exchange.text) as { error?: { code?: unknown; message?: unknown } };
    return body.error?.code === 'forwarding_refused' ? String(body.error.message) : undefined;
  } catch {
    return undefined;
  }
}

/** `deviceWaitMs`: how long the route's own answer may wait on the device (a restore's timeout). */
export async function forwardToOwner(
  { owner, request, reply, deviceWaitMs }: { owner: PeerOwner; request: FastifyRequest; reply: FastifyReply; deviceWaitMs: number },
  forwarding: Forwarding,
  services: HubServices,
): Promise<FastifyReply> {
  const { key, clock } = forwarding;
  const body = bodyText(request.body);
  const headers: Record<string, string> = { [forwardingHeader]: key.sign({ method: request.method, url: request.url, body, clientIp: request.ip }, clock.now(), owner.nodeId) };
  if (request.headers.authorization !== undefined) headers.authorization = request.headers.authorization;
  if (body !== '') headers['content-type'] = 'application/json';
  const timeoutMs = forwarding.timeoutMs + deviceWaitMs;
  const exchange = await exchangeWithPeer({ url: `${owner.address.replace(/\/+$/, '')}${request.url}`, method: request.method, headers, body }, timeoutMs, clock);
  if (exchange.kind === 'timed-out') {
    request.log.error({ node: owner.nodeId, timeoutMs }, 'the hub node holding the device or link did not answer a forwarded request in time');
    throw new TetherError('unavailable', `hub node ${owner.nodeId}, ${holding}, did not answer within ${timeoutMs} ms: try again`);
  }
  if (exchange.kind === 'unreachable') {
    if (isUntrustedCertificate(exchange.error)) {
      logPeerTrouble(request.log, 'certificate-untrusted', { err: exchange.error, node: owner.nodeId });
    } else {
      request.log.warn({ err: exchange.error, node: owner.nodeId }, 'the hub node holding the device or link did not answer a forwarded request');
    }
    throw new TetherError('unavailable', `hub node ${owner.nodeId}, ${holding}, did not answer: try again`);
  }
  const refusal = refusedForwarding(exchange);
  if (refusal !== undefined) {
    logPeerTrouble(request.log, 'marker-refused', { node: owner.nodeId, refusal });
    throw new TetherError(
      'unavailable',
      `hub node ${owner.nodeId}, ${holding}, refused the request this node forwarded to it: the operator must check that every hub node has the same TETHER_TOKEN_SECRET and synchronised clocks`,
    );
  }
  if (exchange.status < 300 && !safeMethods.has(request.method)) {
    // The client's next read here sees what the peer recorded, as it would on the peer.
    await readYourWrites(services, { position: await services.eventStore.headPosition() }).catch((error: unknown) => {
      request.log.warn({ err: error }, 'the read models did not catch up with a forwarded command in time');
    });
  }
  void reply.code(exchange.status);
  for (const name of relayedHeaders) {
    const value = exchange.header(name);
    if (value !== undefined) void reply.header(name, value);
  }
  return reply.send(exchange.text === '' ? undefined : exchange.text);
}
