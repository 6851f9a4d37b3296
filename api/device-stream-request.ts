// A node asks the peer holding a device for a stream through it with
//   GET /internal/device-streams?mac=&host=&port=[&tenant=]
// (a TCP stream: UDP is never asked of a peer, cluster-dialer.ts)
// upgraded to `tether-device-stream`, marked as a forwarded request (forwarding-marker.ts: over
// the method, this URL, an empty body and the proxy client's address). The peer answers 101 with
// the agent's address in a header, or the TetherError it met as the API would answer it.
import { isRight } from 'fp-ts/lib/Either.js';
import type { DeviceStreamRequest } from '../actors/node/cluster-dialer.js';
import { decodeMac } from '../domain/device/mac.js';
import { TetherError } from '../domain/errors.js';
import type { ErrorCode } from '../domain/errors.js';
import { TenantId } from '../domain/tenant/tenant-id.js';
import { Host, Port } from '../domain/tunnel/link-fields.js';
import { errorBody } from './error-body.js';
import { errorStatus } from './error-status.js';

export const deviceStreamPath = '/internal/device-streams';
export const deviceStreamProtocol = 'tether-device-stream';
export const agentIpHeader = 'x-tether-agent-ip';

/** The request's path and query, as the marker covers it. */
export function deviceStreamUrl(request: DeviceStreamRequest): string {
  const query = new URLSearchParams({ mac: request.mac, host: request.target.host, port: String(request.target.port) });
  if (request.tenantId !== undefined) query.set('tenant', request.tenantId);
  return `${deviceStreamPath}?${query.toString()}`;
}

/** Whether a request line's target is the device-stream path; compared as text, since a client's target may not parse as a URL. */
export const isDeviceStreamPath = (url: string): boolean => url.split('?', 1)[0] === deviceStreamPath;

/** The request a path and query name; undefined when a field is missing or malformed. */
export function parseDeviceStreamUrl(url: string): DeviceStreamRequest | undefined {
  if (!URL.canParse(url, 'http://peer')) return undefined;
  const parsed = new URL(url, 'http://peer');
  if (parsed.pathname !== deviceStreamPath) return undefined;
  const query = parsed.searchParams;
  const mac = decodeMac(query.get('mac'));
  const host = query.get('host');
  const port = Number(query.get('port'));
  const tenant = query.get('tenant');
  if (!isRight(mac) || !Host.is(host) || !Port.is(port) || (tenant !== null && !TenantId.is(tenant))) return undefined;
  return { mac: mac.right, target: { host, port }, ...(tenant === null ? {} : { tenantId: tenant }) };
}

/** The HTTP answer refusing an upgrade with `error`: its status and the one error body. */
export function refusalOf(error: TetherError): string {
  const body = JSON.stringify(errorBody(error));
  return `HTTP/1.1 ${errorStatus[error.code]} Refused\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(errorStatus, code);

/** The peer's refusal as the TetherError it met (unavailable when the body does not say). */
export function errorOfRefusal(status: number, body: string, peer: string): TetherError {
  let error: unknown;
  try {
    error = (JSON.parse(body) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  const fields = typeof error === 'object' && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
  if (isErrorCode(fields.code)) return new TetherError(fields.code, typeof fields.message === 'string' ? fields.message : `hub node ${peer} refused the stream`);
  return new TetherError('unavailable', `hub node ${peer} refused the stream (HTTP ${status})`);
}
