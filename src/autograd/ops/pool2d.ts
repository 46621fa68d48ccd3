// 2-D max and average pooling over [N, C, H, W] (PyTorch's F.max_pool2d / F.avg_pool2d without
// ceil_mode or dilation), each beside its backward. Max pooling remembers which input won each
// window (the first one in row-major window order on ties) and routes the gradient there alone;
// average pooling spreads each output's gradient evenly over its window.
//
// N = batch, C = channels, H×W in, Ho×Wo out, kH×kW window, sH×sW stride, pH×pW padding.

import { allocate, type FloatArray } from '../../backend/dtype.js';
import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record } from '../record.js';
import { convOutputSize, pair, type Size2 } from './conv2d.js';

export interface Pool2dOptions {
  /** Step between windows (default: the kernel size, so windows tile the image). */
  stride?: Size2;
  /** Implicit padding on each side, at most half the kernel (default 0). Max pooling pads with −∞, average pooling with 0. */
  padding?: Size2;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the full window size kH·kW even where it overlaps the padding (default true, as in PyTorch). */
  countIncludePad?: boolean;
}

interface PoolGeometry {
  N: number; C: number; H: number; W: number; kH: number; kW: number;
  sH: number; sW: number; pH: number; pW: number; Ho: number; Wo: number;
}

function poolGeometry(op: string, x: Tensor, kernelSize: Size2, options: Pool2dOptions): PoolGeometry {
  if (x.rank !== 4) throw new Error(`${op}: expected input of shape [N, C, H, W], got ${formatShape(x.shape)}`);
  const [N, C, H, W] = x.shape;
  if (N === 0 || C === 0 || H === 0 || W === 0) throw new Error(`${op}: expected a non-empty input, got ${formatShape(x.shape)}`);
  const [kH, kW] = pair(op, 'kernelSize', kernelSize, 1);
  const [sH, sW] = pair(op, 'stride', options.stride ?? [kH, kW], 1);
  const [pH, pW] = pair(op, 'padding', options.padding ?? 0, 0);
  if (2 * pH > kH || 2 * pW > kW) {
    throw new Error(`${op}: expected padding at most half the kernel ${kH}×${kW}, got ${pH}×${pW}`);
  }
  const Ho = convOutputSize(H, kH, sH, pH), Wo = convOutputSize(W, kW, sW, pW);
  if (Ho < 1 || Wo < 1) {
    throw new Error(`${op}: input ${formatShape(x.shape)} padded to ${H + 2 * pH}×${W + 2 * pW} is smaller than the kernel ${kH}×${kW}`);
  }
  return { N, C, H, W, kH, kW, sH, sW, pH, pW, Ho, Wo };
}

/**
 * Max pooling: y[n, c, p, q] = max_{i < kH, j < kW} x[n, c, p·sH − pH + i, q·sW − pW + j],
 * padding counting as −∞. The gradient goes to the maximising input, the first in row-major
 * window order when several tie (NaN wins, so that it propagates).
 *
 * Inputs: x [N, C, H, W]. Outputs: y [N, C, H_out, W_out], H_out = ⌊(H + 2·pH − kH) / sH⌋ + 1.
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, options: Pool2dOptions = {}): Tensor {
  const g = poolGeometry('maxPool2d', x, kernelSize, options);
  const { N, C, H, W, kH, kW, sH, sW, pH, pW, Ho, Wo } = g;
  const y = allocate(x.dtype, N * C * Ho * Wo);  // [N, C, Ho, Wo]
  const arg = new Int32Array(y.length);           // [N, C, Ho, Wo]: flat index into x of each winner
  const xd = x.dataSync();
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let p = 0; p < Ho; p++) {
      const h0 = p * sH - pH;
      const hs = Math.max(h0, 0), he = Math.min(h0 + kH, H);
      for (let q = 0; q < Wo; q++, o++) {
        const w0 = q * sW - pW;
        const ws = Math.max(w0, 0), we = Math.min(w0 + kW, W);
        // padding ≤ kernel/2 guarantees every window holds at least one real pixel
        let best = -Infinity, at = base + hs * W + ws;
        for (let h = hs; h < he; h++) {
          for (let w = ws; w < we; w++) {
            const v = xd[base + h * W + w];
            if (v > best || (v !== v && best === best)) { best = v; at = base + h * W + w; }
          }
        }
        y[o] = xd[at];
        arg[o] = at;
      }
    }
  }
  return record('maxPool2d', Storage.wrap(y), [N, C, Ho, Wo], [x], (dyS) => {
    const dy = dyS.read();
    const dx = allocate(x.dtype, x.size);
    for (let k = 0; k < arg.length; k++) dx[arg[k]] += dy[k];
    return [Storage.wrap(dx)];
  });
}

/**
 * Average pooling: y[n, c, p, q] = (1 / D) Σ_{i < kH, j < kW} x[n, c, p·sH − pH + i, q·sW − pW + j],
 * padding counting as 0, with D = kH·kW (countIncludePad, the default) or the number of real
 * pixels in the window.
 *
 * Inputs: x [N, C, H, W]. Outputs: y [N, C, H_out, W_out], H_out = ⌊(H + 2·pH − kH) / sH⌋ + 1.
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: AvgPool2dOptions = {}): Tensor {
  const g = poolGeometry('avgPool2d', x, kernelSize, options);
  const { N, C, H, W, kH, kW, sH, sW, pH, pW, Ho, Wo } = g;
  const includePad = options.countIncludePad ?? true;
  const y = allocate(x.dtype, N * C * Ho * Wo); // [N, C, Ho, Wo]
  const xd = x.dataSync();
  // Each window's clipped bounds and 1/D, shared by every plane: [Ho·Wo] each.
  const L = Ho * Wo;
  const hs = new Int32Array(L), he = new Int32Array(L), ws = new Int32Array(L), we = new Int32Array(L);
  const scale = new Float64Array(L);
  for (let p = 0, l = 0; p < Ho; p++) {
    for (let q = 0; q < Wo; q++, l++) {
      const h0 = p * sH - pH, w0 = q * sW - pW;
      hs[l] = Math.max(h0, 0); he[l] = Math.min(h0 + kH, H);
      ws[l] = Math.max(w0, 0); we[l] = Math.min(w0 + kW, W);
      scale[l] = 1 / (includePad ? kH * kW : (he[l] - hs[l]) * (we[l] - ws[l]));
    }
  }
  for (let plane = 0, o = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let l = 0; l < L; l++, o++) {
      let s = 0;
      for (let h = hs[l]; h < he[l]; h++) for (let w = ws[l]; w < we[l]; w++) s += xd[base + h * W + w];
      y[o] = s * scale[l];
    }
  }
  return record('avgPool2d', Storage.wrap(y), [N, C, Ho, Wo], [x], (dyS) => {
    const dy = dyS.read();
    const dx: FloatArray = allocate(x.dtype, x.size);
    for (let plane = 0, o = 0; plane < N * C; plane++) {
      const base = plane * H * W;
      for (let l = 0; l < L; l++, o++) {
        const share = dy[o] * scale[l];
        for (let h = hs[l]; h < he[l]; h++) for (let w = ws[l]; w < we[l]; w++) dx[base + h * W + w] += share;
      }
    }
    return [Storage.wrap(dx)];
  });
}
