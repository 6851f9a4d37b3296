// A process's resident memory sampled while a transfer runs: a relay that buffers what it
// cannot pass on grows with the bytes moved; one with backpressure stays flat.
import { residentKiB } from './resident-memory.js';

export interface RssSpan {
  readonly startKiB: number;
  readonly peakKiB: number;
  readonly endKiB: number;
  /** The samples at 0, 25, 50, 75 and 100% of the span: its trend. */
  readonly quartilesKiB: readonly number[];
  readonly samples: number;
}

export interface RssTrace {
  /** Takes the last sample and stops. */
  stop(): RssSpan;
}

const sampleMs = 100;

/** VmRSS of `pid` now and every 100 ms until stopped; a process that has gone keeps its last figures. */
export function traceRss(pid: number): RssTrace {
  const samples = [residentKiB(pid)];
  const sample = (): void => {
    try {
      samples.push(residentKiB(pid));
    } catch {
      // Gone: its last figures stand.
    }
  };
  const timer = setInterval(sample, sampleMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const at = (fraction: number): number => samples[Math.round(fraction * (samples.length - 1))] ?? 0;
      return {
        startKiB: at(0),
        peakKiB: Math.max(...samples),
        endKiB: at(1),
        quartilesKiB: [0, 0.25, 0.5, 0.75, 1].map(at),
        samples: samples.length,
      };
    },
  };
}
