// Operations that move elements without arithmetic: reshape, permute/transpose, slice, select,
// concat, stack, and broadcastTo. Their gradients move the elements back.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes, formatShape, normAxis, sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { record } from '../record.js';
import { spreadTo } from './broadcast_buffer.js';

/** Same elements, new shape (one axis may be -1). Shares the buffer, like a view. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const s = [...shape];
  const free = s.indexOf(-1);
  if (free >= 0) {
    const known = s.reduce((p, d, i) => (i === free ? p : p * d), 1);
    s[free] = known === 0 ? 0 : x.size / known;
  }
  if (sizeOf(s) !== x.size || s.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: cannot view ${x.size} elements of shape ${formatShape(x.shape)} as ${formatShape(shape)}`);
  }
  return record('reshape', x.storage, s, [x], (g) => [g]);
}

/** Reorders axes: output axis i is input axis perm[i]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const p = perm.map((a) => normAxis(a, x.rank));
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new Error(`permute: expected a permutation of ${x.rank} axes, got [${perm.join(', ')}]`);
  }
  const shape = p.map((a) => x.shape[a]);
  const data = new Storage(x.dtype, x.size);
  const be = getBackend();
  be.permute(x.storage, x.shape, p, data);
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => { inverse[a] = i; });
  return record('permute', data, shape, [x], (g) => {
    const gx = new Storage(x.dtype, x.size);
    be.permute(g, shape, inverse, gx);
    return [gx];
  });
}

/** Swaps two axes. */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const perm = x.shape.map((_, i) => i);
  const i = normAxis(a, x.rank), j = normAxis(b, x.rank);
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return permute(x, perm);
}

// view of x as [outer, size, inner] around `axis`
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** Elements start ≤ i < end along one axis. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis(axis, x.rank);
  const [outer, size, inner] = around(x.shape, a);
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= size)) {
    throw new Error(`slice: expected 0 <= start <= end <= ${size} on axis ${a}, got ${start}..${end}`);
  }
  const len = end - start;
  const shape = x.shape.map((d, i) => (i === a ? len : d));
  const be = getBackend();
  const data = new Storage(x.dtype, outer * len * inner);
  // x as [outer, size·inner] rows, of which each keeps the run start·inner … end·inner: one block copy
  be.copy(x.storage, start * inner, data, 0, len * inner, outer, size * inner, len * inner);
  return record('slice', data, shape, [x], (g) => {
    if (outer === 1) return [{ offset: start * inner, data: g }];
    const gx = new Storage(x.dtype, x.size);
    be.copy(g, 0, gx, start * inner, len * inner, outer, len * inner, size * inner);
    return [gx];
  });
}

/** The entry at `index` along an axis, with that axis removed. */
export function select(x: Tensor, axis: number, index: number): Tensor {
  const a = normAxis(axis, x.rank);
  const i = index < 0 ? index + x.shape[a] : index;
  return reshape(slice(x, a, i, i + 1), x.shape.filter((_, k) => k !== a));
}

/** Splits an axis into `n` equal parts. */
export function chunk(x: Tensor, n: number, axis = -1): Tensor[] {
  const a = normAxis(axis, x.rank);
  if (x.shape[a] % n !== 0) throw new Error(`chunk: axis ${a} of size ${x.shape[a]} does not split into ${n} equal parts`);
  const w = x.shape[a] / n;
  return Array.from({ length: n }, (_, k) => slice(x, a, k * w, (k + 1) * w));
}

/** Joins tensors along an existing axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: expected at least one tensor, got none');
  const a = normAxis(axis, xs[0].rank);
  for (const t of xs) {
    const ok = t.rank === xs[0].rank && t.dtype === xs[0].dtype && t.shape.every((d, i) => i === a || d === xs[0].shape[i]);
    if (!ok) throw new Error(`concat: expected tensors matching ${formatShape(xs[0].shape)} except on axis ${a}, got ${formatShape(t.shape)}`);
  }
  const outer = sizeOf(xs[0].shape.slice(0, a)), inner = sizeOf(xs[0].shape.slice(a + 1));
  const total = xs.reduce((s, t) => s + t.shape[a], 0);
  const shape = xs[0].shape.map((d, i) => (i === a ? total : d));
  const be = getBackend();
  const data = new Storage(xs[0].dtype, outer * total * inner);
  let at = 0;
  const starts: number[] = [];
  for (const t of xs) {
    starts.push(at);
    const w = t.shape[a] * inner;
    be.copy(t.storage, 0, data, at * inner, w, outer, w, total * inner);
    at += t.shape[a];
  }
  return record('concat', data, shape, xs, (g) => xs.map((t, k) => {
    if (!t.requiresGrad) return null;
    const w = t.shape[a] * inner;
    const gt = new Storage(t.dtype, t.size);
    be.copy(g, starts[k] * inner, gt, 0, w, outer, total * inner, w);
    return gt;
  }));
}

/** Joins same-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack: expected at least one tensor, got none');
  const a = normAxis(axis, xs[0].rank + 1);
  for (const t of xs) {
    if (!sameShape(t.shape, xs[0].shape)) throw new Error(`stack: expected tensors of shape ${formatShape(xs[0].shape)}, got ${formatShape(t.shape)}`);
  }
  const unsq = [...xs[0].shape.slice(0, a), 1, ...xs[0].shape.slice(a)];
  return concat(xs.map((t) => reshape(t, unsq)), a);
}

/** Inserts an axis of size 1. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis(axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Removes an axis of size 1 (all of them when no axis is given). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normAxis(axis, x.rank);
  if (x.shape[a] !== 1) throw new Error(`squeeze: expected axis ${a} of size 1, got ${x.shape[a]}`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/** Repeats x along broadcast axes to reach `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const s = broadcastShapes(x.shape, shape);
  if (!sameShape(s, shape)) throw new Error(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  const be = getBackend();
  // a fresh buffer even when no axis repeats: the result must not alias x
  const data = new Storage(x.dtype, sizeOf(shape));
  be.copy(spreadTo(x.storage, x.shape, shape, x.dtype), 0, data, 0, data.length);
  return record('broadcastTo', data, shape, [x], (g) => {
    const gx = new Storage(x.dtype, x.size);
    be.sumTo(g, shape, gx, x.shape);
    return [gx];
  });
}
