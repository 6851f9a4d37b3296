import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

describe('request logs', () => {
  const lines: string[] = [];
  let t: TestHub;
  let admin: string;

  beforeAll(async () => {
    t = await startTestHub({ logLevel: 'info', logStream: { write: (line: string) => void lines.push(line) } });
    admin = await t.adminToken();
  });
  afterAll(async () => t.close());

  it('never show a DeviceLink close token, in any line of the request', async () => {
    const secret = randomBytes(32).toString('base64url');
    const token = `${randomUUID()}.${secret}`;
    lines.length = 0;
    const response = await t.call({ method: 'DELETE', url: `/api/v1/devicelink/${token}`, token: admin });
    expect(response.statusCode).toBe(404);
    const requestLines = lines.filter((line) => line.includes(response.headers['x-request-id'] as string));
    expect(requestLines.length).toBeGreaterThan(1);
    expect(lines.join('')).not.toContain(secret);
    expect(requestLines.join('')).toContain('/api/v1/devicelink/[redacted]');
  });

  it('never show a token in a query or a path no route knows', async () => {
    lines.length = 0;
    const secret = randomBytes(24).toString('base64url');
    await t.call({ method: 'GET', url: `/api/v1/tenants?limit=2&token=${secret}`, token: admin });
    await t.call({ method: 'GET', url: `/api/v1/devicelink/${secret}/more?password=${secret}`, token: admin });
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('')).not.toContain(secret);
    expect(lines.join('')).toContain('/api/v1/tenants?limit=2&token=[redacted]');
  });
});
