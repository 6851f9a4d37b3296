// Who is signed in: the bearer token, kept in sessionStorage so it lives as long as the tab,
// and the claims it carries (role, tenant), read to decide which views and buttons to show.
// The hub checks every request itself; these claims only shape the console.
export type Role = 'admin' | 'tenant-admin' | 'owner' | 'operator' | 'auditor';

export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly subject: string;
  readonly tenant?: string;
}

const storageKey = 'tether.token';
const roles: readonly string[] = ['admin', 'tenant-admin', 'owner', 'operator', 'auditor'];

function claimsOf(token: string): Session | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof json !== 'object' || json === null) return undefined;
    const { sub, role, tenant } = json as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof role !== 'string' || !roles.includes(role)) return undefined;
    return { token, role: role as Role, subject: sub, ...(typeof tenant === 'string' ? { tenant } : {}) };
  } catch {
    return undefined;
  }
}

export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(storageKey);
  return token === null ? undefined : claimsOf(token);
}

/** Undefined: the token is not one the console can use (a device's or a relay's). */
export function startSession(token: string): Session | undefined {
  const session = claimsOf(token);
  if (session !== undefined) sessionStorage.setItem(storageKey, token);
  return session;
}

export function endSession(): void {
  sessionStorage.removeItem(storageKey);
}

export const canWrite = (session: Session): boolean => session.role !== 'auditor';

/** Signed in for some tenants only, as a tenant's password, an owner or an operator is: no history, no relays. */
export const tenantBound = (session: Session): boolean => session.role === 'tenant-admin' || session.role === 'owner' || session.role === 'operator';
