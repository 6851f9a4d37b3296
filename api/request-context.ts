import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../domain/command-context.js';
import type { Principal } from '../domain/principal.js';

/** Who asked, from where, under which request id: the metadata of every event a command appends. */
export const commandContext = (request: FastifyRequest, principal: Principal): CommandContext => ({
  principal,
  // A request a peer node forwarded names the client's address, not the peer's.
  ip: request.forwardedFor ?? request.ip,
  correlationId: request.id,
});
