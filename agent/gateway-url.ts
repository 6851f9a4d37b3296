/** The hub's gateway endpoint for a hub URL given as http(s) or ws(s). */
export function gatewayUrl(hub: string): string {
  let url: URL;
  try {
    url = new URL(hub);
  } catch {
    throw new Error(`${JSON.stringify(hub)} is not a URL: give the hub as https://host[:port]`);
  }
  const schemes: Readonly<Record<string, string>> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (scheme === undefined) throw new Error(`the hub URL must start with http://, https://, ws:// or wss:// (got ${url.protocol})`);
  url.protocol = scheme;
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/gateway') ? path : `${path}/gateway`;
  return url.toString();
}
