// The client end of a TCP DeviceLink: a plain local port whose every connection becomes one
// connection to the link's port on the hub, so ssh, curl or any TCP tool works unchanged. With
// a key, each connection is an encrypted stream: its random index first, then AES-256-CTR
// each way (docs/devicelink.md, "Encryption").
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createClientCipherStreams, randomStreamIndex } from '../data-plane/tunnel-cipher.js';
import type { TunnelKey } from '../data-plane/tunnel-cipher.js';
import { resetSocket, splice } from '../wire/socket-splice.js';
import type { SpliceSide } from '../wire/socket-splice.js';

export interface LocalLinkOptions {
  /** Where the link's port is: the hub's host, as in its URL. */
  readonly hubHost: string;
  /** The `port` of the DeviceLink answer. */
  readonly hubPort: number;
  /** Default 0: an ephemeral port (see LocalLink.port). */
  readonly localPort?: number;
  /** Default 127.0.0.1. */
  readonly localHost?: string;
  /** The link's key and IV: every connection is encrypted to the hub. */
  readonly key?: TunnelKey;
  /** A connection to the hub failed (ECONNREFUSED: the link's port is closed, the link is gone). */
  readonly onHubUnreachable?: (error: NodeJS.ErrnoException) => void;
}

export interface LocalLink {
  readonly host: string;
  readonly port: number;
  /** Stops listening and resets every connection still open. */
  close(): Promise<void>;
}

/** The hub's side of the splice: the socket itself, or ciphers between it and the local side. */
function hubSide(hub: Socket, key: TunnelKey | undefined): SpliceSide {
  if (key === undefined) return { socket: hub };
  const { header, encryptToHub, decryptFromHub } = createClientCipherStreams({ ...key, streamIndex: randomStreamIndex() });
  hub.write(header);
  encryptToHub.pipe(hub);
  hub.pipe(decryptFromHub);
  return { socket: hub, input: decryptFromHub, output: encryptToHub };
}

export async function serveLocalLink(options: LocalLinkOptions): Promise<LocalLink> {
  const open = new Set<Socket>();
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  const server = net.createServer({ allowHalfOpen: true }, (local) => {
    track(local);
    local.setNoDelay(true);
    // Until the hub answers, the local bytes wait in the socket (it is paused until piped).
    const hub = net.connect({ host: options.hubHost, port: options.hubPort, allowHalfOpen: true, noDelay: true });
    track(hub);
    let connected = false;
    const early = (): void => void hub.destroy();
    local.once('close', early);
    local.once('error', early);
    hub.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return; // the splice's to handle
      resetSocket(local);
      options.onHubUnreachable?.(error);
    });
    hub.once('connect', () => {
      connected = true;
      local.off('close', early);
      local.off('error', early);
      if (local.destroyed) return resetSocket(hub);
      splice({ socket: local }, hubSide(hub, options.key));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.localPort ?? 0, options.localHost ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) resetSocket(socket);
      }),
  };
}
