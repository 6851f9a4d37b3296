// The Tether column: one DeviceLink per "device" server through a real hub and agent, and at
// the end each link's session record against the bytes the client counted on it.
import type { ColumnFigures, ColumnTargets } from './tunnel-column.js';
import type { OpenedLink } from './tunnel-hub-api.js';
import type { DevicePorts } from './tunnel-protocol.js';
import { checkSessions } from './tunnel-sessions.js';
import type { LinkLedger, SessionCheck } from './tunnel-sessions.js';
import { TcpTarget } from './tunnel-tcp-target.js';
import { benchMac, startTether } from './tunnel-tether.js';
import type { TetherRig } from './tunnel-tether.js';

export interface TetherColumn {
  /** The hub and agent, which a relay column shares. */
  readonly rig: TetherRig;
  readonly targets: ColumnTargets;
  /** Closes the links and reads their session records. */
  sessions(figures: ColumnFigures): Promise<SessionCheck[]>;
  stop(): Promise<void>;
}

interface Links {
  readonly sink: OpenedLink;
  readonly source: OpenedLink;
  readonly echo: OpenedLink;
  readonly udpEcho: OpenedLink;
}

async function openLinks(rig: TetherRig, ports: DevicePorts): Promise<Links> {
  const open = (protocol: 'tcp' | 'udp', devicePort: number): Promise<OpenedLink> => rig.guard(rig.api.openLink(benchMac, protocol, devicePort, 'hub'));
  return {
    sink: await open('tcp', ports.sink),
    source: await open('tcp', ports.source),
    echo: await open('tcp', ports.echo),
    udpEcho: await open('udp', ports.udpEcho),
  };
}

const tcpLedger = (name: string, link: OpenedLink, target: TcpTarget): LinkLedger => ({
  name,
  token: link.token,
  toDevice: target.toServer,
  fromDevice: target.fromServer,
});

/** Starts the hub and the agent and opens the links; fails (with both processes stopped) if any of it fails. */
export async function openTetherColumn(dataDir: string, ports: DevicePorts): Promise<TetherColumn> {
  const rig = await startTether(dataDir);
  let links: Links;
  try {
    links = await openLinks(rig, ports);
  } catch (error) {
    await rig.stop();
    throw new Error(`opening the links: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const targets = {
    sink: new TcpTarget(links.sink.port),
    source: new TcpTarget(links.source.port),
    echo: new TcpTarget(links.echo.port),
    udpPort: links.udpEcho.port,
    traced: { hub: rig.hub.pid, agent: rig.agent.pid },
    carriers: [rig.hub.pid, rig.agent.pid],
    guard: rig.guard,
  };
  return {
    rig,
    targets,
    sessions: (figures) =>
      checkSessions(rig.api, [
        tcpLedger('sink link', links.sink, targets.sink),
        tcpLedger('source link', links.source, targets.source),
        tcpLedger('echo link', links.echo, targets.echo),
        {
          name: 'UDP echo link',
          token: links.udpEcho.token,
          toDevice: figures.udp?.bytesToServer ?? 0,
          fromDevice: figures.udp?.bytesFromServer ?? 0,
        },
      ]),
    stop: () => rig.stop(),
  };
}
