// Encrypted datagrams carry a sequence number so that loss and reordering never desynchronise
// the keystream. The receiver also drops a datagram it has seen (a replay decrypts to a valid
// old message) and one too far behind to tell, as IPsec and DTLS do. Without a MAC this stops
// replays, not forgeries: AES-CTR alone does not authenticate (docs/devicelink.md).

export const defaultReplayWindow = 1024;

export class ReplayWindow {
  private highest = -1n;
  private readonly slots: BigUint64Array;
  private readonly filled: Uint8Array;
  private readonly size: bigint;

  constructor(size = defaultReplayWindow) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError('a replay window holds at least one sequence number');
    this.slots = new BigUint64Array(size);
    this.filled = new Uint8Array(size);
    this.size = BigInt(size);
  }

  /** True the first time `sequence` arrives; false for a repeat or one `size` or more behind the highest seen. */
  accept(sequence: bigint): boolean {
    if (this.highest >= 0n && sequence <= this.highest - this.size) return false;
    const slot = Number(sequence % this.size);
    // A slot holds the latest sequence that mapped to it; anything older there is out of the window.
    if (this.filled[slot] === 1 && this.slots[slot] === sequence) return false;
    this.slots[slot] = sequence;
    this.filled[slot] = 1;
    if (sequence > this.highest) this.highest = sequence;
    return true;
  }
}
