// A full garbage collection in another node process, through its inspector, before its memory
// is read: what a burst of work left for the collector is not memory the process holds, and
// when V8 gets round to it varies from run to run. The process must be started with
// `inspectorArgs`; its inspector listens on loopback only.
import { once } from 'node:events';
import WebSocket from 'ws';
import type { Child } from './child-processes.js';

export const inspectorArgs: readonly string[] = ['--inspect=127.0.0.1:0'];

const inspectorUrl = /ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+/;

/** Has V8 collect all garbage in `child` (twice, so what the first frees that holds more goes too). */
export async function collectGarbage(child: Child): Promise<void> {
  const url = inspectorUrl.exec(child.output())?.[0];
  if (url === undefined) throw new Error('the process was not started with its inspector (inspectorArgs)');
  const socket = new WebSocket(url);
  await once(socket, 'open');
  try {
    for (const id of [1, 2]) {
      const answered = new Promise<void>((resolve) => {
        const onMessage = (data: WebSocket.RawData): void => {
          if ((JSON.parse(String(data)) as { id?: number }).id !== id) return;
          socket.off('message', onMessage);
          resolve();
        };
        socket.on('message', onMessage);
      });
      socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      await answered;
    }
  } finally {
    socket.close();
  }
}
