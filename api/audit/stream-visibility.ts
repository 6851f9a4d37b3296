// Which streams a principal may read through the audit API. The admin and an auditor of every
// tenant read the whole store. An auditor of named tenants reads, and nothing else:
// - `tenant-<t>` of its tenants;
// - `device-<mac>` of devices listed NOW in one of its tenants (the read model's current
//   listing, as GET /devices shows): a device's whole history, from before and after a move
//   included, or none of it; a device that moved away takes its history with it;
// - `provisioning-<codeId>` of codes issued for one of its tenants;
// - `tunnel-<uuid>` of links opened to a device of one of its tenants (a session stays with
//   the tenant it was opened for), and `forward-<uuid>` of proxy and protocol-application
//   sessions through such a device (a proxy to a host or plugin belongs to no tenant);
// - `restore-<requestId>` of restores asked of a device while it was in one of its tenants;
// - `updatejob-<uuid>` and `backupjob-<uuid>` of jobs all of whose tenants are its own: a job's
//   events name devices of each of its tenants, and a stored event is shown whole or not at all.
// Not instance-, auditor- or any other stream.
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import { StreamNotFound } from '../../domain/ports/event-store.js';
import type { Principal } from '../../domain/principal.js';
import { categoryOf, idOf } from '../../domain/stream-name.js';
import { updateJobAggregate } from '../../domain/update-job/aggregate.js';
import { getDevice } from '../../projections/devices/index.js';
import type { HubServices } from '../plugins/services.js';
import { visibleTenants } from '../tenant-scope.js';

export type StreamVisibility = (stream: string) => Promise<boolean>;

// Bounds the memory of a long export over many streams; a forgotten verdict is asked again.
const maxRemembered = 10_000;

export function streamVisibility(services: HubServices, principal: Principal): StreamVisibility {
  const scope = visibleTenants(services, principal);
  if (scope === undefined) return async () => true;
  const tenants = new Set(scope);
  const remembered = new Map<string, boolean>();

  const tenantsOf = async (stream: string): Promise<readonly unknown[]> => {
    switch (categoryOf(stream)) {
      case 'tenant':
        return [idOf(stream)];
      case 'device':
        return [services.readModels.read((db) => getDevice(db, idOf(stream)))?.tenant];
      case 'provisioning':
      case 'restore':
      case 'tunnel':
      case 'forward':
        return [(await firstEventData(services, stream))?.tenantId];
      case updateJobAggregate.category:
      case backupJobAggregate.category: {
        const jobTenants = (await firstEventData(services, stream))?.tenants;
        return Array.isArray(jobTenants) ? jobTenants : [];
      }
      default:
        return [];
    }
  };

  return async (stream) => {
    const known = remembered.get(stream);
    if (known !== undefined) return known;
    const of = await tenantsOf(stream);
    const visible = of.length > 0 && of.every((tenant) => typeof tenant === 'string' && tenants.has(tenant));
    if (remembered.size >= maxRemembered) remembered.clear();
    remembered.set(stream, visible);
    return visible;
  };
}

/** Whom a code was issued for, a link opened for, a restore or a job asked for: the stream's first event says so. */
async function firstEventData(services: HubServices, stream: string): Promise<Readonly<Record<string, unknown>> | undefined> {
  try {
    const [first] = await services.eventStore.readStream(stream, { maxCount: 1 });
    return first?.data;
  } catch (error) {
    if (error instanceof StreamNotFound) return undefined;
    throw error;
  }
}
