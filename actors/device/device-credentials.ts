// A device's secrets on its live connection: its device password checked at hello, a
// provisioning code redeemed, and the tenant password deployed when its tenant deploys one. A
// new device password goes out with its assignment (device-live.ts).
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import { isAssigned } from '../../domain/device/decide.js';
import type { DeviceState } from '../../domain/device/decide.js';
import type { Mac } from '../../domain/device/mac.js';
import { isTetherError } from '../../domain/errors.js';
import { provisioningAggregate } from '../../domain/provisioning/aggregate.js';
import { ProvisioningRefusalReason } from '../../domain/provisioning/refusal-reason.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import { verifyDevicePassword } from './device-password.js';
import type { DeviceSessions, Session } from './device-sessions.js';
import { tenantPasswordToDeploy } from './device-tenant-password.js';
import type { DeviceSupervisorLogger } from './device-supervisor-options.js';
import type { SecretSeal } from '../secrets/secret-seal.js';

/** A tenant, with its password in clear when it deploys one. */
export interface TenantPassword {
  readonly tenantId: string;
  readonly password?: string;
}

export type Assignment = { readonly via: 'admin' } | { readonly via: 'provisioning-code'; readonly codeId: string };

export interface DeviceCredentialsOptions {
  readonly runtime: ActorRuntime;
  readonly seal: SecretSeal;
  /** The codeId of a provisioning code as typed (see domain/provisioning/code-id.ts). */
  readonly provisioningCodeId: (code: string) => string;
  readonly logger: DeviceSupervisorLogger;
}

function refusalOf(error: unknown): ProvisioningRefusalReason | undefined {
  return isTetherError(error, 'provisioning_refused') ? error.details.find((detail) => ProvisioningRefusalReason.is(detail)) : undefined;
}

export class DeviceCredentials {
  constructor(
    private readonly options: DeviceCredentialsOptions,
    private readonly sessions: DeviceSessions,
  ) {}

  /** The tenant the device is assigned to, if `password` is its device password (`state`: the device's, read by the caller). */
  async tenantProvenBy(state: DeviceState, password: string): Promise<string | undefined> {
    const { passwordHash, tenantId } = state.context;
    if (!isAssigned(state) || passwordHash === undefined || tenantId === undefined) return undefined;
    return (await verifyDevicePassword(password, passwordHash)) ? tenantId : undefined;
  }

  /** The device's tenant and, if it deploys one, its password; a failure is logged and deploys nothing. */
  async tenantPasswordOf(mac: Mac, tenantId: string | undefined): Promise<TenantPassword | undefined> {
    if (tenantId === undefined) return undefined;
    try {
      const toDeploy = await tenantPasswordToDeploy(this.options.runtime, this.options.seal, tenantId);
      return toDeploy.deploy ? { tenantId, password: toDeploy.password } : { tenantId };
    } catch (error) {
      this.options.logger.warn({ err: error, mac, tenant: tenantId }, 'the tenant password was not deployed');
      return { tenantId };
    }
  }

  /** Redeems a code the device presented: the assignment it gives; undefined when refused (recorded, and the device told why). */
  async redeem(session: Session, code: string, context: CommandContext): Promise<{ readonly tenantId: string; readonly assignment: Assignment } | undefined> {
    const { runtime, provisioningCodeId } = this.options;
    const { mac, link } = session;
    const codeId = provisioningCodeId(code);
    let tenantId: string;
    try {
      const redeemed = await runtime.execute(provisioningAggregate, codeId, { type: 'RedeemProvisioningCode', mac }, context);
      tenantId = redeemed.state.context.tenantId;
    } catch (error) {
      const reason = refusalOf(error);
      if (reason === undefined) throw error;
      await runtime.execute(deviceAggregate, mac, { type: 'RecordProvisioningRefused', ip: link.ip, reason }, context);
      link.send({ type: 'provisioning-refused', reason });
      return undefined;
    }
    return { tenantId, assignment: { via: 'provisioning-code', codeId } };
  }

  /** Sends the tenant password if the tenant deploys it; a failure is logged, never thrown. */
  async deployTenantPassword(session: Session, context: CommandContext): Promise<void> {
    const { mac, link, tenantId } = session;
    if (tenantId === undefined || !this.sessions.isLive(session) || !link.open) return;
    const { runtime, seal, logger } = this.options;
    try {
      const toDeploy = await tenantPasswordToDeploy(runtime, seal, tenantId);
      if (!toDeploy.deploy) return;
      const command: DeviceCommand = { type: 'RecordTenantPasswordDeployed', connectionId: link.connectionId, tenantId };
      await runtime.execute(deviceAggregate, mac, command, context);
      link.send({ type: 'tenant-password', password: toDeploy.password });
    } catch (error) {
      logger.warn({ err: error, mac, tenant: tenantId }, 'the tenant password was not deployed');
    }
  }
}
