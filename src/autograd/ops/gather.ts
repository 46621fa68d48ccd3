// Rows of a table picked by integer indices: the embedding lookup, and selectRows, the same lookup
// with any tensor as the table. The gradient scatters back and adds up where an index repeats.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { record } from '../record.js';
import { reshape } from './shape_ops.js';

/** Integer indices with a shape, as taken by embedding and the losses. */
export interface IndexTensor {
  readonly data: Int32Array;
  readonly shape: Shape;
}

/** Makes an IndexTensor, checking that every value is an integer. */
export function indices(values: ArrayLike<number>, shape?: Shape): IndexTensor {
  const sh = shape ?? [values.length];
  if (sizeOf(sh) !== values.length) throw new Error(`expected ${sizeOf(sh)} indices for shape ${formatShape(sh)}, got ${values.length}`);
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) throw new Error(`expected integer indices, got ${v} at position ${i}`);
    data[i] = v;
  }
  return { data, shape: [...sh] };
}

// Which tensors are, untouched since, a lookup of which table: a recurrent layer given one folds its
// first input projection into the table (src/nn/layers/recurrent_layer.ts).
const lookups = new WeakMap<Tensor, { table: Tensor; ids: IndexTensor; version: number }>();

/**
 * The table and ids `x` was looked up from by embedding(), if x is such a lookup and its values
 * have not been written since; else null.
 */
export function embeddingSource(x: Tensor): { table: Tensor; ids: IndexTensor } | null {
  const s = lookups.get(x);
  return s !== undefined && s.version === x.storage.root.version ? s : null;
}

/** table [V, E] looked up at idx [...] → [..., E]. */
export function embedding(table: Tensor, idx: IndexTensor): Tensor {
  if (table.rank !== 2) throw new Error(`embedding: expected a table of shape [V, E], got ${formatShape(table.shape)}`);
  const [V, E] = table.shape;
  for (let i = 0; i < idx.data.length; i++) {
    const v = idx.data[i];
    if (v < 0 || v >= V) throw new Error(`embedding: expected indices in [0, ${V}), got ${v} at position ${i}`);
  }
  const be = getBackend();
  const data = new Storage(table.dtype, idx.data.length * E);
  be.gatherRows(table.storage, E, idx.data, data);
  const out = record('embedding', data, [...idx.shape, E], [table], (g) => {
    const gt = new Storage(table.dtype, table.size);
    be.scatterAddRows(g, E, idx.data, gt);
    return [gt];
  });
  lookups.set(out, { table, ids: { data: Int32Array.from(idx.data), shape: [...idx.shape] }, version: data.root.version });
  return out;
}

/**
 * x [N, ...rest] → [idx.length, ...rest] with out[i] = x[idx[i]] (PyTorch's x.index_select(0, idx)):
 * embedding's lookup with x itself as the table, so the gradient scatters back and adds up where an
 * index repeats.
 */
export function selectRows(x: Tensor, idx: Int32Array): Tensor {
  if (x.rank < 1) throw new Error(`selectRows: expected a tensor of shape [N, ...], got ${formatShape(x.shape)}`);
  const rest = x.shape.slice(1);
  const out = embedding(reshape(x, [x.shape[0], sizeOf(rest)]), { data: idx, shape: [idx.length] });
  return reshape(out, [idx.length, ...rest]);
}
