// A tenant-scoped auditor reads a job's stream only when every tenant of the job is its own:
// a job's events name devices of each of its tenants, and the audit export shows a stored event
// whole or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

describe('job streams in the audit export', () => {
  let t: TestHub;
  let everywhere: string;
  let acmeOnly: string;
  const jobs = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestHub();
    const admin = await t.adminToken();
    for (const id of ['acme', 'globex']) await t.createTenant(admin, id);
    for (const tenants of [['acme'], ['acme', 'globex'], ['globex']]) {
      const target = { url: 'http://127.0.0.1:9/dav', auth: { type: 'none' } };
      const created = await t.call({ method: 'POST', url: '/api/v1/backup-jobs', token: admin, payload: { name: tenants.join('+'), tenants, categories: [], target } });
      expect(created.statusCode, created.body).toBe(201);
      jobs.set(tenants.join('+'), `backupjob-${(created.json() as { id: string }).id}`);
    }
    await createAuditor(t, admin, 'everywhere');
    await createAuditor(t, admin, 'acme-only', ['acme']);
    everywhere = await auditorToken(t, 'everywhere');
    acmeOnly = await auditorToken(t, 'acme-only');
  });
  afterAll(async () => t.close());

  const streamsRead = async (token: string): Promise<string[]> => {
    const response = await t.call({ method: 'GET', url: '/api/v1/audit/events?category=backupjob', token });
    expect(response.statusCode, response.body).toBe(200);
    const lines = response.body.trimEnd().split('\n').filter((line) => line !== '');
    return [...new Set(lines.map((line) => (JSON.parse(line) as { stream: string }).stream))];
  };

  it('shows an auditor of every tenant every job', async () => {
    expect(await streamsRead(everywhere)).toEqual([...jobs.values()]);
  });

  it('shows a scoped auditor the jobs of its tenants alone, not one shared with another tenant', async () => {
    expect(await streamsRead(acmeOnly)).toEqual([jobs.get('acme')]);
  });
});
