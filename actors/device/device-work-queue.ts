// Work on one device runs one piece at a time: a hello, an assignment, a password deployment
// and a disconnection of the same MAC never interleave. Different devices run concurrently.
export class DeviceWorkQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(mac: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(mac) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(mac, tail);
    void tail.then(() => {
      if (this.tails.get(mac) === tail) this.tails.delete(mac);
    });
    return result;
  }

  /** Resolves once every piece of work queued so far has settled. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
