// One piece of work at a time per stream, in the order asked: a command's reserve, decide,
// append and apply all run in the stream's turn.
export class StreamTurns {
  private readonly queues = new Map<string, Promise<unknown>>();

  async run<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(stream, settled);
    await settled;
    if (this.queues.get(stream) === settled) this.queues.delete(stream);
    return result;
  }

  /** Settles once every turn begun so far has ended. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }
}
