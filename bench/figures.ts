// Printing and summarising of benchmark figures, shared by every benchmark.
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function rate(count: number, ms: number): number {
  return (count / ms) * 1000;
}

const format = (n: number): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 }) : String(n);

export function figure(name: string, value: number, unit: string, goal?: { op: '>=' | '<='; value: number }): void {
  let verdict = '';
  if (goal) {
    const met = goal.op === '>=' ? value >= goal.value : value <= goal.value;
    verdict = `  goal ${goal.op} ${format(goal.value)}: ${met ? 'met' : 'NOT met'}`;
  }
  console.log(`${name.padEnd(58)} ${format(value).padStart(12)} ${unit}${verdict}`);
}

export function note(text: string): void {
  console.log(`  ${text}`);
}

export async function timed(work: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}
