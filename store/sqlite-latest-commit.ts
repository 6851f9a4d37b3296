// The rows this store's latest commit wrote, kept for its live subscriptions: a subscriber at the
// head of the log takes them from here instead of reading back what was just written (a read per
// subscriber per commit). The range check keeps that exact: positions are never reused, and another
// connection's commit lands either before ours or past our last row, beyond the range. Once another
// connection has committed (PRAGMA data_version), the file may hold what this process did not
// write, and it is read as it is.
import type { EventRow } from './sqlite-schema.js';

export class LatestCommit {
  private rows: readonly EventRow[] = [];
  private dataVersion = -1;

  constructor(private readonly currentDataVersion: () => number) {}

  /** The rows of one write transaction, in position order (nothing else lies between them), and the data version it saw. */
  committed(rows: readonly EventRow[], dataVersion: number): void {
    this.rows = rows;
    this.dataVersion = dataVersion;
  }

  /** The rows after `after` up to `upTo`, or undefined unless this commit holds that whole range as the file does. */
  between(after: number, upTo: number): readonly EventRow[] | undefined {
    const first = this.rows[0];
    const last = this.rows.at(-1);
    if (first === undefined || last === undefined || after < first.position - 1 || upTo > last.position) return undefined;
    if (this.currentDataVersion() !== this.dataVersion) {
      this.rows = [];
      return undefined;
    }
    return this.rows.filter((row) => row.position > after && row.position <= upTo);
  }
}
