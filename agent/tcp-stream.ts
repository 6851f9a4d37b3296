// A TCP stream on the device: connect to the target first (so an unreachable target is
// refused without troubling the hub with a dial-back), then dial back the hub (or the relay the
// hub names) and splice the two connections; TCP's flow control, FIN and RST carry through end
// to end.
import net from 'node:net';
import type { Socket } from 'node:net';
import type { OpenStream } from '../domain/gateway/stream-messages.js';
import { canonicalHost } from '../domain/tunnel/address.js';
import { KeptReadBuffer } from '../wire/kept-read-buffer.js';
import { resetSocket, splice } from '../wire/socket-splice.js';
import type { Splice, SpliceResult } from '../wire/socket-splice.js';
import { formatTarget } from './allow-list.js';
import type { DeviceStream, StreamOutcome } from './device-streams.js';
import { dialBack } from './stream-dial-back.js';

export interface TcpStreamOptions {
  readonly hub: string;
  readonly ca?: string | Buffer;
  /** How long the target may take to accept; default 10 s. */
  readonly connectTimeoutMs?: number;
}

function describe(result: SpliceResult): string {
  const how = result.reset ? 'reset' : 'ended';
  const by = result.first === 'a' ? ' by the device' : result.first === 'b' ? ' by the hub' : '';
  return `${how}${by}; ${result.bytesAToB} bytes from the device, ${result.bytesBToA} to it`;
}

export function openTcpStream(message: OpenStream, options: TcpStreamOptions, outcome: StreamOutcome): DeviceStream {
  const { streamId, target, token } = message;
  const cancel = new AbortController();
  let connected = false;
  let spliced: Splice | undefined;
  // Why the dial-back was given up, when it was not the dial-back's own failure.
  let cancelled: string | undefined;
  const giveUp = (why: string): void => {
    cancelled ??= why;
    cancel.abort();
  };

  // Both connections read into buffers they keep: relaying bulk bytes then allocates nothing per chunk.
  const targetReads = new KeptReadBuffer();
  const hubReads = new KeptReadBuffer();
  // An IPv4-mapped IPv6 address is reached over IPv4, which works also where IPv6 is off.
  const socket: Socket = net.connect({
    host: canonicalHost(target.host),
    port: target.port,
    allowHalfOpen: true,
    noDelay: true,
    onread: targetReads.onread(),
  });
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);

  socket.on('error', (error) => {
    clearTimeout(timer);
    if (!connected) outcome.refused('connect-failed', `cannot connect to ${formatTarget(target)}: ${error.message}`);
    // Once connected, a failure before the splice cancels the dial-back; after, the splice sees it.
    else if (spliced === undefined) giveUp(`the target failed before the dial-back completed: ${error.message}`);
  });

  socket.once('connect', () => {
    clearTimeout(timer);
    connected = true;
    // A link a relay carries is dialled back to that relay, not to the hub.
    const dialOptions = { hub: message.dialBack ?? options.hub, signal: cancel.signal, reads: hubReads, ...(options.ca === undefined ? {} : { ca: options.ca }) };
    dialBack(streamId, token, dialOptions).then(
      (hub) => {
        if (cancel.signal.aborted) {
          resetSocket(hub);
          resetSocket(socket);
          outcome.closed(cancelled ?? 'cancelled');
          return;
        }
        spliced = splice({ socket, reads: targetReads }, { socket: hub, ...(hubReads.inUse ? { reads: hubReads } : {}) });
        outcome.opened();
        void spliced.ended.then((result) => outcome.closed(describe(result)));
      },
      (error: Error) => {
        resetSocket(socket);
        outcome.closed(cancelled ?? error.message);
      },
    );
  });

  return {
    close() {
      if (spliced !== undefined) spliced.abort();
      else if (connected) giveUp('closed during the dial-back');
      else {
        clearTimeout(timer);
        socket.destroy();
        outcome.closed('closed before the target answered');
      }
    },
  };
}
