// The fused LSTM's time loops in WebAssembly: one direction of one layer over a whole sequence, the
// recurrent product of each step (sgemm) and the gate math fused with the cell update in one pass.
// Buffers, all float32 at byte addresses, in the layout of src/nn/fused/fused_lstm.ts (which holds
// the TypeScript reference; T = time, B = batch, H = hidden, G = 4H, gate order i | f | g | o):
//   z  [T·B, G]   in: x·W_ihᵀ + biases; out: σ(z_i) | σ(z_f) | tanh(z_g) | σ(z_o)
//   hs [(T+1)·B, H] packed hidden blocks (h_prev of step t is block prevBlock + t, h_t is seqBlock + t)
//   c  [(T+1)·B, H] cell states in the same blocks; tc [T·B, H] tanh(c_t) in time order
//   whh [G, H]; pw: packedBBytes(G, H) bytes for W_hh packed once per sequence (forward as W_hhᵀ; with fewer than 4 rows unused: see packStepWeight);
//   work: sgemm workspace for (B, G, H) and (B, H, G).
//   lens: 0, or i32 [B] valid steps per row (1..T): steps t >= len_b carry h and c unchanged (and
//   pass their gradients straight through), as in the reference; keep: 2·B·H floats of scratch.
//   tab, ids (forward): 0, or a table [V, G] and i32 [T·B] row ids: the loop then fills each step's
//   rows of z with table rows itself (z's contents on entry unused), just before they are used,
//   instead of a pass over all of z on one thread first (an embedding folded into the input
//   projection). The backward's scatter of dz into the table's gradient stays one pass after the
//   loop: summed per range of rows, the table's gradient would depend on the cut (the threads'
//   count), and a cut by columns measured slower than one thread.
// Each call runs the batch rows [b0, b1) only: rows never interact, so threads can take a range each
// (each with its own pw, work and keep), and every row's numbers are the same whatever the cut.

import { packStepWeight, stepProduct } from './sgemm';
import { forwardStep } from './gemv';
import { sigmoids, sigmoidv, tanhs, tanhv } from './vmath';
import { gatherRows } from './gather';

/** Forward over all steps: z_t += h_{t−1}·W_hhᵀ, then gates, c_t, tanh(c_t), h_t. */
export function lstmForwardSeq(
  T: i32, B: i32, H: i32, b0: i32, b1: i32, reverse: bool, prevBlock: i32, seqBlock: i32,
  z: usize, hs: usize, c: usize, tc: usize, whh: usize, pw: usize, work: usize, lens: usize, tab: usize, ids: usize,
): void {
  const G = 4 * H, BH = B * H, nb = b1 - b0;
  const r0 = <usize>(b0 * H) << 2; // byte offset of row b0 in a [B, H] block
  packStepWeight(<usize>nb, true, G, H, whh, pw);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = (<usize>((prevBlock + t) * BH) << 2) + r0, cur = (<usize>((seqBlock + t) * BH) << 2) + r0;
    const zt = z + (<usize>((t * B + b0) * G) << 2);
    if (tab != 0) gatherRows(nb, G, tab, ids + (<usize>(t * B + b0) << 2), zt); // the step's rows of z, while they are wanted
    forwardStep(<usize>nb, G, H, hs + prev, whh, pw, zt, true, work);
    lstmGates(nb, H, zt, c + prev, c + cur, tc + (<usize>(t * BH) << 2) + r0, hs + cur);
    if (lens != 0) {
      const hb = <usize>H << 2;
      for (let b = 0; b < nb; b++) {
        if (t < load<i32>(lens + (<usize>(b0 + b) << 2))) continue;
        memory.copy(hs + cur + <usize>b * hb, hs + prev + <usize>b * hb, hb);
        memory.copy(c + cur + <usize>b * hb, c + prev + <usize>b * hb, hb);
      }
    }
  }
}

/** One step's gate math for rows [B]: z [B, G] in place, c_prev, c, tanh(c), h each [B, H]. */
function lstmGates(B: i32, H: i32, z: usize, cp: usize, cn: usize, tc: usize, h: usize): void {
  const H4 = H & ~3;
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const zi = z + <usize>(b * 4) * hb, zf = zi + hb, zg = zf + hb, zo = zg + hb;
    const row = <usize>b * hb;
    let k = 0;
    for (; k < H4; k += 4) {
      const o = <usize>k << 2;
      const ig = sigmoidv(v128.load(zi + o)), fg = sigmoidv(v128.load(zf + o));
      const gg = tanhv(v128.load(zg + o)), og = sigmoidv(v128.load(zo + o));
      v128.store(zi + o, ig); v128.store(zf + o, fg); v128.store(zg + o, gg); v128.store(zo + o, og);
      const cv = f32x4.add(f32x4.mul(fg, v128.load(cp + row + o)), f32x4.mul(ig, gg));
      const th = tanhv(cv);
      v128.store(cn + row + o, cv);
      v128.store(tc + row + o, th);
      v128.store(h + row + o, f32x4.mul(og, th));
    }
    for (; k < H; k++) {
      const o = <usize>k << 2;
      const ig = sigmoids(load<f32>(zi + o)), fg = sigmoids(load<f32>(zf + o));
      const gg = tanhs(load<f32>(zg + o)), og = sigmoids(load<f32>(zo + o));
      store<f32>(zi + o, ig); store<f32>(zf + o, fg); store<f32>(zg + o, gg); store<f32>(zo + o, og);
      const cv = fg * load<f32>(cp + row + o) + ig * gg;
      const th = tanhs(cv);
      store<f32>(cn + row + o, cv);
      store<f32>(tc + row + o, th);
      store<f32>(h + row + o, og * th);
    }
  }
}

/**
 * One step without a graph (sampling): z [B, G] pre-activations (input and recurrent products and
 * biases already summed) to c [B, H] and h [B, H] from c_prev [B, H]; z is overwritten.
 */
export function lstmStep(B: i32, H: i32, z: usize, cPrev: usize, c: usize, h: usize, tc: usize): void {
  lstmGates(B, H, z, cPrev, c, tc, h);
}

/**
 * Backward over all steps in reverse. g [(T+2)·B, H]: the packed gradient (h blocks, then c_final);
 * out: dz [T·B, G], dh [B, H] = dL/dh_init (when needH0), dc [B, H] = dL/dc_init.
 */
export function lstmBackwardSeq(
  T: i32, B: i32, H: i32, b0: i32, b1: i32, reverse: bool, prevBlock: i32, seqBlock: i32, needH0: bool,
  z: usize, hs: usize, c: usize, tc: usize, g: usize, dz: usize, dh: usize, dc: usize, whh: usize, pw: usize, work: usize,
  lens: usize, keep: usize,
): void {
  const G = 4 * H, BH = B * H, nb = b1 - b0;
  const r0 = <usize>(b0 * H) << 2;
  packStepWeight(<usize>nb, false, H, G, whh, pw);
  // this range's rows of dh and dc [B, H]; lens and keep seen from row b0 on
  dh += r0; dc += r0;
  if (lens != 0) lens += <usize>b0 << 2;
  memory.fill(dh, 0, <usize>(nb * H) << 2);
  memory.copy(dc, g + (<usize>((T + 1) * BH) << 2) + r0, <usize>(nb * H) << 2);
  const H4 = H & ~3;
  const hb = <usize>H << 2;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const prev = (<usize>((prevBlock + t) * BH) << 2) + r0, cur = (<usize>((seqBlock + t) * BH) << 2) + r0;
    const zt = z + (<usize>((t * B + b0) * G) << 2), dzt = dz + (<usize>((t * B + b0) * G) << 2);
    const tt = tc + (<usize>(t * BH) << 2) + r0;
    if (lens != 0) keepPadded(nb, H, t, lens, g + cur, dh, dc, keep);
    for (let b = 0; b < nb; b++) {
      const zi = zt + <usize>(b * 4) * hb, zf = zi + hb, zg = zf + hb, zo = zg + hb;
      const di = dzt + <usize>(b * 4) * hb, df = di + hb, dg = df + hb, dO = dg + hb;
      const row = <usize>b * hb;
      const gr = g + cur + row, cpr = c + prev + row, tr = tt + row, dhr = dh + row, dcr = dc + row;
      let k = 0;
      const one = f32x4.splat(1);
      for (; k < H4; k += 4) {
        const o = <usize>k << 2;
        const ig = v128.load(zi + o), fg = v128.load(zf + o), gg = v128.load(zg + o), og = v128.load(zo + o);
        const th = v128.load(tr + o);
        const dhv = f32x4.add(v128.load(gr + o), v128.load(dhr + o));
        const dcv = f32x4.add(v128.load(dcr + o), f32x4.mul(f32x4.mul(dhv, og), f32x4.sub(one, f32x4.mul(th, th))));
        v128.store(di + o, f32x4.mul(f32x4.mul(dcv, gg), f32x4.mul(ig, f32x4.sub(one, ig))));
        v128.store(df + o, f32x4.mul(f32x4.mul(dcv, v128.load(cpr + o)), f32x4.mul(fg, f32x4.sub(one, fg))));
        v128.store(dg + o, f32x4.mul(f32x4.mul(dcv, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
        v128.store(dO + o, f32x4.mul(f32x4.mul(dhv, th), f32x4.mul(og, f32x4.sub(one, og))));
        v128.store(dcr + o, f32x4.mul(dcv, fg));
      }
      for (; k < H; k++) {
        const o = <usize>k << 2;
        const ig = load<f32>(zi + o), fg = load<f32>(zf + o), gg = load<f32>(zg + o), og = load<f32>(zo + o);
        const th = load<f32>(tr + o);
        const dhv = load<f32>(gr + o) + load<f32>(dhr + o);
        const dcv = load<f32>(dcr + o) + dhv * og * (1 - th * th);
        store<f32>(di + o, dcv * gg * (ig * (1 - ig)));
        store<f32>(df + o, dcv * load<f32>(cpr + o) * (fg * (1 - fg)));
        store<f32>(dg + o, dcv * ig * (1 - gg * gg));
        store<f32>(dO + o, dhv * th * (og * (1 - og)));
        store<f32>(dcr + o, dcv * fg);
      }
    }
    if (lens != 0) zeroRows(nb, G, t, lens, dzt);
    // dh_{t−1} = dz_t [B, G] · W_hh [G, H]
    if (s > 0 || needH0) stepProduct(<usize>nb, false, H, G, dzt, whh, pw, dh, false, work);
    if (lens != 0) restorePadded(nb, H, t, lens, keep, dh, dc);
  }
}

// For rows past their length (t >= len_b): keep [B, H] = g_t + dh, keep + B·H [B, H] = dc.
export function keepPadded(B: i32, H: i32, t: i32, lens: usize, gt: usize, dh: usize, dc: usize, keep: usize): void {
  const hb = <usize>H << 2, bh = <usize>(B * H) << 2;
  for (let b = 0; b < B; b++) {
    if (t < load<i32>(lens + (<usize>b << 2))) continue;
    const row = <usize>b * hb;
    for (let k = 0; k < H; k++) {
      const o = row + (<usize>k << 2);
      store<f32>(keep + o, load<f32>(gt + o) + load<f32>(dh + o));
      if (dc != 0) store<f32>(keep + bh + o, load<f32>(dc + o));
    }
  }
}

// Zeros rows b with t >= len_b of x [B, n].
export function zeroRows(B: i32, n: i32, t: i32, lens: usize, x: usize): void {
  const line = <usize>n << 2;
  for (let b = 0; b < B; b++) if (t >= load<i32>(lens + (<usize>b << 2))) memory.fill(x + <usize>b * line, 0, line);
}

// Rows past their length pass their gradient straight through: dh = keep, dc = keep + B·H.
export function restorePadded(B: i32, H: i32, t: i32, lens: usize, keep: usize, dh: usize, dc: usize): void {
  const hb = <usize>H << 2, bh = <usize>(B * H) << 2;
  for (let b = 0; b < B; b++) {
    if (t < load<i32>(lens + (<usize>b << 2))) continue;
    const row = <usize>b * hb;
    memory.copy(dh + row, keep + row, hb);
    if (dc != 0) memory.copy(dc + row, keep + bh + row, hb);
  }
}
