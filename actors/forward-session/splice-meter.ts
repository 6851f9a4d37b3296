// A stream as a session counts it. Spliced: side a is the client (or, for dtt-reverse, the
// device's application), side b the target. Served as HTTP: the client connection's own bytes.
import type { Socket } from 'node:net';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { resetSocket } from '../../wire/socket-splice.js';
import type { Splice, SpliceResult } from '../../wire/socket-splice.js';
import type { StreamMeter } from './forward-session.js';

export function spliceMeter(spliced: Splice): StreamMeter {
  return {
    bytes: () => ({ bytesToTarget: spliced.bytesAToB, bytesFromTarget: spliced.bytesBToA }),
    abort: () => spliced.abort(),
    done: spliced.ended.then((result) => ({ bytesToTarget: result.bytesAToB, bytesFromTarget: result.bytesBToA })),
  };
}

/** Who ended a stream first, in the words of the session record. */
export function causeOfSplice(result: SpliceResult, ends: { readonly a: TerminationCause; readonly b: TerminationCause }): TerminationCause {
  if (result.first === 'a') return ends.a;
  if (result.first === 'b') return ends.b;
  return 'error';
}

/** A client connection's own bytes: what a session served as HTTP counts. */
export function clientMeter(client: Socket): StreamMeter {
  const bytes = () => ({ bytesToTarget: client.bytesRead, bytesFromTarget: client.bytesWritten });
  return {
    bytes,
    abort: () => resetSocket(client),
    done: new Promise((resolve) => (client.destroyed ? resolve(bytes()) : client.once('close', () => resolve(bytes())))),
  };
}
