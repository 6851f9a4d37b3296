// Hashes and sealed values stay in the store, and never leave the hub through the audit API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { secretFields } from '../../domain/secret-fields.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { Devices } from './devices-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

/** Every secret value the stored events hold, found with the list the redaction uses. */
function storedSecrets(events: readonly RecordedEvent[]): string[] {
  return events.flatMap((event) =>
    (secretFields[event.type] ?? []).flatMap((path) => {
      const value = path.reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined), event.data);
      return typeof value === 'string' ? [value] : [];
    }),
  );
}

describe('secrets in the audit API', () => {
  let t: TestHub;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestHub();
    admin = await t.adminToken();
    await t.createTenant(admin, 'acme');
    const changed = await t.call({ method: 'PUT', url: '/api/v1/tenants/acme/password', token: admin, payload: { password: 'acme-password-2' } });
    expect(changed.statusCode).toBe(200);
    await new Devices(t.hub).add({ mac: '00:00:00:00:00:01', tenant: 'acme' });
    await createAuditor(t, admin, 'eve');
    auditor = await auditorToken(t, 'eve');
  });
  afterAll(async () => t.close());

  it("show that the admin's password was set, by whom and when, without its hash", async () => {
    const response = await t.call({ method: 'GET', url: '/api/v1/audit/events?type=AdminPasswordSet', token: auditor });
    expect(response.statusCode).toBe(200);
    const [line, ...rest] = response.body.trimEnd().split('\n').map((text) => JSON.parse(text) as RecordedEvent);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ stream: 'instance-admin', type: 'AdminPasswordSet', data: { passwordHash: '[redacted]' } });
    expect(line?.metadata).toMatchObject({ actor: { id: 'system', role: 'system' } });
    expect(line?.metadata.at).toEqual(expect.any(String));
  });

  it('never export a hash or a sealed value, to an auditor or the admin, while the chains still verify', async () => {
    const secrets = storedSecrets(await t.hub.store.readAll());
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const token of [auditor, admin]) {
      const exported = await t.call({ method: 'GET', url: '/api/v1/audit/events', token });
      expect(exported.statusCode).toBe(200);
      for (const secret of secrets) expect(exported.body).not.toContain(secret);
      expect(exported.body).not.toMatch(/scrypt\$|sha256\$/);
      const verified = await t.call({ method: 'GET', url: '/api/v1/audit/verify', token });
      expect(verified.json()).toMatchObject({ ok: true });
    }
  });
});
