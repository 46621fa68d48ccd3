// The fused vanilla RNN's time loops in WebAssembly (h_t = f(x_t·W_ihᵀ + b + h_{t−1}·W_hhᵀ), f = tanh,
// relu or modReLU; act 0, 1, 2), with the buffers of src/nn/fused/fused_rnn.ts (the TypeScript reference); T = time,
// B = batch, H = hidden, all float32 at byte addresses:
//   hs [(T+1)·B, H] packed hidden blocks; the sequence blocks hold the input projections on entry
//   whh [H, H]; pw: packedBBytes(H, H) bytes for W_hh packed once per sequence (unused with fewer than 4 rows: see packStepWeight); work: sgemm workspace
//   lens: 0, or i32 [B] valid steps per row (steps t >= len_b carry h unchanged); keep: B·H floats;
//   modBias: modReLU's b [H] (act 2): h = sign(z)·max(|z| + b, 0), so h ≠ 0 exactly where f' = 1.
// Each call runs the batch rows [b0, b1) only (see ./lstm.ts).

import { packStepWeight, stepProduct } from './sgemm';
import { forwardStep } from './gemv';
import { tanhs, tanhv } from './vmath';
import { keepPadded, restorePadded, zeroRows } from './lstm';

/** Forward over all steps, in place in hs. */
export function rnnForwardSeq(
  T: i32, B: i32, H: i32, b0: i32, b1: i32, reverse: bool, prevBlock: i32, seqBlock: i32, act: i32,
  hs: usize, whh: usize, pw: usize, work: usize, lens: usize, modBias: usize,
): void {
  const BH = B * H, nb = b1 - b0, n = nb * H, n4 = n & ~3;
  const r0 = <usize>(b0 * H) << 2;
  const hb = <usize>H << 2;
  packStepWeight(<usize>nb, true, H, H, whh, pw);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = hs + (<usize>((prevBlock + t) * BH) << 2) + r0, cur = hs + (<usize>((seqBlock + t) * BH) << 2) + r0;
    forwardStep(<usize>nb, H, H, prev, whh, pw, cur, true, work); // pre_t += h_{t−1} · W_hhᵀ
    let j = 0;
    if (act == 1) {
      const zero = f32x4.splat(0);
      for (; j < n4; j += 4) { const o = <usize>j << 2; v128.store(cur + o, f32x4.max(v128.load(cur + o), zero)); }
      for (; j < n; j++) { const o = <usize>j << 2; const v = load<f32>(cur + o); store<f32>(cur + o, v > 0 ? v : 0); }
    } else if (act == 2) {
      for (let b = 0; b < nb; b++) {
        const row = cur + <usize>b * hb;
        for (let k = 0; k < H; k++) {
          const o = <usize>k << 2;
          const z = load<f32>(row + o), m = abs<f32>(z) + load<f32>(modBias + o);
          store<f32>(row + o, m > 0 ? (z > 0 ? m : z < 0 ? -m : 0) : 0);
        }
      }
    } else {
      for (; j < n4; j += 4) { const o = <usize>j << 2; v128.store(cur + o, tanhv(v128.load(cur + o))); }
      for (; j < n; j++) { const o = <usize>j << 2; store<f32>(cur + o, tanhs(load<f32>(cur + o))); }
    }
    if (lens != 0) {
      for (let b = 0; b < nb; b++) {
        if (t < load<i32>(lens + (<usize>(b0 + b) << 2))) continue;
        memory.copy(cur + <usize>b * hb, prev + <usize>b * hb, hb);
      }
    }
  }
}

/** Backward over all steps in reverse: g [(T+1)·B, H]; out dz [T·B, H], dh [B, H] (when needH0). */
export function rnnBackwardSeq(
  T: i32, B: i32, H: i32, b0: i32, b1: i32, reverse: bool, seqBlock: i32, needH0: bool, act: i32,
  hs: usize, g: usize, dz: usize, dh: usize, whh: usize, pw: usize, work: usize, lens: usize, keep: usize,
): void {
  const BH = B * H, nb = b1 - b0, n = nb * H, n4 = n & ~3;
  const r0 = <usize>(b0 * H) << 2;
  packStepWeight(<usize>nb, false, H, H, whh, pw);
  dh += r0;
  if (lens != 0) lens += <usize>b0 << 2;
  memory.fill(dh, 0, <usize>n << 2);
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const cur = (<usize>((seqBlock + t) * BH) << 2) + r0, dzt = dz + (<usize>(t * BH) << 2) + r0;
    const h = hs + cur, gt = g + cur;
    if (lens != 0) keepPadded(nb, H, t, lens, gt, dh, 0, keep);
    let j = 0;
    // dz_t = (g_t + dh) ⊙ f'(pre_t), f' from h_t: 1 − h² (tanh), [h > 0] (relu), [h ≠ 0] (modReLU)
    if (act == 2) {
      for (; j < n4; j += 4) {
        const o = <usize>j << 2;
        const d = f32x4.add(v128.load(gt + o), v128.load(dh + o));
        v128.store(dzt + o, v128.andnot(d, f32x4.eq(v128.load(h + o), zero)));
      }
      for (; j < n; j++) { const o = <usize>j << 2; store<f32>(dzt + o, load<f32>(h + o) != 0 ? load<f32>(gt + o) + load<f32>(dh + o) : 0); }
    } else if (act == 1) {
      for (; j < n4; j += 4) {
        const o = <usize>j << 2;
        const d = f32x4.add(v128.load(gt + o), v128.load(dh + o));
        v128.store(dzt + o, v128.and(d, f32x4.gt(v128.load(h + o), zero)));
      }
      for (; j < n; j++) { const o = <usize>j << 2; store<f32>(dzt + o, load<f32>(h + o) > 0 ? load<f32>(gt + o) + load<f32>(dh + o) : 0); }
    } else {
      for (; j < n4; j += 4) {
        const o = <usize>j << 2;
        const hv = v128.load(h + o);
        v128.store(dzt + o, f32x4.mul(f32x4.add(v128.load(gt + o), v128.load(dh + o)), f32x4.sub(one, f32x4.mul(hv, hv))));
      }
      for (; j < n; j++) {
        const o = <usize>j << 2;
        const hv = load<f32>(h + o);
        store<f32>(dzt + o, (load<f32>(gt + o) + load<f32>(dh + o)) * (1 - hv * hv));
      }
    }
    if (lens != 0) zeroRows(nb, H, t, lens, dzt);
    if (s > 0 || needH0) stepProduct(<usize>nb, false, H, H, dzt, whh, pw, dh, false, work); // dh_{t−1} = dz_t · W_hh
    if (lens != 0) restorePadded(nb, H, t, lens, keep, dh, 0);
  }
}
