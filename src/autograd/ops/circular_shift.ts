// Circular convolution of a weighting with a small shift distribution, as one op beside its
// derivative: the neural Turing machine's location addressing (Graves et al. 2014, eq. 8) moves a
// head's focus by −m … m rows with wrap-around. Composed of slices and concatenations it would be
// a dozen graph nodes per head per step; here it is one.

import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';

/**
 * out[b, i] = Σ_{c=0}^{S−1} w[b, (i − (c − m)) mod N] · s[b, c],   m = (S − 1) / 2:
 * column c of s weighs the shift by c − m rows (positive: towards higher rows).
 *
 * Inputs: w [B, N], s [B, S] with S odd and S ≤ N. Output: [B, N].
 */
export function circularShift(w: Tensor, s: Tensor): Tensor {
  sameDtype('circularShift', w, s);
  if (w.rank !== 2 || s.rank !== 2 || s.shape[0] !== w.shape[0]) {
    throw new Error(`circularShift: expected w [B, N] and s [B, S], got ${formatShape(w.shape)} and ${formatShape(s.shape)}`);
  }
  const [B, N] = w.shape, S = s.shape[1], m = (S - 1) / 2;
  if (!(Number.isInteger(m) && S <= N)) throw new Error(`circularShift: expected an odd number of shifts, at most the ${N} rows, got ${S}`);
  const wv = w.dataSync(), sv = s.dataSync();
  // src(i, c): the row of w that shift c − m brings to row i
  const src = (i: number, c: number): number => (((i - c + m) % N) + N) % N;
  const out = new Storage(w.dtype, B * N), o = out.overwrite();
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < N; i++) {
      let acc = 0;
      for (let c = 0; c < S; c++) acc += wv[b * N + src(i, c)] * sv[b * S + c];
      o[b * N + i] = acc;
    }
  }
  return record('circularShift', out, [B, N], [w, s], (gs) => {
    const g = gs.read();
    const gwS = w.requiresGrad ? new Storage(w.dtype, B * N) : null, gsS = s.requiresGrad ? new Storage(s.dtype, B * S) : null;
    const gw = gwS?.overwrite(), gsv = gsS?.overwrite();
    gw?.fill(0);
    gsv?.fill(0);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < N; i++) {
        const gi = g[b * N + i];
        for (let c = 0; c < S; c++) {
          const r = b * N + src(i, c);
          if (gw) gw[r] += gi * sv[b * S + c];
          if (gsv) gsv[b * S + c] += gi * wv[r];
        }
      }
    }
    return [gwS, gsS];
  });
}
