// Auditor accounts for API tests, made and logged in through the real API.
import { expect } from 'vitest';
import type { TestHub } from './hub-harness.js';

export const auditorPassword = (id: string): string => `${id}-auditor-password`;

export async function createAuditor(t: TestHub, admin: string, id: string, tenants?: readonly string[]): Promise<void> {
  const payload = { id, name: `Auditor ${id}`, password: auditorPassword(id), ...(tenants === undefined ? {} : { tenants }) };
  const response = await t.call({ method: 'POST', url: '/api/v1/auditors', token: admin, payload });
  expect(response.statusCode, response.body).toBe(201);
}

export async function auditorToken(t: TestHub, id: string, password = auditorPassword(id)): Promise<string> {
  const response = await t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { auditor: id, password } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { token: string }).token;
}

export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
