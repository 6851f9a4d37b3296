// The live streams of a session, as DeviceLinks and forward sessions (proxies, protocol
// applications) both keep them in machine context: attached by a client, opened once the far
// side is reached, gone when closed.

export interface LiveStream {
  readonly clientHost: string;
  readonly clientPort: number;
  /** The far side (the device port, the target) was reached. */
  readonly opened: boolean;
}

export type LiveStreams = Readonly<Record<string, LiveStream>>;

export const isLive = (streams: LiveStreams, streamId: string): boolean => Object.hasOwn(streams, streamId);

export const withAttached = (streams: LiveStreams, streamId: string, clientHost: string, clientPort: number): LiveStreams => ({
  ...streams,
  [streamId]: { clientHost, clientPort, opened: false },
});

/** Unchanged when the stream is not live. */
export function withOpened(streams: LiveStreams, streamId: string): LiveStreams {
  const stream = streams[streamId];
  return stream === undefined ? streams : { ...streams, [streamId]: { ...stream, opened: true } };
}

export const withoutStream = (streams: LiveStreams, streamId: string): LiveStreams =>
  Object.fromEntries(Object.entries(streams).filter(([id]) => id !== streamId));
