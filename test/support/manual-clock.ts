import type { Clock, TimerHandle } from '../../domain/ports/clock.js';

/** A clock that only moves when a test says so; due timers fire during advance(). */
export class ManualClock implements Clock {
  private current: number;
  private readonly timers = new Set<{ at: number; fn: () => void }>();

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  at(when: Date, fn: () => void): TimerHandle {
    const timer = { at: when.getTime(), fn };
    this.timers.add(timer);
    if (timer.at <= this.current) queueMicrotask(() => this.fire(timer));
    return { cancel: () => this.timers.delete(timer) };
  }

  advance(ms: number): void {
    this.current += ms;
    const due = [...this.timers].filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at);
    for (const timer of due) this.fire(timer);
  }

  pending(): number {
    return this.timers.size;
  }

  private fire(timer: { at: number; fn: () => void }): void {
    if (this.timers.delete(timer)) timer.fn();
  }
}
