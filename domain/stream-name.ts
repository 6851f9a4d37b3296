// Stream names follow EventStoreDB's category convention: `<category>-<id>`.
import { TetherError } from './errors.js';

const streamName = /^[a-z][a-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const eventType = /^[A-Za-z][A-Za-z0-9_.-]{0,199}$/;

export const isStreamName = (name: string): boolean => streamName.test(name);
export const isEventType = (type: string): boolean => eventType.test(type);

export const streamOf = (category: string, id: string): string => `${category}-${id}`;

export const categoryOf = (stream: string): string => stream.slice(0, stream.indexOf('-'));
export const idOf = (stream: string): string => stream.slice(stream.indexOf('-') + 1);

export function assertStreamName(name: string): void {
  if (!isStreamName(name)) {
    throw new TetherError('invalid_stream_name', `invalid stream name ${JSON.stringify(name)}: expected <category>-<id>`);
  }
}
