// An auditor's credentials: its id and password. A disabled or unknown auditor fails as a
// wrong password does, after the same scrypt work.
import type { ActorRuntime } from '../actors/actor-runtime.js';
import { verifySecret } from '../actors/secret-hash.js';
import { auditorAggregate } from '../domain/auditor/aggregate.js';
import type { Principal } from '../domain/principal.js';

export const auditorPrincipal = (id: string, tenants: readonly string[] | undefined): Principal => ({
  id: `auditor@${id}`,
  role: 'auditor',
  ...(tenants === undefined ? {} : { tenants }),
});

/** The principal an auditor logs in as, or undefined for wrong credentials. */
export async function auditorLogin(
  runtime: ActorRuntime,
  id: string,
  password: string,
  decoyHash: () => Promise<string>,
): Promise<Principal | undefined> {
  const { state } = await runtime.load(auditorAggregate, id);
  const active = state.matches('active');
  const stored = active ? state.context.passwordHash : await decoyHash();
  return (await verifySecret(password, stored)) && active ? auditorPrincipal(id, state.context.tenants) : undefined;
}
