import type { ProxySettings } from './proxy-settings.js';

// Whether a source port is free (no other profile, no other program, outside the DeviceLink
// range) is the runtime's to check: it knows the configuration and binds the port first.
export type ProxyCommand =
  | { readonly type: 'CreateProxy'; readonly proxyId: string; readonly settings: ProxySettings }
  | { readonly type: 'UpdateProxy'; readonly proxyId: string; readonly settings: ProxySettings }
  | { readonly type: 'SetProxyEnabled'; readonly enabled: boolean }
  | { readonly type: 'RemoveProxy' };
