// A device's dial-back for one stream: `GET /gateway/streams/<streamId>` upgraded to
// `tether-stream` with the stream's single-use token as bearer. After the 101 the connection
// carries the stream's raw bytes (docs/devicelink.md, "Hub ↔ agent"). The agent dials back, and
// the hub and relays both take dial-backs, so this lives in wire/.
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { dataSocketPath, streamUpgradeProtocol } from '../domain/gateway/stream-messages.js';

export interface DialBackTarget {
  awaitsDialBack(streamId: string, token: string): boolean;
  dialedBack(streamId: string, token: string, socket: Socket): void;
}

const prefix = dataSocketPath('');
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isStreamDialBackPath = (path: string): boolean => path.startsWith(prefix);

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function acceptStreamDialBack(request: IncomingMessage, socket: Duplex, head: Buffer, target: DialBackTarget): void {
  const streamId = (request.url ?? '').slice(prefix.length);
  const authorization = request.headers.authorization ?? '';
  const token = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
  if (request.headers.upgrade?.toLowerCase() !== streamUpgradeProtocol) {
    refuse(socket, '400 Bad Request');
    return;
  }
  if (!uuid.test(streamId) || !(socket instanceof Socket)) {
    refuse(socket, '404 Not Found');
    return;
  }
  if (!target.awaitsDialBack(streamId, token)) {
    refuse(socket, '401 Unauthorized');
    return;
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${streamUpgradeProtocol}\r\n\r\n`);
  if (head.length > 0) socket.unshift(head);
  target.dialedBack(streamId, token, socket);
}
