import type { DeviceTarget, HostTarget, PluginTarget, ProxySettings } from '../../domain/proxy/proxy-settings.js';

/** A target through a device, its MAC as the API writes it (`00:11:22:AA:BB:CC`). */
export type ShownDeviceTarget = Omit<DeviceTarget, 'device'> & { readonly device: string };

/** A proxy profile as the admin reads it: its id and settings, when it was created and last changed. */
export interface ProxyView extends Omit<ProxySettings, 'target'> {
  readonly id: string;
  readonly target: HostTarget | PluginTarget | ShownDeviceTarget;
  readonly createdAt: string;
  readonly updatedAt: string;
}
