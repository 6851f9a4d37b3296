// The peer's side of a stream through a device it holds (device-stream-request.ts): a marked
// upgrade at /internal/device-streams. The marker must verify (403 forwarding_refused; 401
// without one); the device is dialled here only, with the tenant check of a local stream, never
// asked of another node. After the 101 the connection is spliced to the device's TCP stream;
// when either side ends the other does, and the agent is told the stream is over as for a local one.
import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { DeviceDialer } from '../../data-plane/device-dialer.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import { causeOfSplice } from '../../actors/forward-session/splice-meter.js';
import type { DeviceStreamRequest } from '../../actors/node/cluster-dialer.js';
import { isTetherError, TetherError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.js';
import { resetSocket, splice } from '../../wire/socket-splice.js';
import { agentIpHeader, deviceStreamProtocol, isDeviceStreamPath, parseDeviceStreamUrl, refusalOf } from '../device-stream-request.js';
import { claimsBody, forwardingHeader } from '../forwarding-marker.js';
import type { ForwardingKey } from '../forwarding-marker.js';

export interface DeviceStreamServerOptions {
  /** This node's own devices: a stream asked by a peer is never forwarded again. */
  readonly dialer: DeviceDialer;
  readonly key: ForwardingKey;
  readonly clock: Clock;
  readonly logger: TunnelLogger;
}

export interface DeviceStreamServer {
  /** Stops accepting and resets the streams it carries. */
  close(): void;
}

const upgraded = (agentIP: string): string =>
  `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${deviceStreamProtocol}\r\n${agentIpHeader}: ${agentIP}\r\n\r\n`;

export function attachDeviceStreams(server: Server, options: DeviceStreamServerOptions): DeviceStreamServer {
  const live = new Set<Socket>();
  let closing = false;

  const refuse = (socket: Duplex, error: TetherError): void => {
    socket.end(refusalOf(error));
  };

  /** The verified request and its client's address, or the refusal's error. */
  const check = (request: IncomingMessage): { readonly stream: DeviceStreamRequest; readonly clientIp: string } | TetherError => {
    if (request.headers.upgrade?.toLowerCase() !== deviceStreamProtocol) return new TetherError('validation_failed', `upgrade to ${deviceStreamProtocol}`);
    const marker = request.headers[forwardingHeader];
    if (typeof marker !== 'string') return new TetherError('unauthenticated', 'a device stream is asked by a peer hub node, with its forwarding marker');
    const proof = options.key.verify(marker, { method: request.method ?? '', url: request.url ?? '' }, options.clock.now());
    if (proof.kind === 'refused') return new TetherError('forwarding_refused', `this hub node refuses a device stream asked by a peer: ${proof.why}`);
    if (!claimsBody(proof.claim, '')) return new TetherError('forwarding_refused', 'this hub node refuses a device stream asked by a peer: the marker was made for a body');
    const stream = parseDeviceStreamUrl(request.url ?? '');
    if (stream === undefined) return new TetherError('validation_failed', 'a device stream names a device and a target host and port');
    if (closing) return new TetherError('unavailable', 'this hub node is shutting down');
    return { stream, clientIp: proof.claim.clientIp };
  };

  const carryTcp = async (socket: Socket, stream: DeviceStreamRequest, clientIp: string): Promise<void> => {
    const gone = new AbortController();
    socket.once('close', () => gone.abort());
    const dialed = await options.dialer.dialTcp(stream.mac, stream.target, { ...(stream.tenantId === undefined ? {} : { tenantId: stream.tenantId }), signal: gone.signal });
    if (socket.destroyed) {
      resetSocket(dialed.socket);
      dialed.close('client-closed');
      return;
    }
    socket.write(upgraded(dialed.agentIP));
    options.logger.info({ mac: stream.mac, clientIp, streamId: dialed.streamId }, 'carrying a device stream for a peer hub node');
    const result = await splice({ socket }, { socket: dialed.socket }).ended;
    if (result.reset) dialed.close(causeOfSplice(result, { a: 'client-closed', b: 'device-closed' }));
  };

  const onUpgrade = (request: IncomingMessage, duplex: Duplex, head: Buffer): void => {
    if (!isDeviceStreamPath(request.url ?? '')) return;
    const checked = check(request);
    if (checked instanceof TetherError || !(duplex instanceof Socket)) {
      refuse(duplex, checked instanceof TetherError ? checked : new TetherError('internal', 'not a socket'));
      return;
    }
    const socket = duplex;
    // An https server's connections do not allow half-open (an http server's do): the asking
    // node's FIN must end one direction only, as a client's does.
    socket.allowHalfOpen = true;
    // Until the splice watches it, a reset must not go unhandled.
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    if (head.length > 0) socket.unshift(head);
    // Dialling the device may take seconds; socket.io ends an upgrade on which nothing was
    // written within one (engine.io's destroyUpgrade), so an interim answer goes out at once.
    socket.write('HTTP/1.1 102 Processing\r\n\r\n');
    live.add(socket);
    socket.once('close', () => live.delete(socket));
    carryTcp(socket, checked.stream, checked.clientIp).catch((error: unknown) => {
      if (isTetherError(error)) {
        refuse(socket, error);
        return;
      }
      options.logger.error({ err: error, mac: checked.stream.mac }, 'a device stream for a peer hub node failed');
      refuse(socket, new TetherError('internal', 'the device stream failed'));
    });
  };
  server.on('upgrade', onUpgrade);

  return {
    close: () => {
      closing = true;
      server.off('upgrade', onUpgrade);
      live.forEach((socket) => resetSocket(socket));
    },
  };
}
