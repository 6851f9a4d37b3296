// "Deploy the tenant password on all devices": what goes out, if anything. The password is
// unsealed only at the moment it is sent, and never kept.
import { TetherError } from '../../domain/errors.js';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { SecretSeal } from '../secrets/secret-seal.js';

export type TenantPasswordToDeploy =
  | { readonly deploy: true; readonly password: string }
  | { readonly deploy: false; readonly why: 'no-tenant' | 'turned-off' };

/**
 * The tenant password in clear when the tenant deploys it; throws invalid_configuration when
 * it cannot be opened (a tenant older than sealing, or another seal key).
 */
export async function tenantPasswordToDeploy(runtime: ActorRuntime, seal: SecretSeal, tenantId: string): Promise<TenantPasswordToDeploy> {
  const { state } = await runtime.load(tenantAggregate, tenantId);
  if (!state.matches('active')) return { deploy: false, why: 'no-tenant' };
  if (!state.context.passwordDeployment) return { deploy: false, why: 'turned-off' };
  const sealed = state.context.sealedPassword;
  if (sealed === undefined) {
    throw new TetherError(
      'invalid_configuration',
      `tenant ${tenantId} has no sealed password to deploy (it predates sealing): set its password again`,
    );
  }
  return { deploy: true, password: seal.unseal(sealed, tenantId) };
}
