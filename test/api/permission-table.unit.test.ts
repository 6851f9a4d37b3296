// The README's permission table is the one in api/permissions.ts, rendered: change either
// alone and this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { permissionTable } from '../../api/permission-table.js';

describe('the permission table in the README', () => {
  it('is the table api/permissions.ts holds', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(permissionTable());
  });

  it('shows an operator changing no configuration and an auditor writing nothing but its password', () => {
    const rows = permissionTable().split('\n');
    const row = (resource: string): string[] => rows.find((line) => line.startsWith(`| \`${resource}\` |`))?.split(' | ') ?? [];
    expect(row('proxy')[4]).toBe('—');
    expect(row('tenantGrant')[4]).toBe('—');
    expect(row('device')[4]).toBe('read');
    expect(row('deviceLink')[4]).toBe('create, delete');
  });
});
