// Finding a NaN or an infinity among tensors: the one check that checkpoint loading (refuse a file
// whose weights are not all finite) and saving (never keep a diverged model or optimizer state) share.
// Values are read once through dataSync(); a multiply by zero is NaN exactly when x is NaN or ±Inf,
// which lets the common all-finite case run as one tight loop with no branch per value.

import type { Tensor } from './tensor.js';

/** Index (in row-major order) of the first NaN or ±Inf among `values`, or -1 when all are finite. */
export function firstNonFiniteIndex(values: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < values.length; i++) acc += values[i] * 0;
  if (acc === 0) return -1;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Where a non-finite value sits: the tensor's name, its flat index, its multi-index and the value. */
export interface NonFinite {
  name: string;
  index: number;
  position: number[];
  value: number;
}

/** The first non-finite value among named tensors (in the order given), or null when all are finite. */
export function findNonFinite(tensors: Readonly<Record<string, Tensor>>): NonFinite | null {
  for (const [name, t] of Object.entries(tensors)) {
    const values = t.dataSync();
    const index = firstNonFiniteIndex(values);
    if (index >= 0) return { name, index, position: unravel(index, t.shape), value: values[index] };
  }
  return null;
}

/** 'tensor lstm.weight_hh_l0 holds NaN at [3, 17] (flat index 3089)', for error messages. */
export function describeNonFinite(f: NonFinite): string {
  return `tensor ${f.name} holds ${f.value} at [${f.position.join(', ')}] (flat index ${f.index})`;
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return out;
}
