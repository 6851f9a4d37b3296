// The one way a login checks a password: against the account's hash when it may log in, and
// otherwise against a decoy after the same scrypt work, so a failure takes as long whether
// the account is missing, disabled or the password wrong.
import { verifySecret } from '../actors/secrets/secret-hash.js';

export async function passwordMatches(password: string, stored: string | undefined, decoyHash: () => Promise<string>): Promise<boolean> {
  const matches = await verifySecret(password, stored ?? (await decoyHash()));
  return matches && stored !== undefined;
}
