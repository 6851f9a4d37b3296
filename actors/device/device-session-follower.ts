// What the log tells this node's live connections, whichever node appended it: a connection
// ended elsewhere closes here, an assignment or an admin's details change what the device is
// announced as, a tenant password to deploy goes to its devices connected here. What this
// node stored itself its live module (device-live.ts) has applied already: hearing it again
// changes nothing and announces nothing.
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { DeviceCredentials } from './device-credentials.js';
import { followDeviceEvents } from './device-event-follower.js';
import type { DeviceEventFollower } from './device-event-follower.js';
import type { DeviceLive } from './device-live.js';
import type { DeviceSessions, Session } from './device-sessions.js';
import type { DeviceSupervisorLogger } from './device-supervisor-options.js';
import type { DeviceWorkQueue } from './device-work-queue.js';

export interface SessionFollowing {
  readonly store: EventStore;
  readonly runtime: ActorRuntime;
  readonly logger: DeviceSupervisorLogger;
  readonly sessions: DeviceSessions;
  readonly live: DeviceLive;
  /** Work on a device waits for its turn, as the supervisor's own does. */
  readonly queue: DeviceWorkQueue;
  readonly credentials: DeviceCredentials;
}

export function followForSessions({ store, runtime, logger, sessions, live, queue, credentials }: SessionFollowing): DeviceEventFollower {
  const onSession = (mac: string, work: (session: Session) => Promise<void>): void => {
    const session = sessions.get(mac);
    if (session === undefined) return;
    queue
      .run(session.mac, async () => {
        // Still the live connection here once its turn comes?
        if (sessions.isLive(session)) await work(session);
      })
      .catch((error: unknown) => logger.error({ err: error, mac }, 'could not follow a device event'));
  };
  // The store says which tenant, if any, the connection is in now, and the admin's categories.
  const refreshed = (mac: string): void => onSession(mac, async (session) => live.refresh(session, (await runtime.load(deviceAggregate, session.mac)).state));
  return followDeviceEvents(
    store,
    {
      // Ended by someone else while this node holds it: another node took the device over.
      connectionEnded: (mac, connectionId) => onSession(mac, async (session) => live.end(session.mac, connectionId, 'superseded')),
      assignmentChanged: refreshed,
      detailsChanged: refreshed,
      tenantPasswordToDeploy: (tenantId, cause) => {
        const context: CommandContext = { principal: systemPrincipal, correlationId: cause.metadata.correlationId };
        for (const session of sessions.values()) {
          if (session.tenantId === tenantId) onSession(session.mac, () => credentials.deployTenantPassword(session, context));
        }
      },
    },
    (error) => logger.error({ err: error }, 'the device supervisor stopped following device and tenant events'),
  );
}
