import type { Principal } from './principal.js';

/** Who asks, and from where: becomes the metadata of every event the command appends. */
export interface CommandContext {
  readonly principal: Principal;
  readonly ip?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}
