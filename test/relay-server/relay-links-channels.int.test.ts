// A relay's links belong to the hub node whose channel asked for them: another node's
// close-link neither ends one nor has it reported closed; a link no channel holds is.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../actors/runtime/system-clock.js';
import { parseMac } from '../../domain/device/mac.js';
import type { RelayToHubMessage } from '../../domain/relay/channel-messages.js';
import { RelayLinks } from '../../relay-server/relay-links.js';
import type { NodeChannel } from '../../relay-server/relay-links.js';

/** A node's channel that keeps what the relay sends it, and wakes whoever waits for a message. */
class RecordingChannel implements NodeChannel {
  readonly open = true;
  readonly sent: RelayToHubMessage[] = [];
  private waiting: (() => void)[] = [];

  send(message: RelayToHubMessage): boolean {
    this.sent.push(message);
    this.waiting.forEach((wake) => wake());
    this.waiting = [];
    return true;
  }

  /** The first message of `type` sent, waiting up to 5 s for it. */
  async first(type: RelayToHubMessage['type']): Promise<RelayToHubMessage> {
    const timedOut = AbortSignal.timeout(5000);
    for (;;) {
      const found = this.sent.find((message) => message.type === type);
      if (found !== undefined) return found;
      if (timedOut.aborted) throw new Error(`no ${type} within 5000 ms`);
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        timedOut.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const links = new RelayLinks({ ports: { from: 44720, to: 44729 }, bindAddress: '127.0.0.1', maxSessions: 10, clock: systemClock, logger: silent });

afterAll(async () => {
  await links.closeAll('relay-lost');
});

describe("a close-link from a node that does not hold the link", () => {
  it('leaves the link running and reports nothing; a link no channel holds is reported closed', async () => {
    const owner = new RecordingChannel();
    const other = new RecordingChannel();
    const tunnelId = randomUUID();
    links.receive({ type: 'open-link', tunnelId, device: parseMac('00:11:22:33:44:F1'), tenantId: 'acme', protocol: 'tcp', devicePort: 22, agentIP: '127.0.0.1', progressIntervalMs: 60_000 }, owner);
    expect(await owner.first('link-opened')).toMatchObject({ tunnelId });

    links.receive({ type: 'close-link', tunnelId, cause: 'deleted' }, other);
    expect(links.size).toBe(1);
    expect(other.sent).toEqual([]);

    const gone = randomUUID();
    links.receive({ type: 'close-link', tunnelId: gone, cause: 'deleted' }, other);
    expect(other.sent).toEqual([{ type: 'link-closed', tunnelId: gone, cause: 'deleted', bytesToDevice: 0, bytesFromDevice: 0 }]);
  });
});
