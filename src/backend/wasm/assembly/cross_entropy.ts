// Softmax cross-entropy rows in WebAssembly, f32 at byte addresses, with the reference's contracts
// (src/backend/ref/cross_entropy.ts): the forward is the row log-softmax of ./rows.ts plus each row's
// negative log-likelihood; the backward turns log-probabilities back into probabilities with the
// vector exp and subtracts the one-hot target, scaled per row. A target < 0 marks a dropped row.
//   x, logp, gx [N, C]; targets i32 [N]; nll, scale f32 [N]

import { softmaxRows } from './rows';
import { expv } from './vmath';

/** logp = log softmax(x) by rows; nll[i] = −logp[i, t_i] (0 where t_i < 0). */
export function crossEntropyForward(N: i32, C: i32, x: usize, targets: usize, logp: usize, nll: usize): void {
  softmaxRows(N, C, x, logp, true);
  for (let i = 0; i < N; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    store<f32>(nll + (<usize>i << 2), t < 0 ? 0 : -load<f32>(logp + ((<usize>i * <usize>C + <usize>t) << 2)));
  }
}

/** gx[i, :] = exp(logp[i, :])·scale[i], then gx[i, t_i] −= scale[i]; rows with t_i < 0 are zeroed. */
export function crossEntropyBackward(N: i32, C: i32, logp: usize, targets: usize, scale: usize, gx: usize): void {
  const C4 = C & ~3;
  const line = <usize>C << 2;
  for (let i = 0; i < N; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    const lr = logp + <usize>i * line, gr = gx + <usize>i * line;
    if (t < 0) { memory.fill(gr, 0, line); continue; }
    const s = load<f32>(scale + (<usize>i << 2));
    const sv = f32x4.splat(s);
    const C8 = C & ~7;
    let j = 0;
    // two vectors per trip: their exps are independent, and the polynomial's latency overlaps
    for (; j < C8; j += 8) {
      const o = <usize>j << 2;
      const a = expv(v128.load(lr + o)), b = expv(v128.load(lr + o + 16));
      v128.store(gr + o, f32x4.mul(a, sv));
      v128.store(gr + o + 16, f32x4.mul(b, sv));
    }
    for (; j < C4; j += 4) {
      const o = <usize>j << 2;
      v128.store(gr + o, f32x4.mul(expv(v128.load(lr + o)), sv));
    }
    for (; j < C; j++) {
      const o = <usize>j << 2;
      store<f32>(gr + o, f32x4.extract_lane(expv(f32x4.splat(load<f32>(lr + o))), 0) * s);
    }
    const at = gr + (<usize>t << 2);
    store<f32>(at, load<f32>(at) - s);
  }
}
