// Tenants and their provisioning codes as the hub's API answers them: the fields the commands
// show are checked; --json prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

export const TenantView = t.type(
  { id: t.string, name: t.string, grants: t.array(t.string), passwordDeployment: t.boolean, createdAt: t.string, updatedAt: t.string },
  'a tenant',
);
export type TenantView = t.TypeOf<typeof TenantView>;

export const TenantPage = pageOf(TenantView, 'a page of tenants');

export const IssuedCode = t.intersection(
  [t.type({ code: t.string, codeId: t.string, expiresAt: t.string }), t.partial({ maxUses: t.number })],
  'an issued provisioning code',
);

export const CodeView = t.intersection(
  [t.type({ codeId: t.string, tenantId: t.string, expiresAt: t.string, uses: t.number, createdAt: t.string, state: t.string }), t.partial({ maxUses: t.number })],
  'a provisioning code',
);
export type CodeView = t.TypeOf<typeof CodeView>;

export const CodeList = t.type({ items: t.array(CodeView) }, 'a list of provisioning codes');
