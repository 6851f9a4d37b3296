// The gateway hands a device's stream messages and dial-backs to one sink; two
// planes open device streams: DeviceLinks (the tunnel supervisor) and proxies and protocol
// applications (the forward plane). Each ignores stream ids it does not know, so messages go
// to both; a dial-back goes to the one awaiting it.
import type { Socket } from 'node:net';
import type { StreamSink } from './gateway/gateway-connection.js';
import type { DialBackTarget } from '../wire/stream-dial-back.js';

export type StreamPlane = StreamSink & DialBackTarget;

export function routeStreams(links: StreamPlane, forwards: StreamPlane): StreamPlane {
  return {
    streamMessage(mac, message) {
      links.streamMessage(mac, message);
      forwards.streamMessage(mac, message);
    },
    awaitsDialBack: (streamId, token) => forwards.awaitsDialBack(streamId, token) || links.awaitsDialBack(streamId, token),
    dialedBack(streamId: string, token: string, socket: Socket) {
      if (forwards.awaitsDialBack(streamId, token)) forwards.dialedBack(streamId, token, socket);
      else links.dialedBack(streamId, token, socket);
    },
  };
}
