// 2-D convolution as PyTorch defines it (a cross-correlation: the kernel is not flipped), with
// stride, zero padding, dilation and groups. The forward unrolls the receptive fields into a matrix
// (im2col: one row per kernel tap, one column per output position of the whole batch, so that a
// row is made of strided copies of input rows) and multiplies it by the weight, one product per
// group; the backward reuses that matrix for the weight gradient (one product over all N·L
// positions) and folds the gradient of the columns back onto the image (col2im) for the input.
//
// N = batch, C = in channels, O = out channels, G = groups, H×W in, Ho×Wo out, L = Ho·Wo,
// kH×kW kernel, Cg = C/G and Og = O/G per group, Kg = Cg·kH·kW (one unrolled receptive field).

import { allocate, type FloatArray } from '../../backend/dtype.js';
import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor, type GradWriter, type InputGrad } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';

/** A size given once for both spatial axes, or as [height, width]. */
export type Size2 = number | readonly [number, number];

export interface Conv2dOptions {
  /** Step between receptive fields (default 1). */
  stride?: Size2;
  /** Zeros added on each side of the input (default 0). */
  padding?: Size2;
  /** Spacing between kernel taps (default 1: contiguous). */
  dilation?: Size2;
  /** Channel groups: input and output channels are split into this many independent convolutions (default 1). */
  groups?: number;
}

/**
 * Output length of a convolution or pooling window sliding along one axis:
 * ⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1.
 */
export function convOutputSize(size: number, kernel: number, stride = 1, padding = 0, dilation = 1): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Resolves a Size2 to [height, width], checking each is an integer ≥ `min`. */
export function pair(op: string, name: string, v: Size2, min: number): [number, number] {
  if (typeof v !== 'number' && (!Array.isArray(v) || v.length !== 2)) {
    throw new Error(`${op}: expected ${name} as a number or [height, width], got ${JSON.stringify(v)}`);
  }
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const x of p) {
    if (!Number.isInteger(x) || x < min) throw new Error(`${op}: expected ${name} to be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return p;
}

/** Where one convolution reads: everything im2col and col2im need. */
interface Geometry {
  C: number; H: number; W: number; kH: number; kW: number;
  sH: number; sW: number; pH: number; pW: number; dH: number; dW: number; Ho: number; Wo: number;
}

// The output columns [lo, hi) whose tap at horizontal offset `off` = j·dW − pW lands inside [0, W).
function validRange(off: number, sW: number, W: number, Wo: number): [number, number] {
  const lo = off >= 0 ? 0 : Math.ceil(-off / sW);
  const hi = Math.min(Wo, Math.floor((W - 1 - off) / sW) + 1);
  return [Math.min(lo, Wo), Math.max(hi, Math.min(lo, Wo))];
}

/**
 * Unrolls image n's channels [c0, c0 + Cg) into the L columns at `co` of Kg rows `stride` apart:
 * cols[co + ((c·kH + i)·kW + j)·stride + oh·Wo + ow] = x[n, c0 + c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]
 * (0 outside the image).
 */
function im2col(x: FloatArray, n: number, g: Geometry, c0: number, Cg: number, cols: FloatArray, co: number, stride: number): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Ho, Wo } = g;
  const skip = stride - Ho * Wo; // from the end of one row's block to the start of the next
  let dst = co;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * C + c0 + c) * H * W;
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const off = j * dW - pW;
        const [lo, hi] = validRange(off, sW, W, Wo);
        for (let oh = 0; oh < Ho; oh++, dst += Wo) {
          const ih = oh * sH - pH + i * dH;
          if (ih < 0 || ih >= H) { cols.fill(0, dst, dst + Wo); continue; }
          const src = plane + ih * W + off;
          for (let ow = 0; ow < lo; ow++) cols[dst + ow] = 0;
          for (let ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow * sW];
          for (let ow = hi; ow < Wo; ow++) cols[dst + ow] = 0;
        }
        dst += skip;
      }
    }
  }
}

/** The adjoint of im2col: adds every entry of image n's columns back onto the pixel it was read from. */
function col2im(dcols: FloatArray, co: number, stride: number, n: number, g: Geometry, c0: number, Cg: number, dx: FloatArray): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Ho, Wo } = g;
  const skip = stride - Ho * Wo;
  let src = co;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * C + c0 + c) * H * W;
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        const off = j * dW - pW;
        const [lo, hi] = validRange(off, sW, W, Wo);
        for (let oh = 0; oh < Ho; oh++, src += Wo) {
          const ih = oh * sH - pH + i * dH;
          if (ih < 0 || ih >= H) continue;
          const dst = plane + ih * W + off;
          for (let ow = lo; ow < hi; ow++) dx[dst + ow * sW] += dcols[src + ow];
        }
        src += skip;
      }
    }
  }
}

/**
 * 2-D convolution (cross-correlation, PyTorch's `F.conv2d`):
 *
 *   y[n, o, p, q] = b[o] + Σ_{c, i, j} w[o, c, i, j] · x[n, g·Cg + c, p·sH − pH + i·dH, q·sW − pW + j·dW]
 *
 * where g = ⌊o / Og⌋ is the output channel's group and x is zero outside the image.
 *
 * Inputs: x [N, C_in, H, W], weight [C_out, C_in / groups, kH, kW], bias [C_out] (optional).
 * Outputs: y [N, C_out, H_out, W_out] with H_out = ⌊(H + 2·pH − dH·(kH − 1) − 1) / sH⌋ + 1
 * (W_out likewise; see convOutputSize).
 * Gradients flow to x, weight and bias.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  sameDtype(op, x, weight);
  if (bias) sameDtype(op, x, bias);
  if (weight.rank !== 4) throw new Error(`${op}: expected a weight of shape [C_out, C_in / groups, kH, kW], got ${formatShape(weight.shape)}`);
  const [O, Cg, kH, kW] = weight.shape;
  const G = options.groups ?? 1;
  if (!Number.isInteger(G) || G < 1) throw new Error(`${op}: expected groups to be an integer >= 1, got ${G}`);
  if (O % G !== 0) throw new Error(`${op}: expected C_out (${O}) to be divisible by groups (${G}), got weight ${formatShape(weight.shape)}`);
  if (O === 0 || Cg === 0 || kH === 0 || kW === 0) throw new Error(`${op}: expected a non-empty weight, got ${formatShape(weight.shape)}`);
  const C = Cg * G;
  if (x.rank !== 4 || x.shape[1] !== C) {
    throw new Error(`${op}: expected input of shape [N, ${C}, H, W] for weight ${formatShape(weight.shape)}${G > 1 ? ` and groups=${G}` : ''}, got ${formatShape(x.shape)}`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== O)) throw new Error(`${op}: expected a bias of shape [${O}], got ${formatShape(bias.shape)}`);
  const [N, , H, W] = x.shape;
  if (N === 0 || H === 0 || W === 0) throw new Error(`${op}: expected a non-empty input, got ${formatShape(x.shape)}`);
  const [sH, sW] = pair(op, 'stride', options.stride ?? 1, 1);
  const [pH, pW] = pair(op, 'padding', options.padding ?? 0, 0);
  const [dH, dW] = pair(op, 'dilation', options.dilation ?? 1, 1);
  const Ho = convOutputSize(H, kH, sH, pH, dH), Wo = convOutputSize(W, kW, sW, pW, dW);
  if (Ho < 1 || Wo < 1) {
    throw new Error(`${op}: input ${formatShape(x.shape)} padded to ${H + 2 * pH}×${W + 2 * pW} is smaller than the dilated kernel ${dH * (kH - 1) + 1}×${dW * (kW - 1) + 1}`);
  }
  const geo: Geometry = { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Ho, Wo };
  const L = Ho * Wo, NL = N * L, Og = O / G, Kg = Cg * kH * kW;
  const be = getBackend();
  const dtype = x.dtype;

  // cols [G, Kg, N·L]: the whole batch's unrolled fields per group (image n in columns n·L..),
  // kept for the weight gradient, so that each product below runs over the whole batch at once.
  const cols = allocate(dtype, G * Kg * NL), colsS = Storage.wrap(cols);
  const ygS = new Storage(dtype, Og * NL); // [Og, N·L]: one group's output, images side by side
  const y = allocate(dtype, N * O * L); // [N, O, Ho, Wo]
  const xd = x.dataSync(), bd = bias ? bias.dataSync() : null;
  for (let g = 0; g < G; g++) {
    for (let n = 0; n < N; n++) im2col(xd, n, geo, g * Cg, Cg, cols, g * Kg * NL + n * L, NL);
    colsS.write(); // the host copy was just written
    // yg [Og, N·L] = W_g [Og, Kg] · cols_g [Kg, N·L]
    be.gemm(false, false, Og, NL, Kg, weight.storage, g * Og * Kg, colsS, g * Kg * NL, ygS, 0, false);
    const yg = ygS.read();
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < Og; o++) {
        const src = o * NL + n * L, dst = (n * O + g * Og + o) * L;
        const b = bd ? bd[g * Og + o] : 0;
        for (let l = 0; l < L; l++) y[dst + l] = yg[src + l] + b;
      }
    }
  }

  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(op, Storage.wrap(y), [N, O, Ho, Wo], inputs, (dyS) => {
    const dy = dyS.read();
    // dyAll [G, Og, N·L]: dy [N, O, L] regrouped into the products' layout.
    const dyAll = allocate(dtype, G * Og * NL), dyAllS = Storage.wrap(dyAll);
    for (let n = 0; n < N; n++) {
      for (let oc = 0; oc < O; oc++) {
        const g = Math.floor(oc / Og), o = oc - g * Og;
        dyAll.set(dy.subarray((n * O + oc) * L, (n * O + oc + 1) * L), (g * Og + o) * NL + n * L);
      }
    }
    let dx: FloatArray | null = null;
    if (x.requiresGrad) {
      dx = allocate(dtype, x.size);
      const dcolsS = new Storage(dtype, Kg * NL); // [Kg, N·L]
      for (let g = 0; g < G; g++) {
        // dcols [Kg, N·L] = W_gᵀ [Kg, Og] · dy_g [Og, N·L]
        be.gemm(true, false, Kg, NL, Og, weight.storage, g * Og * Kg, dyAllS, g * Og * NL, dcolsS, 0, false);
        const dcols = dcolsS.read();
        for (let n = 0; n < N; n++) col2im(dcols, n * L, NL, n, geo, g * Cg, Cg, dx);
      }
    }
    // dW_g [Og, Kg] = dy_g [Og, N·L] · cols_gᵀ [N·L, Kg], written straight into the engine's sum.
    const dw: GradWriter | null = weight.requiresGrad
      ? {
        write: (dst, acc) => {
          for (let g = 0; g < G; g++) be.gemm(false, true, Og, Kg, NL, dyAllS, g * Og * NL, colsS, g * Kg * NL, dst, g * Og * Kg, acc);
        },
      }
      : null;
    const out: InputGrad[] = [dx && Storage.wrap(dx), dw];
    if (bias) {
      // db[o] = Σ_{n, p, q} dy[n, o, p, q]
      let db: FloatArray | null = null;
      if (bias.requiresGrad) {
        db = allocate(dtype, O);
        for (let n = 0; n < N; n++) {
          for (let o = 0; o < O; o++) {
            const base = (n * O + o) * L;
            let s = 0;
            for (let l = 0; l < L; l++) s += dy[base + l];
            db[o] += s;
          }
        }
      }
      out.push(db && Storage.wrap(db));
    }
    return out;
  });
}
