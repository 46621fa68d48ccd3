// A multivariate time series as one flat Float64Array: `length` steps of `dim` values each, row-major
// (data[t * dim + d]). Echo state networks read and write whole series, and one contiguous buffer
// keeps the state loops free of per-step allocation.

/** T steps of D values, row-major: `data[t * dim + d]`. */
export interface TimeSeries {
  readonly length: number;
  readonly dim: number;
  readonly data: Float64Array;
}

/**
 * Builds a series from a flat list of scalars (dim 1), from one row per step, or from a flat buffer
 * with an explicit `dim`.
 *
 *     timeSeries([0.1, 0.2, 0.3])              // 3 steps × 1
 *     timeSeries([[1, 2], [3, 4]])             // 2 steps × 2
 *     timeSeries(new Float64Array(12), 3)      // 4 steps × 3
 */
export function timeSeries(values: ArrayLike<number> | ArrayLike<ArrayLike<number>>, dim?: number): TimeSeries {
  if (values.length > 0 && typeof values[0] !== 'number') {
    const rows = values as ArrayLike<ArrayLike<number>>;
    const d = rows[0].length;
    const data = new Float64Array(rows.length * d);
    for (let t = 0; t < rows.length; t++) {
      if (rows[t].length !== d) throw new Error(`expected every step to have ${d} values, step ${t} has ${rows[t].length}`);
      for (let j = 0; j < d; j++) data[t * d + j] = rows[t][j];
    }
    return { length: rows.length, dim: d, data };
  }
  const flat = values as ArrayLike<number>;
  const d = dim ?? 1;
  if (!Number.isInteger(d) || d < 0) throw new Error(`expected a non-negative integer dim, got ${d}`);
  if (d === 0 ? flat.length !== 0 : flat.length % d !== 0) {
    throw new Error(`expected a buffer whose size is a multiple of dim ${d}, got ${flat.length}`);
  }
  return { length: d === 0 ? 0 : flat.length / d, dim: d, data: Float64Array.from(flat) };
}

/** A series of `length` steps with no values per step (dim 0): the input of an input-free ESN. */
export function emptyInputs(length: number): TimeSeries {
  return { length, dim: 0, data: new Float64Array(0) };
}

/** Steps [start, end) of a series, sharing no memory with it. */
export function sliceSeries(s: TimeSeries, start: number, end = s.length): TimeSeries {
  const a = Math.max(0, Math.min(start, s.length)), b = Math.max(a, Math.min(end, s.length));
  return { length: b - a, dim: s.dim, data: s.data.slice(a * s.dim, b * s.dim) };
}

/** Component `d` of every step, as a flat array. */
export function component(s: TimeSeries, d = 0): Float64Array {
  if (d < 0 || d >= s.dim) throw new Error(`expected a component in [0, ${s.dim}), got ${d}`);
  const out = new Float64Array(s.length);
  for (let t = 0; t < s.length; t++) out[t] = s.data[t * s.dim + d];
  return out;
}
