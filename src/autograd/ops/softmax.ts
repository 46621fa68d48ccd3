// Softmax and log-softmax over one axis (the last by default), computed stably by subtracting the
// row maximum, each beside its vector-Jacobian product.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { normAxis } from '../../tensor/shape.js';
import { record } from '../record.js';
import { transpose } from './shape_ops.js';

function overLastAxis(x: Tensor, axis: number, f: (t: Tensor) => Tensor): Tensor {
  const a = normAxis(axis, x.rank);
  if (a === x.rank - 1) return f(x);
  return transpose(f(transpose(x, a, -1)), a, -1);
}

/** softmax(x)_i = exp(x_i) / Σ_j exp(x_j) along `axis`. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return overLastAxis(x, axis, (t) => {
    const n = t.shape[t.rank - 1], rows = t.size / n;
    const y = new Storage(t.dtype, t.size);
    getBackend().softmaxRows(t.storage, rows, n, y, false);
    return record('softmax', y, t.shape, [t], (gs) => {
      // dx = y ⊙ (g − Σ g⊙y)
      const out = new Storage(t.dtype, t.size), gx = out.overwrite(), g = gs.read(), yv = y.read();
      for (let r = 0; r < rows; r++) {
        const o = r * n;
        let dot = 0;
        for (let k = 0; k < n; k++) dot += g[o + k] * yv[o + k];
        for (let k = 0; k < n; k++) gx[o + k] = yv[o + k] * (g[o + k] - dot);
      }
      return [out];
    });
  });
}

/** log softmax(x) along `axis`. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return overLastAxis(x, axis, (t) => {
    const n = t.shape[t.rank - 1], rows = t.size / n;
    const y = new Storage(t.dtype, t.size);
    getBackend().softmaxRows(t.storage, rows, n, y, true);
    return record('logSoftmax', y, t.shape, [t], (gs) => {
      // dx = g − softmax ⊙ Σ g
      const out = new Storage(t.dtype, t.size), gx = out.overwrite(), g = gs.read(), yv = y.read();
      for (let r = 0; r < rows; r++) {
        const o = r * n;
        let s = 0;
        for (let k = 0; k < n; k++) s += g[o + k];
        for (let k = 0; k < n; k++) gx[o + k] = g[o + k] - Math.exp(yv[o + k]) * s;
      }
      return [out];
    });
  });
}
