// Time comes from here, never from Date.now(), so tests can drive it.
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Runs fn once the clock has reached `at` (at once when already past). */
  at(when: Date, fn: () => void): TimerHandle;
}
