// The Tether-through-a-relay column: a real `tether relay` process registered with the Tether
// column's hub (approved by the admin), and one DeviceLink per "device" server placed on it.
// Bytes go client → relay → agent → device; the hub only records and passes control messages,
// so the figures beside the hub's show what carrying the data plane on a relay costs.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startNode, stopChild } from './child-processes.js';
import type { Child } from './child-processes.js';
import { exitGuard } from './tunnel-child-ports.js';
import type { ColumnFigures, ColumnTargets } from './tunnel-column.js';
import type { OpenedLink } from './tunnel-hub-api.js';
import type { DevicePorts } from './tunnel-protocol.js';
import { checkSessions } from './tunnel-sessions.js';
import type { SessionCheck } from './tunnel-sessions.js';
import { TcpTarget } from './tunnel-tcp-target.js';
import { benchMac } from './tunnel-tether.js';
import type { TetherRig } from './tunnel-tether.js';
import { freePort } from './hub-process.js';

const tetherScript = fileURLToPath(new URL('../bin/tether.js', import.meta.url));
export const benchRelay = 'bench-relay';
const connectWaitMs = 20_000;

export interface RelayColumn {
  readonly targets: ColumnTargets;
  sessions(figures: ColumnFigures): Promise<SessionCheck[]>;
  stop(): Promise<void>;
}

interface RelayState {
  readonly connected: boolean;
  readonly approved: boolean;
}

async function relayConnected(rig: TetherRig, relay: Child): Promise<void> {
  const guard = exitGuard({ hub: rig.hub, agent: rig.agent, relay });
  const deadline = performance.now() + connectWaitMs;
  let approved = false;
  while (performance.now() < deadline) {
    const reply = await guard(rig.api.call('GET', `/relays/${benchRelay}`));
    const state = reply.status === 200 ? (reply.body as RelayState) : undefined;
    if (state !== undefined && !approved) {
      await rig.api.expect(200, 'POST', `/relays/${benchRelay}/approve`);
      approved = true;
    }
    if (state?.connected === true && approved) return;
    await sleep(50);
  }
  throw new Error(`relay ${benchRelay} not connected within ${connectWaitMs} ms: ${relay.output().trim().slice(-2000)}`);
}

/** Starts the relay for the rig's hub, approves it and opens the links on it. */
export async function openRelayColumn(rig: TetherRig, dataDir: string, ports: DevicePorts): Promise<RelayColumn> {
  const args = [
    'relay', '--hub', rig.api.baseUrl, '--name', benchRelay, '--host', '127.0.0.1', '--port', String(await freePort()),
    '--link-ports', '42000-42999', '--token-file', join(dataDir, 'relay.token'), '--log-level', 'warn',
    '--description', `tunnel benchmark ${randomBytes(4).toString('hex')}`,
  ];
  const relay = startNode(tetherScript, args, { descriptors: 4096 });
  const stop = (): Promise<string> => stopChild(relay, 5000);
  try {
    await relayConnected(rig, relay);
    const guard = exitGuard({ hub: rig.hub, agent: rig.agent, relay });
    const open = (protocol: 'tcp' | 'udp', devicePort: number): Promise<OpenedLink> => guard(rig.api.openLink(benchMac, protocol, devicePort, benchRelay));
    const links = { sink: await open('tcp', ports.sink), source: await open('tcp', ports.source), echo: await open('tcp', ports.echo), udpEcho: await open('udp', ports.udpEcho) };
    const targets = {
      sink: new TcpTarget(links.sink.port),
      source: new TcpTarget(links.source.port),
      echo: new TcpTarget(links.echo.port),
      udpPort: links.udpEcho.port,
      traced: { relay: relay.pid, 'hub (relay column)': rig.hub.pid },
      // The hub only records the relay's links; the relay and the agent carry the bytes.
      carriers: [relay.pid, rig.hub.pid, rig.agent.pid],
      guard,
    };
    return {
      targets,
      sessions: (figures) =>
        checkSessions(rig.api, [
          { name: 'relay sink link', token: links.sink.token, toDevice: targets.sink.toServer, fromDevice: targets.sink.fromServer },
          { name: 'relay source link', token: links.source.token, toDevice: targets.source.toServer, fromDevice: targets.source.fromServer },
          { name: 'relay echo link', token: links.echo.token, toDevice: targets.echo.toServer, fromDevice: targets.echo.fromServer },
          { name: 'relay UDP echo link', token: links.udpEcho.token, toDevice: figures.udp?.bytesToServer ?? 0, fromDevice: figures.udp?.bytesFromServer ?? 0 },
        ]),
      stop: async () => {
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
