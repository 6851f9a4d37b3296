import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { auditorAggregate } from '../../domain/auditor/aggregate.js';
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import { catalogAggregate } from '../../domain/catalog/aggregate.js';
import { catalogFileAggregate } from '../../domain/catalog-file/aggregate.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import { JobEvent } from '../../domain/job/job-events.js';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { protocolAppAggregate } from '../../domain/protocol-app/aggregate.js';
import { provisioningAggregate } from '../../domain/provisioning/aggregate.js';
import { proxyAggregate } from '../../domain/proxy/aggregate.js';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import { restoreAggregate } from '../../domain/restore/aggregate.js';
import { redactedSecret, redactSecrets, secretFields } from '../../domain/secret-fields.js';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import { updateJobAggregate } from '../../domain/update-job/aggregate.js';
import { userAggregate } from '../../domain/user/aggregate.js';

const eventCodecs: readonly t.Mixed[] = [
  auditorAggregate,
  backupJobAggregate,
  catalogAggregate,
  catalogFileAggregate,
  deviceAggregate,
  forwardAggregate,
  instanceAggregate,
  protocolAppAggregate,
  provisioningAggregate,
  proxyAggregate,
  relayAggregate,
  restoreAggregate,
  tenantAggregate,
  tunnelAggregate,
  updateJobAggregate,
  userAggregate,
]
  .map((aggregate): t.Mixed => aggregate.events)
  // The job aggregates wrap this union in a codec of their own, which hides its members.
  .concat(JobEvent);

/** The members of unions and intersections, and what a refinement or exact type wraps. */
function parts(codec: t.Mixed): t.Mixed[] {
  if (codec instanceof t.UnionType || codec instanceof t.IntersectionType) return (codec.types as t.Mixed[]).flatMap(parts);
  if (codec instanceof t.RefinementType || codec instanceof t.ExactType || codec instanceof t.ReadonlyType) return parts(codec.type as t.Mixed);
  return [codec];
}

const propsOf = (codec: t.Mixed): [string, t.Mixed][] =>
  parts(codec).flatMap((part) => (part instanceof t.InterfaceType || part instanceof t.PartialType ? Object.entries(part.props as t.Props) : []));

/** Paths of fields whose name says they hold a hash, a sealed value or a secret. */
function secretPaths(codec: t.Mixed, path: readonly string[] = []): string[] {
  return propsOf(codec).flatMap(([key, field]) => [
    ...(/hash|sealed|secret|password/i.test(key) ? [[...path, key].join('.')] : []),
    ...secretPaths(field, [...path, key]),
  ]);
}

describe('secret fields of events', () => {
  it('name every field of every event type that holds a hash or a sealed value', () => {
    const found: Record<string, string[]> = {};
    for (const codec of eventCodecs) {
      for (const event of parts(codec)) {
        const props = Object.fromEntries(propsOf(event));
        const type = props.type;
        const data = props.data;
        if (!(type instanceof t.LiteralType) || data === undefined) continue;
        const paths = secretPaths(data);
        if (paths.length > 0) found[String(type.value)] = [...new Set(paths)].sort();
      }
    }
    const listed = Object.fromEntries(Object.entries(secretFields).map(([type, paths]) => [type, paths.map((p) => p.join('.')).sort()]));
    expect(found).toEqual(listed);
  });

  it('are replaced in a copy, nested ones too, and only where present', () => {
    const data = { tenantId: 'acme', passwordHash: 'scrypt$x', sealedPassword: 'v1.y' };
    expect(redactSecrets('TenantCreated', data)).toEqual({ tenantId: 'acme', passwordHash: redactedSecret, sealedPassword: redactedSecret });
    expect(data.passwordHash).toBe('scrypt$x');
    expect(redactSecrets('TenantPasswordChanged', { tenantId: 'acme', passwordHash: 'h' })).toEqual({ tenantId: 'acme', passwordHash: redactedSecret });
    expect(redactSecrets('BackupJobCreated', { spec: { kind: 'backup', sealedPassword: 's' } })).toEqual({ spec: { kind: 'backup', sealedPassword: redactedSecret } });
    expect(redactSecrets('BackupJobCreated', { spec: { kind: 'backup' } })).toEqual({ spec: { kind: 'backup' } });
    expect(redactSecrets('TenantAccessGranted', { passwordHash: 'not a secret here' })).toEqual({ passwordHash: 'not a secret here' });
    expect(redactSecrets('constructor', { a: 1 })).toEqual({ a: 1 });
  });
});
