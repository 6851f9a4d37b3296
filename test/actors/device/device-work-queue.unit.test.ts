import { describe, expect, it } from 'vitest';
import { DeviceWorkQueue } from '../../../actors/device/device-work-queue.js';

function gate(): { open: () => void; opened: Promise<void> } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('device work queue', () => {
  it('runs the work of one device one piece at a time, in order, and of different devices side by side', async () => {
    const queue = new DeviceWorkQueue();
    const log: string[] = [];
    const first = gate();
    const a1 = queue.run('a', async () => {
      log.push('a1 start');
      await first.opened;
      log.push('a1 end');
    });
    const a2 = queue.run('a', async () => {
      log.push('a2');
    });
    await queue.run('b', async () => {
      log.push('b');
    });
    expect(log).toEqual(['a1 start', 'b']);
    first.open();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
  });

  it('goes on after a failure, which reaches only its own caller', async () => {
    const queue = new DeviceWorkQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('drains: resolves once everything queued so far has settled', async () => {
    const queue = new DeviceWorkQueue();
    const slow = gate();
    let done = false;
    void queue.run('a', async () => {
      await slow.opened;
      done = true;
    });
    const drained = queue.drain();
    slow.open();
    await drained;
    expect(done).toBe(true);
  });
});
