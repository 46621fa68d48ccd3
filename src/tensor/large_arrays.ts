// Maximum, minimum and append over arrays whose length comes from data (pairs in a file, layers on
// the command line, points in a metrics log). Spreading such an array into arguments —
// `Math.max(...xs)`, `out.push(...xs)` — puts every element on the call stack, which V8 refuses past
// roughly 10^5 elements with "RangeError: Maximum call stack size exceeded"; these loop instead.

/** The largest of `xs` (-Infinity when empty, as Math.max()); NaN when any is NaN, as Math.max. */
export function maxOf(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (Number.isNaN(x)) return NaN;
    if (x > m) m = x;
  }
  return m;
}

/** The smallest of `xs` (Infinity when empty, as Math.min()); NaN when any is NaN, as Math.min. */
export function minOf(xs: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (Number.isNaN(x)) return NaN;
    if (x < m) m = x;
  }
  return m;
}

/** Appends every item of `items` to `target` in order and returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const x of items) target.push(x);
  return target;
}
