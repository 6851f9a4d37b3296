// What one relay status lists: never more than the hub takes, live sessions first, the ended
// ones that do not fit kept for the next status.
import { describe, expect, it } from 'vitest';
import { maxSessionsPerStatus } from '../../domain/relay/decide.js';
import { fitStatus } from '../../relay-server/status-sessions.js';

describe('fitStatus', () => {
  it('lists live sessions first, then ended ones while there is room; the rest wait', () => {
    expect(fitStatus(['a', 'b'], ['x', 'y', 'z'], 3)).toEqual({ listed: ['a', 'b', 'x'], waiting: ['y', 'z'] });
    expect(fitStatus(['a'], ['x'], 5)).toEqual({ listed: ['a', 'x'], waiting: [] });
    expect(fitStatus(['a', 'b', 'c'], ['x'], 2)).toEqual({ listed: ['a', 'b'], waiting: ['x'] });
  });

  it('never lists more than any status may, whatever maxSessions', () => {
    const live = Array.from({ length: maxSessionsPerStatus + 5 }, (_, i) => i);
    const { listed, waiting } = fitStatus(live, [-1], 1_000_000);
    expect(listed).toHaveLength(maxSessionsPerStatus);
    expect(waiting).toEqual([-1]);
  });
});
