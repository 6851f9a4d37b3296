// Wakes live subscribers when the log grows: at once for appends of this store, and by a
// cheap poll of the head for appends of other processes sharing the file (SQLite has no
// cross-process notification). The poll runs only while someone is waiting.
export class AppendNotifier {
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private knownHead: number;

  constructor(
    private readonly readHead: () => number,
    private readonly pollIntervalMs: number,
  ) {
    this.knownHead = readHead();
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /** Registers a one-shot waker, called on the next growth of the log (or on stop()). */
  add(waker: () => void): void {
    this.waiters.add(waker);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.poll(), this.pollIntervalMs);
      // A store with a live subscription must not keep the process alive by itself.
      this.timer.unref();
    }
  }

  remove(waker: () => void): void {
    this.waiters.delete(waker);
    if (this.waiters.size === 0) this.stopPolling();
  }

  /** A commit of this store reached `position`. */
  advanced(position: number): void {
    if (position > this.knownHead) this.knownHead = position;
    this.wakeAll();
  }

  stop(): void {
    this.wakeAll();
  }

  private poll(): void {
    let head: number;
    try {
      head = this.readHead();
    } catch {
      // Let the subscribers read: they report the failure to their consumers.
      this.wakeAll();
      return;
    }
    if (head > this.knownHead) {
      this.knownHead = head;
      this.wakeAll();
    }
  }

  private wakeAll(): void {
    const wakers = [...this.waiters];
    this.waiters.clear();
    this.stopPolling();
    for (const wake of wakers) wake();
  }

  private stopPolling(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
