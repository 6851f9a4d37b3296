// Where agents dial back to a relay: `GET /gateway/streams/<streamId>` upgraded to
// `tether-stream`, exactly as on the hub (wire/stream-dial-back.ts). Nothing else is served.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptStreamDialBack, isStreamDialBackPath } from '../wire/stream-dial-back.js';
import type { DialBackTarget } from '../wire/stream-dial-back.js';

export interface DialBackServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenForDialBacks(host: string, port: number, target: DialBackTarget): Promise<DialBackServer> {
  const server: Server = createServer((request, response) => {
    response.statusCode = 404;
    response.end();
  });
  server.on('upgrade', (request, socket, head: Buffer) => {
    const path = (request.url ?? '').split('?', 1)[0] ?? '';
    if (isStreamDialBackPath(path)) acceptStreamDialBack(request, socket, head, target);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
