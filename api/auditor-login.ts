// An auditor's credentials: its id and password. A disabled or unknown auditor fails as a
// wrong password does, after the same scrypt work.
import type { ActorRuntime } from '../actors/runtime/actor-runtime.js';
import { auditorAggregate } from '../domain/auditor/aggregate.js';
import type { Principal } from '../domain/principal.js';
import type { Credentials } from './credentials.js';
import { passwordMatches } from './password-check.js';

const auditorPrefix = 'auditor@';

export const auditorPrincipal = (id: string, tenants: readonly string[] | undefined): Principal => ({
  id: `${auditorPrefix}${id}`,
  role: 'auditor',
  ...(tenants === undefined ? {} : { tenants }),
});

/** The auditor id an auditor principal stands for. */
export const auditorIdOf = (principal: Principal): string | undefined =>
  principal.role === 'auditor' && principal.id.startsWith(auditorPrefix) ? principal.id.slice(auditorPrefix.length) : undefined;

/** The credentials an auditor logs in with, or undefined for wrong ones. */
export async function auditorLogin(
  runtime: ActorRuntime,
  id: string,
  password: string,
  decoyHash: () => Promise<string>,
): Promise<Credentials | undefined> {
  const { state } = await runtime.load(auditorAggregate, id);
  if (!(await passwordMatches(password, state.matches('active') ? state.context.passwordHash : undefined, decoyHash))) return undefined;
  return { principal: auditorPrincipal(id, state.context.tenants), generation: state.context.credentialGeneration };
}
