import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';

/** A proxy profile as the admin reads it: its id and settings, when it was created and last changed. */
export interface ProxyView extends ProxySettings {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
