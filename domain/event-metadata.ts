import * as t from 'io-ts';
import { Principal } from './principal.js';

/**
 * Carried by every stored event. `previousHash`/`hash` chain each stream: hash is the
 * SHA-256 of the previous hash and this event's canonical content (actors/runtime/hash-chain.ts),
 * so an auditor can prove a stream was not altered.
 */
export const EventMetadata = t.intersection([
  t.type({
    actor: Principal,
    correlationId: t.string,
    causationId: t.string,
    at: t.string,
    previousHash: t.string,
    hash: t.string,
  }),
  t.partial({ ip: t.string }),
]);
export type EventMetadata = t.TypeOf<typeof EventMetadata>;
