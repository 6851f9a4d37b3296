// The control channel's codecs and the agent's dial-back target: what the hub and a relay
// accept of each other, and where an agent may be sent to dial back.
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../domain/gateway/frame.js';
import { HubMessage } from '../../domain/gateway/hub-messages.js';
import { HubToRelayMessage, RelayToHubMessage } from '../../domain/relay/channel-messages.js';
import { decodeRsStatusMessage } from '../../domain/relay/rsstatus-message.js';

const streamId = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const openStream = { type: 'open-stream', streamId, protocol: 'udp', target: { host: '127.0.0.1', port: 53 }, token: 'a'.repeat(32) };

describe('open-stream with a dial-back', () => {
  it('takes http(s)://host:port and nothing else', () => {
    for (const dialBack of ['http://127.0.0.1:7070', 'https://relay.example.net:443', 'http://[2001:db8::1]:7070']) {
      expect(isRight(decodeMessage(HubMessage, JSON.stringify({ ...openStream, dialBack }))), dialBack).toBe(true);
    }
    for (const dialBack of ['ftp://relay:21', 'http://relay', 'http://relay:7070/path', 7070]) {
      expect(isLeft(decodeMessage(HubMessage, JSON.stringify({ ...openStream, dialBack }))), String(dialBack)).toBe(true);
    }
  });
});

describe('the control channel', () => {
  it('carries the relay\'s records of the four live-link commands only', () => {
    const record = (command: object) => JSON.stringify({ type: 'record', requestId: 1, tunnelId: streamId, command });
    expect(isRight(decodeMessage(RelayToHubMessage, record({ type: 'AttachClient', streamId, clientHost: '192.0.2.1', clientPort: 5000 })))).toBe(true);
    expect(isRight(decodeMessage(RelayToHubMessage, record({ type: 'RecordTraffic', bytesToDevice: 1, bytesFromDevice: 2 })))).toBe(true);
    expect(isLeft(decodeMessage(RelayToHubMessage, record({ type: 'CloseTunnel', cause: 'deleted', bytesToDevice: 0, bytesFromDevice: 0 })))).toBe(true);
    expect(isLeft(decodeMessage(RelayToHubMessage, record({ type: 'RecordTraffic', bytesToDevice: -1, bytesFromDevice: 2 })))).toBe(true);
  });

  it('lets a relay send the agent only open-stream and close-stream', () => {
    const toDevice = (message: object) => JSON.stringify({ type: 'to-device', tunnelId: streamId, message });
    expect(isRight(decodeMessage(RelayToHubMessage, toDevice(openStream)))).toBe(true);
    expect(isLeft(decodeMessage(RelayToHubMessage, toDevice({ type: 'update', jobId: streamId })))).toBe(true);
  });

  it('decodes what the hub sends', () => {
    const close = JSON.stringify({ type: 'close-link', tunnelId: streamId, cause: 'deleted' });
    expect(isRight(decodeMessage(HubToRelayMessage, close))).toBe(true);
    expect(isLeft(decodeMessage(HubToRelayMessage, JSON.stringify({ type: 'close-link', tunnelId: streamId, cause: 'bored' })))).toBe(true);
  });
});

describe('rsstatus messages', () => {
  it('drops unpopulated (null) fields and refuses wrong types as invalid-message', () => {
    const decoded = decodeRsStatusMessage({ type: 'status', name: 'gas', hostName: null, currentNumberOfSessions: 1 });
    expect(isRight(decoded) && decoded.right).toEqual({ type: 'status', name: 'gas', currentNumberOfSessions: 1 });
    expect(decodeRsStatusMessage({ type: 'status', name: 'gas', currentNumberOfSessions: '1' })).toEqual({ _tag: 'Left', left: 'invalid-message' });
  });
});
