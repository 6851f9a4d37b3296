// A person's credentials: its user id and password. A disabled, deleted or unknown user fails
// as a wrong password does, after the same scrypt work.
import type { ActorRuntime } from '../actors/runtime/actor-runtime.js';
import type { Principal } from '../domain/principal.js';
import { userAggregate } from '../domain/user/aggregate.js';
import type { UserRole } from '../domain/user/user-role.js';
import type { Credentials } from './credentials.js';
import { passwordMatches } from './password-check.js';

const userPrefix = 'user@';

/** Whatever its role, a person acts as `user@<id>`: events and sessions name the person. */
export const userPrincipal = (id: string, role: UserRole, tenants: readonly string[] | undefined): Principal => ({
  id: `${userPrefix}${id}`,
  role,
  ...(tenants === undefined ? {} : { tenants }),
});

/** The user id a person's principal stands for; undefined for the instance admin, a tenant password, an auditor account. */
export const userIdOf = (principal: Principal): string | undefined =>
  principal.id.startsWith(userPrefix) ? principal.id.slice(userPrefix.length) : undefined;

/** The user's credential generation now; undefined when it can no longer log in. */
export async function userGeneration(runtime: ActorRuntime, id: string): Promise<number | undefined> {
  const { state } = await runtime.load(userAggregate, id);
  return state.matches('active') ? state.context.credentialGeneration : undefined;
}

/** The credentials a user logs in with, or undefined for wrong ones. */
export async function userLogin(
  runtime: ActorRuntime,
  id: string,
  password: string,
  decoyHash: () => Promise<string>,
): Promise<Credentials | undefined> {
  const { state } = await runtime.load(userAggregate, id);
  if (!(await passwordMatches(password, state.matches('active') ? state.context.passwordHash : undefined, decoyHash))) return undefined;
  const { role, tenants, credentialGeneration } = state.context;
  return { principal: userPrincipal(id, role, tenants), generation: credentialGeneration };
}
