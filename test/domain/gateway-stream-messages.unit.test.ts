import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { TetherError } from '../../domain/errors.js';
import { decodeMessage } from '../../domain/gateway/frame.js';
import {
  AgentStreamMessage,
  HubStreamMessage,
  dataSocketPath,
  encodeStreamMessage,
} from '../../domain/gateway/stream-messages.js';
import type { AgentStreamMessage as AgentStreamMessageType, HubStreamMessage as HubStreamMessageType } from '../../domain/gateway/stream-messages.js';

const streamId = '00000000-0000-4000-8000-000000000001';
const token = 'c2VjcmV0LXN0cmVhbS10b2tlbg';
const openStream = { type: 'open-stream', streamId, protocol: 'tcp', target: { host: '127.0.0.1', port: 22 }, token };

function failure<A>(result: Either<TetherError, A>): TetherError {
  if (!isLeft(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
  return result.left;
}

describe('stream control messages', () => {
  it('round-trips every hub and agent stream message', () => {
    const hub: HubStreamMessageType[] = [
      { type: 'open-stream', streamId, protocol: 'udp', target: { host: 'plc.local', port: 502 }, token },
      { type: 'close-stream', streamId, cause: 'deleted' },
    ];
    for (const message of hub) {
      const decoded = decodeMessage(HubStreamMessage, encodeStreamMessage(message));
      expect(isRight(decoded) && decoded.right).toEqual(message);
    }
    const agent: AgentStreamMessageType[] = [
      { type: 'stream-opened', streamId },
      { type: 'stream-refused', streamId, reason: 'target-not-allowed', message: '127.0.0.1:23 is not in --allow 127.0.0.1:22' },
      { type: 'stream-refused', streamId, reason: 'connect-failed', message: 'ECONNREFUSED' },
      { type: 'stream-closed', streamId, cause: 'device-closed' },
    ];
    for (const message of agent) {
      const decoded = decodeMessage(AgentStreamMessage, encodeStreamMessage(message));
      expect(isRight(decoded) && decoded.right).toEqual(message);
    }
  });

  it('names the paths of a bad open-stream', () => {
    const error = failure(
      decodeMessage(HubStreamMessage, JSON.stringify({ ...openStream, streamId: 'ABC', target: { host: '', port: '22' }, token: 'short' })),
    );
    expect(error.details).toEqual(['streamId', 'target.host', 'target.port', 'token']);
  });

  it('refuses causes an agent cannot witness and reasons outside the set', () => {
    expect(failure(decodeMessage(AgentStreamMessage, JSON.stringify({ type: 'stream-closed', streamId, cause: 'deleted' }))).details).toEqual(['cause']);
    expect(
      failure(decodeMessage(AgentStreamMessage, JSON.stringify({ type: 'stream-refused', streamId, reason: 'nope', message: '' }))).details,
    ).toEqual(['reason']);
    expect(failure(decodeMessage(AgentStreamMessage, JSON.stringify(openStream))).details).toEqual(['type']);
  });
});

describe('a TCP stream connection', () => {
  it('is dialled back at a path naming the stream', () => {
    expect(dataSocketPath(streamId)).toBe(`/gateway/streams/${streamId}`);
  });
});
