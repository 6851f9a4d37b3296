// How an http protocol application reaches the device's web server for one browser connection:
// through the device's agent to its own 127.0.0.1, with TLS on top when the application says so.
import type { Mac } from '../../domain/device/mac.js';
import type { HttpApp } from '../../domain/protocol-app/app-template.js';
import type { DeviceDialer } from '../../data-plane/device-dialer.js';
import type { HttpForwardSettings } from '../../data-plane/http-forward.js';
import { tlsOver } from '../../data-plane/target-connect.js';

export function httpAppSettings(template: HttpApp, device: Mac, tenantId: string, dialer: DeviceDialer): HttpForwardSettings {
  const address = { host: '127.0.0.1', port: template.devicePort };
  return {
    target: { ...address, secure: template.tls !== undefined },
    ...(template.frameAncestors === undefined ? {} : { frameAncestors: template.frameAncestors }),
    connect: async () => {
      const dialed = await dialer.dialTcp(device, address, { tenantId });
      const socket = template.tls === undefined ? dialed.socket : await tlsOver(dialed.socket, { ...address, tls: template.tls });
      return { socket, agentIP: dialed.agentIP };
    },
  };
}
