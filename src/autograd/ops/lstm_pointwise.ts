// The element-wise half of an LSTM step, fused: from pre-activation gates z = [i|f|g|o] (B×4H)
// and the previous cell c (B×H),
//   c' = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_g)        (lstmCellState)
//   h' = σ(z_o) ⊙ tanh(c')                      (lstmHidden)
// Two ops rather than a dozen keeps the generic path's graph small. Each forward keeps the gate
// activations it computed, so its derivative (right below it) needs no exp again.

import { allocate } from '../../backend/dtype.js';
import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record } from '../record.js';

// 1/(1 + e^−v) never overflows into NaN: e^−v = ∞ gives 0, as it should.
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function check(gates: Tensor, c: Tensor): [number, number] {
  const H = c.shape[c.rank - 1];
  const B = c.size / Math.max(H, 1);
  if (gates.size !== B * 4 * H || gates.shape[gates.rank - 1] !== 4 * H) {
    throw new Error(`lstm: expected gates of shape [${B}, ${4 * H}] for a cell of shape ${formatShape(c.shape)}, got ${formatShape(gates.shape)}`);
  }
  return [B, H];
}

/** c' = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_g).  gates [B, 4H], c [B, H] → [B, H]. */
export function lstmCellState(gates: Tensor, c: Tensor): Tensor {
  const [B, H] = check(gates, c);
  const z = gates.dataSync(), cd = c.dataSync();
  const out = allocate(c.dtype, B * H);
  const act = allocate(c.dtype, 3 * B * H); // [B, 3H]: σ(z_i) | σ(z_f) | tanh(z_g)
  for (let b = 0; b < B; b++) {
    const zo = b * 4 * H, co = b * H, ao = b * 3 * H;
    for (let k = 0; k < H; k++) {
      const i = sig(z[zo + k]), f = sig(z[zo + H + k]), g = Math.tanh(z[zo + 2 * H + k]);
      act[ao + k] = i; act[ao + H + k] = f; act[ao + 2 * H + k] = g;
      out[co + k] = f * cd[co + k] + i * g;
    }
  }
  return record('lstmCellState', Storage.wrap(out), c.shape, [gates, c], (grs) => {
    const gr = grs.read();
    // dz_i = g'·tanh(z_g)·σ'(z_i); dz_f = g'·c·σ'(z_f); dz_g = g'·σ(z_i)·(1 − tanh²(z_g)); dc = g'·σ(z_f)
    const gz = allocate(gates.dtype, gates.size), gc = allocate(c.dtype, c.size);
    for (let b = 0; b < B; b++) {
      const zo = b * 4 * H, co = b * H, ao = b * 3 * H;
      for (let k = 0; k < H; k++) {
        const i = act[ao + k], f = act[ao + H + k], t = act[ao + 2 * H + k];
        const gk = gr[co + k];
        gz[zo + k] = gk * t * i * (1 - i);
        gz[zo + H + k] = gk * cd[co + k] * f * (1 - f);
        gz[zo + 2 * H + k] = gk * i * (1 - t * t);
        gc[co + k] = gk * f;
      }
    }
    return [Storage.wrap(gz), Storage.wrap(gc)];
  });
}

/** h' = σ(z_o) ⊙ tanh(c').  gates [B, 4H], c' [B, H] → [B, H]. */
export function lstmHidden(gates: Tensor, cNew: Tensor): Tensor {
  const [B, H] = check(gates, cNew);
  const z = gates.dataSync(), cd = cNew.dataSync();
  const out = allocate(cNew.dtype, B * H);
  const act = allocate(cNew.dtype, 2 * B * H); // [B, 2H]: σ(z_o) | tanh(c')
  for (let b = 0; b < B; b++) {
    const zo = b * 4 * H + 3 * H, co = b * H, ao = 2 * b * H;
    for (let k = 0; k < H; k++) {
      const o = sig(z[zo + k]), t = Math.tanh(cd[co + k]);
      act[ao + k] = o; act[ao + H + k] = t;
      out[co + k] = o * t;
    }
  }
  return record('lstmHidden', Storage.wrap(out), cNew.shape, [gates, cNew], (gs) => {
    const g = gs.read();
    // dz_o = g·tanh(c')·σ'(z_o); dc' = g·σ(z_o)·(1 − tanh²(c'))
    const gz = allocate(gates.dtype, gates.size), gc = allocate(cNew.dtype, cNew.size);
    for (let b = 0; b < B; b++) {
      const zo = b * 4 * H + 3 * H, co = b * H, ao = 2 * b * H;
      for (let k = 0; k < H; k++) {
        const o = act[ao + k], t = act[ao + H + k];
        gz[zo + k] = g[co + k] * t * o * (1 - o);
        gc[co + k] = g[co + k] * o * (1 - t * t);
      }
    }
    return [Storage.wrap(gz), Storage.wrap(gc)];
  });
}
