// This node's side of a stream through a device a peer holds: the marked upgrade to the
// peer's internal address (device-stream-request.ts), and the peer's refusal turned back into
// the TetherError the peer met, so a client sees what it would on one node.
import type { PeerStreams } from '../actors/node/cluster-dialer.js';
import type { Clock } from '../domain/ports/clock.js';
import { requestPeerStream } from '../data-plane/peer-stream.js';
import { agentIpHeader, deviceStreamProtocol, deviceStreamUrl, errorOfRefusal } from './device-stream-request.js';
import { forwardingHeader } from './forwarding-marker.js';
import type { ForwardingKey } from './forwarding-marker.js';

export function peerDeviceStreams(key: ForwardingKey, clock: Clock): PeerStreams {
  return {
    async open({ nodeId, address }, request, options) {
      const url = deviceStreamUrl(request);
      const marker = key.sign({ method: 'GET', url, body: '', clientIp: options.clientIp ?? '' }, clock.now(), nodeId);
      const answer = await requestPeerStream(new URL(`${address.replace(/\/+$/, '')}${url}`), {
        protocol: deviceStreamProtocol,
        headers: { [forwardingHeader]: marker },
        clock,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (answer.kind === 'refused') throw errorOfRefusal(answer.status, answer.body, address);
      const agentIP = answer.headers[agentIpHeader];
      return { socket: answer.socket, agentIP: typeof agentIP === 'string' ? agentIP : '' };
    },
  };
}
