// The DeviceLink part of `tether serve`: its flags, the environment and --config, resolved
// into one configuration before the hub starts, so a bad value stops the start.
import { readConfigFile } from '../api/config-file.js';
import { resolveDeviceLinkConfig } from '../api/devicelink-config-sources.js';
import type { DeviceLinkConfig } from '../api/devicelink-config.js';

/** As commander hands them over. */
export interface DeviceLinkOptions {
  /** --host: link ports bind there unless configured otherwise. */
  readonly host: string;
  readonly config?: string;
  readonly linkPorts?: string;
  readonly linkBind?: string;
  readonly linkDevicePort?: string;
  readonly linkTimeout?: string;
  readonly linkLifetime?: string;
  readonly linkMaxPerTenant?: string;
}

/** Flag over environment over config file over default. */
export function deviceLinkConfigOf(options: DeviceLinkOptions, env: NodeJS.ProcessEnv): DeviceLinkConfig {
  return resolveDeviceLinkConfig({
    ...(options.config === undefined ? {} : { file: readConfigFile(options.config) }),
    env,
    flags: {
      ...(options.linkPorts === undefined ? {} : { ports: options.linkPorts }),
      ...(options.linkBind === undefined ? {} : { bindAddress: options.linkBind }),
      ...(options.linkDevicePort === undefined ? {} : { devicePort: options.linkDevicePort }),
      ...(options.linkTimeout === undefined ? {} : { timeout: options.linkTimeout }),
      ...(options.linkLifetime === undefined ? {} : { lifetime: options.linkLifetime }),
      ...(options.linkMaxPerTenant === undefined ? {} : { maxLinksPerTenant: options.linkMaxPerTenant }),
    },
    host: options.host,
  });
}
