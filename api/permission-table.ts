// The permission table as the README shows it, rendered from api/permissions.ts so the two
// cannot drift apart (a test holds the README to this).
import type { Role } from '../domain/principal.js';
import { actions, permissions, resources } from './permissions.js';

/** The roles a person or a shared password logs in as, in the README's column order. */
const columns: readonly (readonly [Role, string])[] = [
  ['admin', '`admin`'],
  ['owner', '`owner`'],
  ['tenant-admin', 'tenant password'],
  ['operator', '`operator`'],
  ['auditor', '`auditor`'],
];

function cell(role: Role, resource: (typeof resources)[number]): string {
  const granted = permissions[role];
  if (granted === 'all') return 'all';
  const mine = actions.filter((action) => granted.some((p) => p.resource === resource && p.action === action));
  return mine.length === 0 ? '—' : mine.join(', ');
}

/** One row per resource, one column per role, each cell the actions granted. */
export function permissionTable(): string {
  const header = `| resource | ${columns.map(([, title]) => title).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const rows = resources.map((resource) => `| \`${resource}\` | ${columns.map(([role]) => cell(role, resource)).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
