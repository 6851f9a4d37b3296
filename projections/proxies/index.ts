export { proxiesProjection, proxyChanged } from './proxies-projection.js';
export { getProxy, listProxies } from './proxy-queries.js';
export type { ProxyView } from './proxy-view.js';
