// Protocol applications on a real runtime, with a fake device at the control-connection
// boundary: the supervisor, the device's agent, and assigning an application.
import { ProtocolAppSupervisor } from '../../actors/protocol-app/protocol-app-supervisor.js';
import { ServiceEndpoints } from '../../actors/protocol-app/service-endpoints.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { DeviceDialer } from '../../data-plane/device-dialer.js';
import { PortPool } from '../../data-plane/port-pool.js';
import type { Mac } from '../../domain/device/mac.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import { admin } from './runtime/runtime-fixture.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The device's agent: answers every reverse-listen at once, as a listening agent does. */
export class ListeningAgent implements ControlConnection {
  readonly connectionId = 'conn-1';
  readonly ip = '127.0.0.1';
  open = true;
  readonly sent: HubMessage[] = [];
  private apps: ProtocolAppSupervisor | undefined;
  constructor(private readonly mac: Mac) {}
  /** The supervisor its answers go to. */
  answerTo(apps: ProtocolAppSupervisor): void {
    this.apps = apps;
  }
  send(message: HubMessage): void {
    this.sent.push(message);
    if (message.type === 'reverse-listen') this.apps?.reverseMessage(this.mac, { type: 'reverse-listening', listenerId: message.listenerId });
  }
  close(): void {
    this.open = false;
  }
}

export interface ProtocolAppBench {
  readonly runtime: ActorRuntime;
  readonly clock: Clock;
  /** The clock of the sessions' connections; `clock` unless given. */
  readonly sessionClock?: Clock;
  /** The one device, online in tenant acme. */
  readonly mac: Mac;
  /** The one hub port the pool hands out. */
  readonly port: number;
}

/** The supervisor and the agent of the bench's device, answering it. */
export function protocolApps(bench: ProtocolAppBench): { readonly apps: ProtocolAppSupervisor; readonly agent: ListeningAgent } {
  const agent = new ListeningAgent(bench.mac);
  const forward = { runtime: bench.runtime, clock: bench.sessionClock ?? bench.clock, logger: quiet, progressIntervalMs: 5000 };
  const dialer = new DeviceDialer({ connectionOf: (asked) => (asked === bench.mac ? { link: agent, tenantId: 'acme' } : undefined) }, quiet);
  const apps = new ProtocolAppSupervisor({
    runtime: bench.runtime,
    env: {
      forward,
      dialer,
      pool: new PortPool({ from: bench.port, to: bench.port }, '127.0.0.1'),
      endpoints: new ServiceEndpoints(),
      clock: bench.clock,
      logger: quiet,
      nodeId: 'node-1',
    },
  });
  agent.answerTo(apps);
  return { apps, agent };
}

/** A new application of `template`, assigned to `mac` in tenant acme. */
export async function assignedApp(apps: ProtocolAppSupervisor, mac: Mac, template: AppTemplate): Promise<string> {
  const { appId } = await apps.create(template, admin);
  await apps.assign(appId, mac, 'acme', admin);
  return appId;
}
