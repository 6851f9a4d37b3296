// The addresses the agent dials the hub at, in turn: those the hub told it last (kept in the
// state file, so a hub that moved is found again after a restart), then those it was started
// with. A connection that fails before its welcome moves on to the next address.
import { gatewayUrl } from './gateway-url.js';

export class HubAddresses {
  private told: readonly string[];
  private index = 0;

  /** `given`: --hub, one or more; `saved`: what the hub told a previous run. Throws on a URL that is not one. */
  constructor(
    private readonly given: readonly string[],
    saved: readonly string[] | undefined,
  ) {
    if (given.length === 0) throw new Error('give the hub as https://host[:port]');
    given.forEach(gatewayUrl);
    this.told = (saved ?? []).filter(isDialable);
  }

  /** The hub URL to dial now, as given (its gateway is gatewayUrl of it). */
  current(): string {
    const all = this.all();
    return all[this.index % all.length] ?? this.given[0] ?? '';
  }

  /** The connection to the current address failed before the hub welcomed it. */
  failed(): void {
    this.index = (this.index + 1) % this.all().length;
  }

  /** The hub says where to dial it from now on; false if that is what it already said. */
  tell(urls: readonly string[]): boolean {
    const dialable = urls.filter(isDialable);
    if (dialable.length === 0 || sameList(dialable, this.told)) return false;
    this.told = dialable;
    this.index = 0;
    return true;
  }

  /** What the hub told, for the state file; undefined if it never did. */
  saved(): readonly string[] | undefined {
    return this.told.length === 0 ? undefined : this.told;
  }

  private all(): readonly string[] {
    return [...new Set([...this.told, ...this.given])];
  }
}

function isDialable(url: string): boolean {
  try {
    gatewayUrl(url);
    return true;
  } catch {
    return false;
  }
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((url, i) => url === b[i]);
