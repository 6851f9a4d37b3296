// A device-bound command runs on the node holding the device's control connection, a link's
// DELETE on the node holding its port: only there are the socket and the port. The log says
// which node that is (DeviceConnected's nodeId, TunnelOpened's node) and whether that node still
// holds its lease, and with it where peers call it.
import type { Mac } from '../../domain/device/mac.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { nodeAggregate } from '../../domain/node/aggregate.js';
import { isLeaseExpired } from '../../domain/node/decide.js';
import type { Clock } from '../../domain/ports/clock.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import { isOpen } from '../../domain/tunnel/decide.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';

/**
 * here: this node answers, because it holds what the command acts on, or nobody does (an
 * offline device, a closed link, a holder whose lease ran out: answered as such here).
 * peer: a live peer holds it and answers at `address`.
 */
export type CommandOwner =
  | { readonly kind: 'here' }
  | { readonly kind: 'peer'; readonly nodeId: string; readonly address: string };

export interface CommandOwnersOptions {
  readonly runtime: ActorRuntime;
  readonly clock: Clock;
  /** This node. */
  readonly nodeId: string;
}

const here: CommandOwner = { kind: 'here' };

export class CommandOwners {
  constructor(private readonly options: CommandOwnersOptions) {}

  /** The node holding the device's live control connection. */
  async ofDevice(mac: Mac): Promise<CommandOwner> {
    const { state } = await this.options.runtime.load(deviceAggregate, mac);
    return this.holder(state.context.nodeId);
  }

  /** The node holding an open link's port. */
  async ofLink(tunnelId: string): Promise<CommandOwner> {
    const { state } = await this.options.runtime.load(tunnelAggregate, tunnelId);
    return isOpen(state) ? this.holder(state.context.node) : here;
  }

  private async holder(nodeId: string | undefined): Promise<CommandOwner> {
    if (nodeId === undefined || nodeId === this.options.nodeId) return here;
    const { state } = await this.options.runtime.load(nodeAggregate, nodeId);
    const live = state.matches('live') && !isLeaseExpired(state, this.options.clock.now());
    return live && state.context.address !== '' ? { kind: 'peer', nodeId, address: state.context.address } : here;
  }
}
