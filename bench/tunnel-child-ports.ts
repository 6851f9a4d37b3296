// Starts one of the tunnel benchmark's helper processes (the "device", the plain relay) and
// waits for the ports it reports once it listens.
import { fileURLToPath } from 'node:url';
import { startNode } from './child-processes.js';
import type { Child } from './child-processes.js';
import type { ListeningMessage } from './tunnel-protocol.js';

const descriptors = 4096;
const startMs = 15_000;

export interface Listening<T> {
  readonly child: Child;
  readonly ports: T;
}

/** `node dist/bench/<script>.js ...args`, once it has reported its ports. */
export async function startListening<T>(script: string, args: readonly string[]): Promise<Listening<T>> {
  const child = startNode(fileURLToPath(new URL(`./${script}.js`, import.meta.url)), args, { descriptors, ipc: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const ports = await new Promise<T>((resolve, reject) => {
      child.process.once('message', (message: ListeningMessage<T>) => resolve(message.ports));
      void child.exited.then((how) => reject(new Error(`${script} ended (${how}) before it listened: ${child.output().trim()}`)));
      timer = setTimeout(() => reject(new Error(`${script} did not listen within ${startMs} ms: ${child.output().trim()}`)), startMs);
    });
    return { child, ports };
  } catch (error) {
    child.process.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Wraps work so that it fails as soon as one of `children` (by name) ends. */
export function exitGuard(children: Readonly<Record<string, Child>>): <T>(work: Promise<T>) => Promise<T> {
  const ended = Promise.race(
    Object.entries(children).map(([name, child]) =>
      child.exited.then((how): never => {
        throw new Error(`the ${name} process ended (${how}): ${child.output().trim().slice(-2000)}`);
      }),
    ),
  );
  // Only raced against work: the processes also end, expectedly, when the run is over.
  ended.catch(() => undefined);
  return <T>(work: Promise<T>): Promise<T> => Promise.race([work, ended]);
}
