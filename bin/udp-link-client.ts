// The client end of a UDP DeviceLink: a local UDP port whose datagrams go to the link's port on
// the hub from one socket (the link's one client, which the hub pins), and whose answers go back
// to the local peer that sent last. With a key, each datagram is sealed on its own: a sequence
// number, then AES-256-CTR (docs/devicelink.md, "Encryption").
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { openDatagram, sealDatagram } from '../data-plane/tunnel-cipher.js';
import type { TunnelKey } from '../data-plane/tunnel-cipher.js';
import { ReplayWindow } from '../domain/tunnel/replay-window.js';
import type { LocalLink, LocalLinkOptions } from './link-client.js';

const socketFor = (host: string): Socket => createSocket(isIPv6(host) ? 'udp6' : 'udp4');

/** A dgram call that takes a callback, failing instead with the socket's error if that comes first. */
function settled(socket: Socket, start: (done: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    start(() => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/** Seals what goes to the hub and opens what comes back, dropping repeats and forgeries that do not parse. */
function cipherOf(key: TunnelKey): { seal(payload: Buffer): Buffer; open(datagram: Buffer): Buffer | undefined } {
  let sequence = 0n;
  const replay = new ReplayWindow();
  return {
    seal: (payload) => sealDatagram(key, 'client-to-device', sequence++, payload),
    open(datagram) {
      try {
        const opened = openDatagram(key, 'device-to-client', datagram);
        return replay.accept(opened.sequence) ? opened.payload : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export async function serveLocalUdpLink(options: LocalLinkOptions): Promise<LocalLink> {
  const localHost = options.localHost ?? '127.0.0.1';
  const local = socketFor(localHost);
  const hub = socketFor(options.hubHost);
  const cipher = options.key === undefined ? undefined : cipherOf(options.key);
  let peer: { readonly address: string; readonly port: number } | undefined;

  await settled(local, (done) => local.bind(options.localPort ?? 0, localHost, done));
  try {
    await settled(hub, (done) => hub.connect(options.hubPort, options.hubHost, done));
  } catch (error) {
    local.close();
    throw error;
  }
  local.on('message', (datagram, from) => {
    peer = from;
    hub.send(cipher === undefined ? datagram : cipher.seal(datagram));
  });
  hub.on('message', (datagram) => {
    const payload = cipher === undefined ? datagram : cipher.open(datagram);
    if (payload !== undefined && peer !== undefined) local.send(payload, peer.port, peer.address);
  });
  // A closed link's port answers with ICMP "port unreachable", which a connected socket reports.
  hub.on('error', (error: NodeJS.ErrnoException) => options.onHubUnreachable?.(error));
  // A datagram to a local peer that has gone away is lost, as UDP may lose it; the link stays.
  local.on('error', () => undefined);

  const address = local.address();
  return {
    host: address.address,
    port: address.port,
    close: async () => {
      await Promise.all([local, hub].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    },
  };
}
