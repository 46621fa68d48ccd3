// The guard every command puts before printing a metric: a NaN or an infinity is not a result but a
// broken model (weights that overflowed, a run that diverged), so the command stops with exit
// status 1 and says so instead of printing "NaN nats/char" with exit status 0.

/** `value` when it is a finite number; otherwise an error naming `what` and what came. */
export function finiteMetric(value: number, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(`expected a finite ${what}, got ${String(value)}: the model's outputs are not finite numbers (its weights or activations have overflowed)`);
}
