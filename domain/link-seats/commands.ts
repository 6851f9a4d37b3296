// Commands on a seat stream (`relayseats-<relay>`, `tenantlinkseats-<tenant>`).
export type LinkSeatsCommand =
  /**
   * Takes a seat for a link unless the live seats reach `capacity`.
   * `ended`: seats the caller found free (their links ended), freed in the same append.
   */
  | { readonly type: 'TakeLinkSeat'; readonly tunnelId: string; readonly capacity: number; readonly ended: readonly string[] }
  /** The link's opening was not stored: its seat is free. */
  | { readonly type: 'FreeLinkSeat'; readonly tunnelId: string };
