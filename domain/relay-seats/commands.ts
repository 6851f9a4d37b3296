// Commands on a relay's seats, stream `relayseats-<relay>`.
export type RelaySeatsCommand =
  /**
   * Takes a seat for a link unless the relay's live seats reach `capacity` (its maxSessions).
   * `ended`: seats the caller found free (their links ended), freed in the same append.
   */
  | { readonly type: 'TakeRelaySeat'; readonly tunnelId: string; readonly capacity: number; readonly ended: readonly string[] }
  /** The link's opening was not stored: its seat is free. */
  | { readonly type: 'FreeRelaySeat'; readonly tunnelId: string };
