// The fused GRU's time loops in WebAssembly (reset-after form, gate order r | z | n), with the
// buffers of src/nn/fused/fused_gru.ts (the TypeScript reference); T = time, B = batch, H = hidden,
// G = 3H, all float32 at byte addresses:
//   zx [T·B, G]  in: x·W_ihᵀ + b_ih; out: r | z | n
//   hn [T·B, H]  W_hn·h_{t−1} + b_hn (what r scaled), time order
//   hs [(T+1)·B, H] packed hidden blocks (h_prev of step t at prevBlock + t, h_t at seqBlock + t)
//   gh [B, G] the step's h_{t−1}·W_hhᵀ; bhh [G]; whh [G, H]; pw: packedBBytes(G, H) bytes for W_hh
//   packed once per sequence (with fewer than 4 rows unused: see packStepWeight); work: sgemm workspace.
//   lens: 0, or i32 [B] valid steps per row (1..T): steps t >= len_b carry h unchanged (and pass its
//   gradient straight through), as in the reference; keep: B·H floats of scratch.
//   tab, ids: 0, or zx's rows read from a table [V, G] by i32 ids [T·B] as the loop runs, as the
//   fused LSTM's forward (./lstm.ts).
// Each call runs the batch rows [b0, b1) only (see ./lstm.ts); gh is then [b1 − b0, G].

import { packStepWeight, stepProduct } from './sgemm';
import { forwardStep } from './gemv';
import { sigmoids, sigmoidv, tanhs, tanhv } from './vmath';
import { keepPadded, restorePadded, zeroRows } from './lstm';
import { gatherRows } from './gather';

/** Forward over all steps. */
export function gruForwardSeq(
  T: i32, B: i32, H: i32, b0: i32, b1: i32, reverse: bool, prevBlock: i32, seqBlock: i32,
  zx: usize, hn: usize, hs: usize, gh: usize, bhh: usize, whh: usize, pw: usize, work: usize, lens: usize, tab: usize, ids: usize,
): void {
  const G = 3 * H, BH = B * H, H4 = H & ~3, nb = b1 - b0;
  const r0 = <usize>(b0 * H) << 2;
  packStepWeight(<usize>nb, true, G, H, whh, pw);
  const hb = <usize>H << 2;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = hs + (<usize>((prevBlock + t) * BH) << 2) + r0, cur = hs + (<usize>((seqBlock + t) * BH) << 2) + r0;
    const zt = zx + (<usize>((t * B + b0) * G) << 2), hnt = hn + (<usize>(t * BH) << 2) + r0;
    if (tab != 0) gatherRows(nb, G, tab, ids + (<usize>(t * B + b0) << 2), zt); // the step's rows of zx, while they are wanted
    forwardStep(<usize>nb, G, H, prev, whh, pw, gh, false, work); // gh [nb, G] = h_{t−1} · W_hhᵀ
    for (let b = 0; b < nb; b++) {
      const zr = zt + <usize>(b * 3) * hb, zz = zr + hb, zn = zz + hb;
      const gr = gh + <usize>(b * 3) * hb, gz = gr + hb, gn = gz + hb;
      const row = <usize>b * hb;
      let k = 0;
      for (; k < H4; k += 4) {
        const o = <usize>k << 2;
        const r = sigmoidv(f32x4.add(f32x4.add(v128.load(zr + o), v128.load(gr + o)), v128.load(bhh + o)));
        const u = sigmoidv(f32x4.add(f32x4.add(v128.load(zz + o), v128.load(gz + o)), v128.load(bhh + hb + o)));
        const hnv = f32x4.add(v128.load(gn + o), v128.load(bhh + 2 * hb + o));
        const n = tanhv(f32x4.add(v128.load(zn + o), f32x4.mul(r, hnv)));
        v128.store(zr + o, r); v128.store(zz + o, u); v128.store(zn + o, n);
        v128.store(hnt + row + o, hnv);
        v128.store(cur + row + o, f32x4.add(n, f32x4.mul(u, f32x4.sub(v128.load(prev + row + o), n))));
      }
      for (; k < H; k++) {
        const o = <usize>k << 2;
        const r = sigmoids(load<f32>(zr + o) + load<f32>(gr + o) + load<f32>(bhh + o));
        const u = sigmoids(load<f32>(zz + o) + load<f32>(gz + o) + load<f32>(bhh + hb + o));
        const hnv = load<f32>(gn + o) + load<f32>(bhh + 2 * hb + o);
        const n = tanhs(load<f32>(zn + o) + r * hnv);
        store<f32>(zr + o, r); store<f32>(zz + o, u); store<f32>(zn + o, n);
        store<f32>(hnt + row + o, hnv);
        store<f32>(cur + row + o, n + u * (load<f32>(prev + row + o) - n));
      }
    }
    if (lens != 0) {
      for (let b = 0; b < nb; b++) {
        if (t < load<i32>(lens + (<usize>(b0 + b) << 2))) continue;
        memory.copy(cur + <usize>b * hb, prev + <usize>b * hb, hb);
      }
    }
  }
}

/**
 * Backward over all steps in reverse. g [(T+1)·B, H] the packed gradient; out: dgx, dgh [T·B, G]
 * (dL/d(x_r | x_z | x_n) and dL/d(h_r | h_z | h_n)) and dh [B, H] = dL/dh_init (when needH0).
 */
export function gruBackwardSeq(
  T: i32, B: i32, H: i32, b0: i32, b1: i32, reverse: bool, prevBlock: i32, seqBlock: i32, needH0: bool,
  zx: usize, hn: usize, hs: usize, g: usize, dgx: usize, dgh: usize, dh: usize, whh: usize, pw: usize, work: usize,
  lens: usize, keep: usize,
): void {
  const G = 3 * H, BH = B * H, H4 = H & ~3, nb = b1 - b0;
  const r0 = <usize>(b0 * H) << 2;
  packStepWeight(<usize>nb, false, H, G, whh, pw);
  const hb = <usize>H << 2;
  dh += r0;
  if (lens != 0) lens += <usize>b0 << 2;
  memory.fill(dh, 0, <usize>(nb * H) << 2);
  const one = f32x4.splat(1);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const prev = hs + (<usize>((prevBlock + t) * BH) << 2) + r0, cur = g + (<usize>((seqBlock + t) * BH) << 2) + r0;
    const zt = zx + (<usize>((t * B + b0) * G) << 2), hnt = hn + (<usize>(t * BH) << 2) + r0;
    const xt = dgx + (<usize>((t * B + b0) * G) << 2), ht = dgh + (<usize>((t * B + b0) * G) << 2);
    if (lens != 0) keepPadded(nb, H, t, lens, cur, dh, 0, keep);
    for (let b = 0; b < nb; b++) {
      const zr = zt + <usize>(b * 3) * hb, zz = zr + hb, zn = zz + hb;
      const xr = xt + <usize>(b * 3) * hb, xz = xr + hb, xn = xz + hb;
      const hr = ht + <usize>(b * 3) * hb, hz = hr + hb, hn2 = hz + hb;
      const row = <usize>b * hb;
      let k = 0;
      for (; k < H4; k += 4) {
        const o = <usize>k << 2;
        const r = v128.load(zr + o), u = v128.load(zz + o), n = v128.load(zn + o);
        const dhv = f32x4.add(v128.load(cur + row + o), v128.load(dh + row + o));
        const dn = f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, u)), f32x4.sub(one, f32x4.mul(n, n)));
        const dr = f32x4.mul(f32x4.mul(dn, v128.load(hnt + row + o)), f32x4.mul(r, f32x4.sub(one, r)));
        const du = f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(prev + row + o), n)), f32x4.mul(u, f32x4.sub(one, u)));
        v128.store(xr + o, dr); v128.store(xz + o, du); v128.store(xn + o, dn);
        v128.store(hr + o, dr); v128.store(hz + o, du); v128.store(hn2 + o, f32x4.mul(dn, r));
        v128.store(dh + row + o, f32x4.mul(dhv, u));
      }
      for (; k < H; k++) {
        const o = <usize>k << 2;
        const r = load<f32>(zr + o), u = load<f32>(zz + o), n = load<f32>(zn + o);
        const dhv = load<f32>(cur + row + o) + load<f32>(dh + row + o);
        const dn = dhv * (1 - u) * (1 - n * n);
        const dr = dn * load<f32>(hnt + row + o) * (r * (1 - r));
        const du = dhv * (load<f32>(prev + row + o) - n) * (u * (1 - u));
        store<f32>(xr + o, dr); store<f32>(xz + o, du); store<f32>(xn + o, dn);
        store<f32>(hr + o, dr); store<f32>(hz + o, du); store<f32>(hn2 + o, dn * r);
        store<f32>(dh + row + o, dhv * u);
      }
    }
    if (lens != 0) { zeroRows(nb, G, t, lens, xt); zeroRows(nb, G, t, lens, ht); restorePadded(nb, H, t, lens, keep, dh, 0); }
    // dh_{t−1} += dgh_t [B, G] · W_hh [G, H]
    if (s > 0 || needH0) stepProduct(<usize>nb, false, H, G, ht, whh, pw, dh, true, work);
  }
}
