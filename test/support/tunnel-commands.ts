// DeviceLinks for read-model tests, made through the real write path (the actor runtime and
// the tunnel aggregate) rather than live sockets: each helper runs one command and waits
// until the read models show what it appended.
import { createHash, randomUUID } from 'node:crypto';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import { parseMac } from '../../domain/device/mac.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import type { TunnelCommand } from '../../domain/tunnel/commands.js';
import type { LinkProtocol } from '../../domain/tunnel/link-fields.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';

export interface LinkSpec {
  readonly tenantId: string;
  readonly device?: string;
  readonly protocol?: LinkProtocol;
  readonly devicePort?: number;
  readonly port?: number;
  readonly relay?: string;
  readonly userIP?: string;
  readonly encrypted?: boolean;
}

export const adminContext: CommandContext = { principal: { id: 'admin', role: 'admin' }, ip: '198.51.100.7' };

export class TunnelCommands {
  constructor(
    private readonly runtime: ActorRuntime,
    /** Waits until the read models reached a position. */
    private readonly settle: (position: number) => Promise<void>,
  ) {}

  async execute(tunnelId: string, command: TunnelCommand, context: CommandContext = adminContext): Promise<number | undefined> {
    const { position } = await this.runtime.execute(tunnelAggregate, tunnelId, command, context);
    if (position !== undefined) await this.settle(position);
    return position;
  }

  /** Opens a link; returns its tunnel id. */
  async open(spec: LinkSpec, context: CommandContext = adminContext): Promise<string> {
    const tunnelId = randomUUID();
    await this.execute(
      tunnelId,
      {
        type: 'OpenTunnel',
        tunnelId,
        device: parseMac(spec.device ?? '00:11:22:33:44:55'),
        tenantId: spec.tenantId,
        protocol: spec.protocol ?? 'tcp',
        devicePort: spec.devicePort ?? 22,
        encrypted: spec.encrypted ?? false,
        port: spec.port ?? 40000,
        host: '127.0.0.1',
        relay: spec.relay ?? 'hub',
        userIP: spec.userIP ?? context.ip ?? '198.51.100.7',
        tokenHash: createHash('sha256').update(tunnelId).digest('hex'),
      },
      context,
    );
    return tunnelId;
  }

  /** Attaches a client as a new stream (as a TCP link does, with `agentIP`); returns the stream id. */
  async attach(tunnelId: string, clientHost = '203.0.113.5', clientPort = 50000, agentIP?: string): Promise<string> {
    const streamId = randomUUID();
    await this.execute(tunnelId, { type: 'AttachClient', streamId, clientHost, clientPort, ...(agentIP === undefined ? {} : { agentIP }) });
    return streamId;
  }

  async openStream(tunnelId: string, streamId: string, agentIP = '192.0.2.50'): Promise<void> {
    await this.execute(tunnelId, { type: 'OpenStream', streamId, agentIP });
  }

  async closeStream(tunnelId: string, streamId: string, bytesToDevice: number, bytesFromDevice: number, cause: TerminationCause = 'client-closed'): Promise<void> {
    await this.execute(tunnelId, { type: 'CloseStream', streamId, cause, bytesToDevice, bytesFromDevice });
  }

  async traffic(tunnelId: string, bytesToDevice: number, bytesFromDevice: number): Promise<void> {
    await this.execute(tunnelId, { type: 'RecordTraffic', bytesToDevice, bytesFromDevice });
  }

  async close(tunnelId: string, cause: TerminationCause, bytesToDevice = 0, bytesFromDevice = 0, context: CommandContext = adminContext): Promise<void> {
    await this.execute(tunnelId, { type: 'CloseTunnel', cause, bytesToDevice, bytesFromDevice }, context);
  }
}
