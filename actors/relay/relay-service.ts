// The relays' side of the hub: their register, unregister and status messages (the seed's
// /remote/rsstatus), the authentication of their control channels, and what admins do to them.
// A relay is trusted with sessions only once approved; its token is stored as SHA-256 only.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { isTetherError, TetherError } from '../../domain/errors.js';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import type { RelayCommand } from '../../domain/relay/commands.js';
import { isKnown, relayRefused } from '../../domain/relay/decide.js';
import type { RelayState } from '../../domain/relay/decide.js';
import { RelayFailureReason } from '../../domain/relay/failure-reason.js';
import { isRelayName } from '../../domain/relay/relay-name.js';
import type { RsStatusMessage, RsStatusReply } from '../../domain/relay/rsstatus-message.js';
import { isIPv6 } from '../../domain/tunnel/address.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { Executed } from '../runtime/runtime-results.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import { AddressRegistrations } from '../gateway/address-registrations.js';
import { applySessionStatuses } from './relay-session-status.js';
import { relayPrincipal } from '../../data-plane/remote-tunnel.js';

/** What the hub needs of the tunnel supervisor for its relays' status. */
export interface RelayLinks {
  /** Whether this node holds link `tunnelId` live. */
  holds(tunnelId: string): boolean;
}

export interface RelayServiceOptions {
  readonly runtime: ActorRuntime;
  readonly links: RelayLinks;
  readonly logger: TunnelLogger;
  /** New relays awaiting approval one address may register per hour, on every node together (anyone may register a name); default 10. */
  readonly registrationsPerHourPerIp?: number;
  /** A relay that neither registers nor reports for this long is marked not reporting. */
  readonly heartbeatTimeoutMs: number;
  /** A relay presenting this secret at registration is approved at once. */
  readonly joinSecret?: string;
}

/** Where an authenticated relay is reached. */
export interface RelayAddress {
  readonly relay: string;
  /** `http://host:port` where agents dial back to it. */
  readonly dialBackBase: string;
  /** Where clients reach its link ports. */
  readonly clientHost: string;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
/** An empty token is no token: the decider then says token-missing. */
const hashHex = (text: string | undefined): string | undefined => (text === undefined || text === '' ? undefined : sha256(text).toString('hex'));

const sameSecret = (given: string | undefined, expected: string | undefined): boolean =>
  given !== undefined && expected !== undefined && timingSafeEqual(sha256(given), sha256(expected));

const hostInUrl = (host: string): string => (isIPv6(host) ? `[${host}]` : host);

const failure = (reason: RelayFailureReason, message: string): RsStatusReply => ({ result: 'FAILURE', reason, message });

export class RelayService {
  private readonly registrations: AddressRegistrations;

  constructor(private readonly options: RelayServiceOptions) {
    this.registrations = new AddressRegistrations(options.runtime, 'relay', { limit: options.registrationsPerHourPerIp ?? 10, windowMs: 3_600_000 });
  }

  /** One message of POST /remote/rsstatus: SUCCESS or FAILURE with its reason, as the seed. */
  async handle(message: RsStatusMessage, ip?: string): Promise<RsStatusReply> {
    const { name } = message;
    if (!isRelayName(name)) return failure('name-invalid', 'name must be 1-63 letters, digits, ".", "_" or "-", and not "hub"');
    const context: CommandContext = { principal: relayPrincipal(name), correlationId: randomUUID(), ...(ip === undefined ? {} : { ip }) };
    try {
      switch (message.type) {
        case 'register': {
          const command = this.registration(message);
          const counted = await this.countNewRegistration(name, command, ip, context);
          const { state } = await this.execute(name, command, context).catch(async (error: unknown) => {
            if (counted !== undefined) await this.giveBack(counted, name, context);
            throw error;
          });
          return state.context.approved
            ? { result: 'SUCCESS', reason: 'registered' }
            : { result: 'SUCCESS', reason: 'pending-approval', message: `relay ${name} is registered; it carries sessions once an admin approves it` };
        }
        case 'unregister':
          await this.execute(name, { type: 'UnregisterRelay', hostName: message.hostName, tokenHash: hashHex(message.token) }, context);
          return { result: 'SUCCESS', reason: 'unregistered' };
        case 'status': {
          const command: RelayCommand = {
            type: 'ReportRelayStatus',
            hostName: message.hostName,
            tokenHash: hashHex(message.token),
            currentNumberOfSessions: message.currentNumberOfSessions,
            sessionsListed: message.sessions?.length ?? 0,
            heartbeatTimeoutMs: this.options.heartbeatTimeoutMs,
          };
          await this.execute(name, command, context);
          // As the seed says: a session that cannot be updated is logged, and the answer is still SUCCESS.
          await applySessionStatuses(this.options, name, message.sessions ?? []);
          return { result: 'SUCCESS', reason: 'status-recorded' };
        }
      }
    } catch (error) {
      const reason = isTetherError(error, 'relay_refused') ? error.details[0] : undefined;
      if (isTetherError(error) && reason !== undefined && RelayFailureReason.is(reason)) {
        this.options.logger.warn({ relay: name, type: message.type, reason, ip }, 'a relay message was refused');
        return failure(reason, error.message);
      }
      // Never a 500: a relay reads the result, and one line of log says what went wrong.
      this.options.logger.error({ err: error, relay: name, type: message.type, ip }, 'a relay message failed');
      return failure('internal_error', relayRefused('internal_error').message);
    }
  }

  /**
   * Anyone may register a name: new relays awaiting approval are limited per address, for the
   * whole cluster. Returns the address this call counted, to be given back if the registration
   * then fails (only stored ones count).
   */
  private async countNewRegistration(name: string, command: RelayCommand, ip: string | undefined, context: CommandContext): Promise<string | undefined> {
    if (command.type !== 'RegisterRelay' || command.joinSecretPresented) return undefined;
    const { state } = await this.options.runtime.load(relayAggregate, name);
    if (isKnown(state) && state.context.tokenHash !== undefined) return undefined;
    const address = ip ?? 'unknown';
    const count = await this.registrations.take(address, name, context);
    if (count === 'refused') throw relayRefused('rate-limited');
    // A name another registration counted already is that one's to give back.
    return count === 'counted' ? address : undefined;
  }

  /** A registration that cannot be given back counts until its window ends: the failure that led here stays the one reported. */
  private async giveBack(address: string, name: string, context: CommandContext): Promise<void> {
    await this.registrations
      .giveBack(address, name, context)
      .catch((error: unknown) => this.options.logger.warn({ err: error, relay: name }, 'could not give a relay registration back; it counts until its window ends'));
  }

  /** The relay whose token this is, and where it is reached; undefined when the name and token do not go together. */
  async authenticate(name: string, token: string): Promise<RelayAddress | undefined> {
    if (!isRelayName(name) || token === '') return undefined;
    const { state } = await this.options.runtime.load(relayAggregate, name);
    const stored = state.context.tokenHash;
    if (!isKnown(state) || stored === undefined) return undefined;
    const expected = Buffer.from(stored, 'hex');
    if (expected.length !== 32 || !timingSafeEqual(expected, sha256(token))) return undefined;
    const { hostName, port, externalHostName } = state.context;
    return { relay: name, dialBackBase: `http://${hostInUrl(hostName)}:${port}`, clientHost: externalHostName ?? hostName };
  }

  approve(name: string, context: CommandContext): Promise<Executed<typeof relayAggregate.machine>> {
    return this.admin(name, { type: 'ApproveRelay' }, context);
  }

  /**
   * Lets a replaced machine register with a new token. Every node disconnects the relay
   * holding the old one once the reset is stored (relay-revocations.ts), as for a deletion.
   */
  resetToken(name: string, context: CommandContext): Promise<Executed<typeof relayAggregate.machine>> {
    return this.admin(name, { type: 'ResetRelayToken' }, context);
  }

  delete(name: string, context: CommandContext): Promise<Executed<typeof relayAggregate.machine>> {
    return this.admin(name, { type: 'DeleteRelay' }, context);
  }

  private admin(name: string, command: RelayCommand, context: CommandContext): Promise<Executed<typeof relayAggregate.machine>> {
    if (!isRelayName(name)) throw new TetherError('not_found', `relay ${name} not found`, ['params.name']);
    return this.options.runtime.execute(relayAggregate, name, command, context).catch((error: unknown) => {
      if (isTetherError(error, 'not_found')) throw new TetherError('not_found', `relay ${name} not found`, ['params.name']);
      throw error;
    });
  }

  private execute(name: string, command: RelayCommand, context: CommandContext): Promise<{ readonly state: RelayState }> {
    return this.options.runtime.execute(relayAggregate, name, command, context);
  }

  private registration(message: RsStatusMessage): RelayCommand {
    return {
      type: 'RegisterRelay',
      name: message.name,
      description: message.description,
      hostName: message.hostName,
      externalHostName: message.externalHostName,
      alternateHostName: message.alternateHostName,
      port: message.port,
      maxSessions: message.maxSessions,
      tokenHash: hashHex(message.token),
      heartbeatTimeoutMs: this.options.heartbeatTimeoutMs,
      joinSecretPresented: sameSecret(message.joinSecret, this.options.joinSecret),
    };
  }
}
