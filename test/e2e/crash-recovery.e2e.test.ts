// Acceptance: 1,000 tenant commands while the hub is killed with SIGKILL midway. After a
// restart every command that got a 2xx is in the store exactly once, and the read models
// equal a full rebuild.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'crash-test-admin-password';
const totalCommands = 1000;
const concurrency = 16;
const killAfterSuccesses = 300;

type Kind = 'create' | 'password' | 'grant';
interface Acknowledged {
  readonly kind: Kind;
  readonly requestId: string;
  readonly tenant: string;
}

/** Issues the commands, a few at a time, choosing each from what has been acknowledged so far. */
class Workload {
  readonly acknowledged: Acknowledged[] = [];
  readonly created: string[] = [];
  private readonly grants = new Set<string>();
  private nextId = 0;
  private issued = 0;
  failures = 0;

  constructor(
    private readonly hub: TetherProcess,
    private readonly token: string,
    private readonly onSuccess: (count: number) => void,
  ) {}

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: concurrency }, () => this.worker()));
  }

  private async worker(): Promise<void> {
    while (this.issued < totalCommands) {
      this.issued += 1;
      await this.one(this.choose());
    }
  }

  private choose(): { kind: Kind; tenant: string; method: string; path: string; body?: object } {
    const roll = Math.random();
    const pick = (): string => this.created[Math.floor(Math.random() * this.created.length)] ?? '';
    if (this.created.length >= 5 && roll < 0.35) {
      const tenant = pick();
      return { kind: 'password', tenant, method: 'PUT', path: `/tenants/${tenant}/password`, body: { password: `pw-${Math.random()}` } };
    }
    if (this.created.length >= 5 && roll < 0.6) {
      const [tenant, granted] = [pick(), pick()];
      // Only first grants of a pair, so that every acknowledged grant appends exactly one event.
      if (tenant !== granted && !this.grants.has(`${tenant}>${granted}`)) {
        this.grants.add(`${tenant}>${granted}`);
        return { kind: 'grant', tenant, method: 'PUT', path: `/tenants/${tenant}/grants/${granted}` };
      }
    }
    const tenant = `t${(this.nextId += 1)}`;
    return { kind: 'create', tenant, method: 'POST', path: '/tenants', body: { id: tenant, name: `Tenant ${tenant}`, password: `${tenant}-password` } };
  }

  private async one(command: ReturnType<Workload['choose']>): Promise<void> {
    try {
      const response = await fetch(`${this.hub.baseUrl}/api/v1${command.path}`, {
        method: command.method,
        headers: { authorization: `Bearer ${this.token}`, ...(command.body ? { 'content-type': 'application/json' } : {}) },
        ...(command.body ? { body: JSON.stringify(command.body) } : {}),
      });
      await response.arrayBuffer();
      if (response.status < 200 || response.status > 299) {
        this.failures += 1;
        return;
      }
      const requestId = response.headers.get('x-request-id') ?? '';
      this.acknowledged.push({ kind: command.kind, requestId, tenant: command.tenant });
      if (command.kind === 'create') this.created.push(command.tenant);
      this.onSuccess(this.acknowledged.length);
    } catch {
      // The hub is gone (killed): the command got no 2xx, so it promises nothing.
      this.failures += 1;
    }
  }
}

type Row = Record<string, unknown>;
interface ReadModelDump {
  readonly tenants: Row[];
  readonly tenant_grants: Row[];
  readonly checkpoints: Row[];
}
function dump(file: string): ReadModelDump {
  const db = new Database(file, { readonly: true });
  try {
    return {
      tenants: db.prepare('SELECT * FROM tenants ORDER BY id').all() as Row[],
      tenant_grants: db.prepare('SELECT * FROM tenant_grants ORDER BY tenant_id, granted_tenant_id').all() as Row[],
      checkpoints: db.prepare('SELECT * FROM checkpoints ORDER BY projection').all() as Row[],
    };
  } finally {
    db.close();
  }
}

describe('a hub killed with SIGKILL in the middle of 1,000 commands', () => {
  let dataDir: string;
  const processes: TetherProcess[] = [];

  beforeAll(() => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'tether-crash-'));
  });
  afterAll(() => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged command exactly once, and its read models equal a rebuild', async () => {
    const env = { TETHER_ADMIN_PASSWORD: adminPassword };
    const first = serve({ dataDir, port: await freePort(), nodeId: 'crash', env });
    processes.push(first);
    await ready(first);
    const token = await login(first, { password: adminPassword });

    let killed = false;
    const workload = new Workload(first, token, (count) => {
      if (count >= killAfterSuccesses && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    await workload.run();
    expect(killed).toBe(true);
    expect(await first.exited).toBe('SIGKILL');
    expect(workload.acknowledged.length).toBeGreaterThanOrEqual(killAfterSuccesses);
    expect(workload.failures).toBeGreaterThan(0);

    // Restart on the same data directory and node id: it must catch up from its checkpoint.
    const second = serve({ dataDir, port: await freePort(), nodeId: 'crash', env });
    processes.push(second);
    await ready(second);

    const log = new Database(join(dataDir, 'events.db'), { readonly: true });
    const countByCorrelation = log.prepare<[string], number>(
      "SELECT count(*) FROM events WHERE json_extract(metadata, '$.correlationId') = ?",
    ).pluck();
    const created = log.prepare<[string], number>("SELECT count(*) FROM events WHERE stream = ? AND type = 'TenantCreated'").pluck();
    const duplicates = log
      .prepare("SELECT json_extract(metadata, '$.correlationId') AS c FROM events GROUP BY c HAVING count(*) > 1")
      .all();
    for (const ack of workload.acknowledged) {
      expect(ack.requestId, `${ack.kind} ${ack.tenant}`).toMatch(/^[0-9a-f-]{36}$/);
      expect(countByCorrelation.get(ack.requestId), `${ack.kind} ${ack.tenant} (${ack.requestId})`).toBe(1);
      if (ack.kind === 'create') expect(created.get(`tenant-${ack.tenant}`)).toBe(1);
    }
    expect(duplicates).toEqual([]);
    log.close();

    // What the restarted hub serves, every page of it.
    const listed: { id: string }[] = [];
    for (let after: string | null = ''; after !== null; ) {
      const url = `${second.baseUrl}/api/v1/tenants?limit=500${after ? `&after=${after}` : ''}`;
      const page = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        items: { id: string }[];
        next: string | null;
      };
      listed.push(...page.items);
      after = page.next;
    }
    expect(listed.map((tenant) => tenant.id)).toEqual(expect.arrayContaining(workload.created));

    expect(await terminate(second)).toBe(0);
    const rebuild = runCli(['projections', 'rebuild', '--data', dataDir, '--node-id', 'rebuilt', '--log-level', 'warn']);
    processes.push(rebuild);
    expect(await rebuild.exited, rebuild.stderr()).toBe(0);

    const incremental = dump(join(dataDir, 'readmodels-crash.db'));
    const rebuilt = dump(join(dataDir, 'readmodels-rebuilt.db'));
    expect(incremental.tenants.map((row) => row.id)).toEqual(listed.map((tenant) => tenant.id));
    expect(incremental).toEqual(rebuilt);
  }, 180_000);
});
