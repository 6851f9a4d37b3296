// A pool's one serial loop: every command and step runs after the one before, and a step asked
// for several times in one turn of the event loop runs once, after that turn's I/O callbacks,
// so that the results that arrived together are recorded together.
export class StepLoop {
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly step: () => Promise<void>,
    private readonly failed: (error: unknown) => void,
  ) {}

  get stopping(): boolean {
    return this.stopped;
  }

  /** Runs `work` once everything queued before it is done. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.chain.then(work);
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.exclusive(async () => {
        this.scheduled = false;
        if (!this.stopped) await this.step();
      }).catch(this.failed);
    });
  }

  /** Waits for the loop to finish what it holds; nothing more runs after. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
  }
}
