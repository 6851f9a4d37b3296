// People's accounts for API tests, made and logged in through the real API.
import { expect } from 'vitest';
import type { TestHub } from './hub-harness.js';

export const userPassword = (id: string): string => `${id}-user-password`;

export interface NewUser {
  readonly id: string;
  readonly role: 'admin' | 'owner' | 'operator' | 'auditor';
  readonly tenants?: readonly string[];
}

export async function createUser(t: TestHub, token: string, { id, role, tenants }: NewUser): Promise<void> {
  const payload = { id, name: `Person ${id}`, password: userPassword(id), role, ...(tenants === undefined ? {} : { tenants }) };
  const response = await t.call({ method: 'POST', url: '/api/v1/users', token, payload });
  expect(response.statusCode, response.body).toBe(201);
}

export async function userToken(t: TestHub, id: string, password = userPassword(id)): Promise<string> {
  const response = await t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { user: id, password } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { token: string }).token;
}
