// Who is signed in: the bearer token, kept in sessionStorage so it lives as long as the tab,
// and the claims it carries (role, tenant). What the console shows a role comes from the hub's
// own permission table (api/permissions.ts), so a role added there needs no change here.
// The hub checks every request itself; these claims only shape the console.
import { can, permissions } from '../../api/permissions.js';
import type { Action, Resource } from '../../api/permissions.js';
import type { Role } from '../../domain/principal.js';

export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly subject: string;
  readonly tenant?: string;
  /** Whether the hub lets this role do that: the one question views ask before showing a control. */
  readonly may: (resource: Resource, action: Action) => boolean;
}

const storageKey = 'tether.token';

const isRole = (role: unknown): role is Role => typeof role === 'string' && Object.hasOwn(permissions, role);

function claimsOf(token: string): Session | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof json !== 'object' || json === null) return undefined;
    const { sub, role, tenant } = json as Record<string, unknown>;
    if (typeof sub !== 'string' || !isRole(role)) return undefined;
    const principal = { id: sub, role, ...(typeof tenant === 'string' ? { tenant } : {}) };
    // A role that may not even read devices (a device's, a relay's) has nothing to see here.
    if (!can(principal, 'device', 'read')) return undefined;
    return { token, role, subject: sub, ...(principal.tenant === undefined ? {} : { tenant: principal.tenant }), may: (resource, action) => can(principal, resource, action) };
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
