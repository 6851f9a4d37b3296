// First start creates the instance admin. Its password comes from TETHER_ADMIN_PASSWORD or
// is generated here (the caller prints it once); only its scrypt hash enters the store.
import { randomBytes } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { ActorRuntime } from '../actors/runtime/actor-runtime.js';
import { hashSecret } from '../actors/secrets/secret-hash.js';
import { isTetherError, TetherError } from '../domain/errors.js';
import { instanceAggregate } from '../domain/instance/aggregate.js';
import { instanceAdminId } from '../domain/instance/commands.js';
import { systemPrincipal } from '../domain/principal.js';
import { Password } from './codecs.js';

export type AdminBootstrap =
  | { readonly created: false }
  | { readonly created: true; /** Set when this start made the password up: show it once. */ readonly generatedPassword?: string };

export function assertAdminPassword(configured: string | undefined): void {
  if (configured !== undefined && isLeft(Password.decode(configured))) {
    throw new TetherError('invalid_configuration', 'TETHER_ADMIN_PASSWORD must be 8 to 1024 characters', ['TETHER_ADMIN_PASSWORD']);
  }
}

export async function ensureInstanceAdmin(runtime: ActorRuntime, configured: string | undefined): Promise<AdminBootstrap> {
  assertAdminPassword(configured);
  const { state } = await runtime.load(instanceAggregate, instanceAdminId);
  if (state.matches('initialized')) return { created: false };
  const password = configured ?? randomBytes(18).toString('base64url');
  const command = { type: 'InitializeAdmin', passwordHash: await hashSecret(password) } as const;
  try {
    await runtime.execute(instanceAggregate, instanceAdminId, command, { principal: systemPrincipal });
  } catch (error) {
    // Another hub on the same store created it first: its password holds.
    if (isTetherError(error, 'already_exists')) return { created: false };
    throw error;
  }
  return configured === undefined ? { created: true, generatedPassword: password } : { created: true };
}
