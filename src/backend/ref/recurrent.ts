// The time loops of the recurrent sequence kernels (LSTM, GRU in PyTorch's reset-after form, vanilla
// RNN with tanh or relu), forward and backward, as plain loops: the specification the wasm kernels
// (../wasm/assembly/{lstm,gru,rnn}.ts) are checked against. The differentiable ops around them
// (src/autograd/recurrent) make the input projections, weight gradients and bias sums with the other
// kernels; here is only what must go step by step.
//
// The hidden states of a direction live in one packed buffer of blocks of B·H (see SequenceLayout):
// h_prev of step t is block L.prev + t and h_t is block L.seq + t, so both runs of T blocks are
// contiguous and time-ordered, forward or reverse. Variable lengths follow PyTorch's packed
// sequences: steps t >= len_b carry a row's state unchanged and pass its gradient straight through.
// T = time, B = batch, H = hidden, G = gate blocks · H; gate order i | f | g | o (LSTM), r | z | n (GRU).

import type { FloatArray } from '../dtype.js';
import type { RnnActivation, SequenceLayout } from '../backend.js';
import { gemm } from './gemm.js';

// 1/(1 + e^−v) never overflows into NaN: e^−v = ∞ gives 0, as it should.
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

// Rows b with t >= len_b: the state blocks at dst copy those at src (B·H blocks, offsets in elements).
function carryPadded(lens: Int32Array, t: number, H: number, buf: FloatArray, dst: number, src: number): void {
  for (let b = 0; b < lens.length; b++) if (t >= lens[b]) buf.copyWithin(dst + b * H, src + b * H, src + (b + 1) * H);
}

// Zeros rows b with t >= len_b of a [B, n] block at off (their gate gradients).
function zeroPadded(lens: Int32Array, t: number, n: number, buf: FloatArray, off: number): void {
  for (let b = 0; b < lens.length; b++) if (t >= lens[b]) buf.fill(0, off + b * n, off + (b + 1) * n);
}

// keep[b] = src[b] (+ add[b]) for rows b with t >= len_b, [B, H] blocks; and back again.
function keepPadded(lens: Int32Array, t: number, H: number, src: FloatArray, srcOff: number, add: FloatArray | null, keep: FloatArray): void {
  for (let b = 0; b < lens.length; b++) {
    if (t < lens[b]) continue;
    for (let j = b * H; j < (b + 1) * H; j++) keep[j] = src[srcOff + j] + (add ? add[j] : 0);
  }
}
function restorePadded(lens: Int32Array, t: number, H: number, keep: FloatArray, dst: FloatArray): void {
  for (let b = 0; b < lens.length; b++) if (t >= lens[b]) for (let j = b * H; j < (b + 1) * H; j++) dst[j] = keep[j];
}

/**
 * LSTM forward. z [T·B, 4H]: in, x_t·W_ihᵀ + b; out, σ(z_i) | σ(z_f) | tanh(z_g) | σ(z_o). hs and c
 * [(T+1)·B, H] packed: in, h_init and c_init at block L.init; out, h_t and c_t at L.seq + t.
 * tc [T·B, H]: out, tanh(c_t). whh [4H, H].
 */
export function lstmForward(L: SequenceLayout, z: FloatArray, hs: FloatArray, c: FloatArray, tc: FloatArray, whh: FloatArray, lens: Int32Array | null): void {
  const { T, B, H } = L, BH = B * H, G = 4 * H, H2 = 2 * H, H3 = 3 * H;
  for (let s = 0; s < T; s++) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    gemm(false, true, B, G, H, hs, prev, whh, 0, z, zt, true); // z_t += h_{t−1} [B, H] · W_hhᵀ [H, 4H]
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const ig = sig(z[zo + k]), fg = sig(z[zo + H + k]);
        const gg = Math.tanh(z[zo + H2 + k]), og = sig(z[zo + H3 + k]);
        z[zo + k] = ig; z[zo + H + k] = fg; z[zo + H2 + k] = gg; z[zo + H3 + k] = og;
        const cv = fg * c[prev + j] + ig * gg; // c_t = f ⊙ c_{t−1} + i ⊙ g
        const th = Math.tanh(cv);
        c[cur + j] = cv;
        tc[tt + j] = th;
        hs[cur + j] = og * th; // h_t = o ⊙ tanh(c_t)
      }
    }
    if (lens) { carryPadded(lens, t, H, hs, cur, prev); carryPadded(lens, t, H, c, cur, prev); }
  }
}

/**
 * LSTM backward. g [(T+2)·B, H]: dL/d(packed h blocks, then c_final). Out: dz [T·B, 4H] (dL/d
 * pre-activations), dh [B, H] = dL/dh_init (when needH0), dc [B, H] = dL/dc_init.
 */
export function lstmBackward(
  L: SequenceLayout, needH0: boolean, z: FloatArray, hs: FloatArray, c: FloatArray, tc: FloatArray, g: FloatArray,
  dz: FloatArray, dh: FloatArray, dc: FloatArray, whh: FloatArray, lens: Int32Array | null,
): void {
  const { T, B, H } = L, BH = B * H, G = 4 * H, H2 = 2 * H, H3 = 3 * H;
  dh.fill(0, 0, BH);
  dc.set(g.subarray((T + 1) * BH, (T + 2) * BH));
  // rows past their length pass dh and dc straight through: kept here across the step's math
  const keepH = lens ? new (dh.constructor as Float64ArrayConstructor)(BH) : null, keepC = lens ? new (dh.constructor as Float64ArrayConstructor)(BH) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    if (lens) { keepPadded(lens, t, H, g, cur, dh, keepH!); keepPadded(lens, t, H, dc, 0, null, keepC!); }
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const ig = z[zo + k], fg = z[zo + H + k], gg = z[zo + H2 + k], og = z[zo + H3 + k], th = tc[tt + j];
        const dhv = g[cur + j] + dh[j];                     // from the outputs and from step t + 1
        const dcv = dc[j] + dhv * og * (1 - th * th);       // dc_t
        dz[zo + k] = dcv * gg * ig * (1 - ig);              // dz_i
        dz[zo + H + k] = dcv * c[prev + j] * fg * (1 - fg); // dz_f
        dz[zo + H2 + k] = dcv * ig * (1 - gg * gg);         // dz_g
        dz[zo + H3 + k] = dhv * th * og * (1 - og);         // dz_o
        dc[j] = dcv * fg;                                   // dc_{t−1}
      }
    }
    if (lens) zeroPadded(lens, t, G, dz, zt);
    // dh_{t−1} = dz_t [B, 4H] · W_hh [4H, H] (not needed after the first step unless h0 wants it)
    if (s > 0 || needH0) gemm(false, false, B, H, G, dz, zt, whh, 0, dh, 0, false);
    if (lens) { restorePadded(lens, t, H, keepH!, dh); restorePadded(lens, t, H, keepC!, dc); }
  }
}

/**
 * GRU forward (reset-after: n = tanh(x_n + r ⊙ (h·W_hnᵀ + b_hn))). zx [T·B, 3H]: in, x_t·W_ihᵀ + b_ih;
 * out, r | z | n. hn [T·B, H]: out, h_{t−1}·W_hnᵀ + b_hn (what r scaled). hs packed as for the LSTM.
 * bhh [3H]; whh [3H, H]. gh [B, 3H] is scratch.
 */
export function gruForward(L: SequenceLayout, zx: FloatArray, hn: FloatArray, hs: FloatArray, bhh: FloatArray, whh: FloatArray, lens: Int32Array | null): void {
  const { T, B, H } = L, BH = B * H, G = 3 * H, H2 = 2 * H;
  const gh = new (zx.constructor as Float64ArrayConstructor)(B * G);
  for (let s = 0; s < T; s++) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    gemm(false, true, B, G, H, hs, prev, whh, 0, gh, 0, false); // gh [B, 3H] = h_{t−1} · W_hhᵀ
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G, go = b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const r = sig(zx[zo + k] + gh[go + k] + bhh[k]);
        const u = sig(zx[zo + H + k] + gh[go + H + k] + bhh[H + k]); // z, the update gate
        const hnv = gh[go + H2 + k] + bhh[H2 + k];
        const n = Math.tanh(zx[zo + H2 + k] + r * hnv);
        zx[zo + k] = r; zx[zo + H + k] = u; zx[zo + H2 + k] = n;
        hn[tt + j] = hnv;
        hs[cur + j] = n + u * (hs[prev + j] - n);
      }
    }
    if (lens) carryPadded(lens, t, H, hs, cur, prev);
  }
}

/**
 * GRU backward. g [(T+1)·B, H]: dL/d(packed h blocks). Out: dgx [T·B, 3H] = dL/d(x_r | x_z | x_n),
 * dgh [T·B, 3H] = dL/d(h_r | h_z | h_n) (the recurrent side's pre-activations), dh [B, H] = dL/dh_init.
 */
export function gruBackward(
  L: SequenceLayout, needH0: boolean, zx: FloatArray, hn: FloatArray, hs: FloatArray, g: FloatArray,
  dgx: FloatArray, dgh: FloatArray, dh: FloatArray, whh: FloatArray, lens: Int32Array | null,
): void {
  const { T, B, H } = L, BH = B * H, G = 3 * H, H2 = 2 * H;
  dh.fill(0, 0, BH);
  const keepH = lens ? new (dh.constructor as Float64ArrayConstructor)(BH) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    if (lens) keepPadded(lens, t, H, g, cur, dh, keepH!);
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const r = zx[zo + k], u = zx[zo + H + k], n = zx[zo + H2 + k];
        const dhv = g[cur + j] + dh[j];
        const dn = dhv * (1 - u) * (1 - n * n);          // dL/d(x_n + r ⊙ h_n)
        const dr = dn * hn[tt + j] * r * (1 - r);
        const du = dhv * (hs[prev + j] - n) * u * (1 - u);
        dgx[zo + k] = dr; dgx[zo + H + k] = du; dgx[zo + H2 + k] = dn;
        dgh[zo + k] = dr; dgh[zo + H + k] = du; dgh[zo + H2 + k] = dn * r;
        dh[j] = dhv * u;                                  // the direct path h' = … + z ⊙ h
      }
    }
    if (lens) { zeroPadded(lens, t, G, dgx, zt); zeroPadded(lens, t, G, dgh, zt); restorePadded(lens, t, H, keepH!, dh); }
    // dh_{t−1} += dgh_t [B, 3H] · W_hh [3H, H]
    if (s > 0 || needH0) gemm(false, false, B, H, G, dgh, zt, whh, 0, dh, 0, true);
  }
}

/**
 * Vanilla RNN forward, in place: the sequence blocks of hs hold x_t·W_ihᵀ + b on entry and
 * h_t = f(… + h_{t−1}·W_hhᵀ) on exit (f = tanh, or relu). whh [H, H].
 */
export function rnnForward(L: SequenceLayout, act: RnnActivation, hs: FloatArray, whh: FloatArray, lens: Int32Array | null, modBias: FloatArray | null): void {
  const { T, B, H } = L, BH = B * H;
  if (act === 'modrelu' && !(modBias && modBias.length === H)) throw new Error(`rnnForward: expected a modReLU bias of ${H} values, got ${modBias ? modBias.length : 'none'}`);
  for (let s = 0; s < T; s++) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH;
    gemm(false, true, B, H, H, hs, prev, whh, 0, hs, cur, true); // pre_t += h_{t−1} · W_hhᵀ (other blocks)
    if (act === 'relu') for (let j = cur; j < cur + BH; j++) hs[j] = hs[j] > 0 ? hs[j] : 0;
    else if (act === 'tanh') for (let j = cur; j < cur + BH; j++) hs[j] = Math.tanh(hs[j]);
    else {
      // modReLU: sign(z)·max(|z| + b, 0), so h ≠ 0 exactly where the unit is on
      for (let j = 0; j < BH; j++) {
        const z = hs[cur + j], m = Math.abs(z) + modBias![j % H];
        hs[cur + j] = m > 0 ? Math.sign(z) * m : 0;
      }
    }
    if (lens) carryPadded(lens, t, H, hs, cur, prev);
  }
}

/** Vanilla RNN backward. g [(T+1)·B, H]; out: dz [T·B, H] (dL/d pre-activations), dh [B, H] = dL/dh_init. */
export function rnnBackward(
  L: SequenceLayout, needH0: boolean, act: RnnActivation, hs: FloatArray, g: FloatArray, dz: FloatArray, dh: FloatArray, whh: FloatArray,
  lens: Int32Array | null,
): void {
  const { T, B, H } = L, BH = B * H;
  dh.fill(0, 0, BH);
  const keepH = lens ? new (dh.constructor as Float64ArrayConstructor)(BH) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = L.reverse ? T - 1 - s : s;
    const cur = (L.seq + t) * BH, zt = t * BH;
    if (lens) keepPadded(lens, t, H, g, cur, dh, keepH!);
    // dz_t = (g_t + dh) ⊙ f'(pre_t), f' from h_t: 1 − h² (tanh), [h > 0] (relu, as pre > 0), [h ≠ 0] (modReLU)
    if (act === 'relu') for (let j = 0; j < BH; j++) dz[zt + j] = hs[cur + j] > 0 ? g[cur + j] + dh[j] : 0;
    else if (act === 'modrelu') for (let j = 0; j < BH; j++) dz[zt + j] = hs[cur + j] !== 0 ? g[cur + j] + dh[j] : 0;
    else for (let j = 0; j < BH; j++) { const h = hs[cur + j]; dz[zt + j] = (g[cur + j] + dh[j]) * (1 - h * h); }
    if (lens) zeroPadded(lens, t, H, dz, zt);
    if (s > 0 || needH0) gemm(false, false, B, H, H, dz, zt, whh, 0, dh, 0, false); // dh_{t−1} = dz_t · W_hh
    if (lens) restorePadded(lens, t, H, keepH!, dh);
  }
}

/**
 * One LSTM step without a graph (sampling): z [B, 4H] pre-activations (input and recurrent products
 * and biases summed) to c [B, H] and h [B, H] from cPrev [B, H] (c may be cPrev); z is overwritten
 * with the gate activations.
 */
export function lstmCell(B: number, H: number, z: FloatArray, zOff: number, cPrev: FloatArray, cpOff: number, c: FloatArray, cOff: number, h: FloatArray, hOff: number): void {
  const G = 4 * H, H2 = 2 * H, H3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const zo = zOff + b * G;
    for (let k = 0; k < H; k++) {
      const ig = sig(z[zo + k]), fg = sig(z[zo + H + k]), gg = Math.tanh(z[zo + H2 + k]), og = sig(z[zo + H3 + k]);
      z[zo + k] = ig; z[zo + H + k] = fg; z[zo + H2 + k] = gg; z[zo + H3 + k] = og;
      const cv = fg * cPrev[cpOff + b * H + k] + ig * gg;
      c[cOff + b * H + k] = cv;
      h[hOff + b * H + k] = og * Math.tanh(cv);
    }
  }
}
