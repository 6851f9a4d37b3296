// The whole body of an HTTP answer, for the hub's own clients (the admin commands and a hub node
// asking a peer) that take answers small enough to hold. Read as a stream because both are on
// node:http(s) rather than fetch (each file says why).
import type { IncomingMessage } from 'node:http';

export function answerText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', reject);
  });
}
