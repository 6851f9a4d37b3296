// A bearer token holds only while the credential it was issued for does: it carries the
// principal's credential generation, which a password change moves on and a disabled auditor
// or user loses. Checked against the store on every request, so a change made on any hub node counts
// on every other at once.
import type { ActorRuntime } from '../actors/runtime/actor-runtime.js';
import { auditorAggregate } from '../domain/auditor/aggregate.js';
import { instanceAggregate } from '../domain/instance/aggregate.js';
import { instanceAdminId } from '../domain/instance/commands.js';
import type { Principal } from '../domain/principal.js';
import { tenantAggregate } from '../domain/tenant/aggregate.js';
import { auditorIdOf } from './auditor-login.js';
import { userGeneration, userIdOf } from './user-login.js';

/** Who a token was issued to, and under which generation of its credential. */
export interface Credentials {
  readonly principal: Principal;
  readonly generation: number;
}

/** The principal's credential generation now; undefined when it can no longer log in at all. */
export async function currentGeneration(runtime: ActorRuntime, principal: Principal): Promise<number | undefined> {
  // A person's account, whatever its role.
  const user = userIdOf(principal);
  if (user !== undefined) return userGeneration(runtime, user);
  switch (principal.role) {
    case 'admin': {
      const { state } = await runtime.load(instanceAggregate, instanceAdminId);
      return state.matches('initialized') ? state.context.credentialGeneration : undefined;
    }
    case 'tenant-admin': {
      if (principal.tenant === undefined) return undefined;
      const { state } = await runtime.load(tenantAggregate, principal.tenant);
      return state.matches('active') ? state.context.credentialGeneration : undefined;
    }
    case 'auditor': {
      const id = auditorIdOf(principal);
      if (id === undefined) return undefined;
      const { state } = await runtime.load(auditorAggregate, id);
      return state.matches('active') ? state.context.credentialGeneration : undefined;
    }
    // Only a person's account is an owner or operator, and no login issues tokens for the rest.
    case 'owner':
    case 'operator':
    case 'device':
    case 'relay':
    case 'system':
      return undefined;
  }
}

export const credentialsCurrent = async (runtime: ActorRuntime, credentials: Credentials): Promise<boolean> =>
  (await currentGeneration(runtime, credentials.principal)) === credentials.generation;
