// Who hears of the read models' changes, once the transaction that made them committed. A
// listener that throws is logged: it stops neither the other listeners nor the runner.
import type { PublishedChange } from './projection.js';
import type { RunnerLogger } from './runner-logger.js';

export class ChangeListeners {
  private readonly listeners = new Set<(change: PublishedChange) => void>();

  constructor(private readonly logger: RunnerLogger) {}

  add(listener: (change: PublishedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(change: PublishedChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error({ err: error, change: change.name, position: change.position }, 'a read-model change listener threw');
      }
    }
  }
}
