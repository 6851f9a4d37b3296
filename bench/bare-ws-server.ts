// The devices benchmark's baseline: a `ws` server that accepts connections and does nothing
// else, so a hub's memory per device can be set against a bare WebSocket's.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { maxControlFrameBytes } from '../domain/gateway/frame.js';

const server = createServer((_request, response) => {
  response.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: maxControlFrameBytes });
wss.on('connection', (ws) => {
  ws.on('error', () => ws.terminate());
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 511 }, () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
