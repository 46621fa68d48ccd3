// Plain-loop references for the convolution tests: the definition of PyTorch's conv2d, max and
// average pooling written out index by index, with no unrolling or matrix products.

export interface RefConvOptions { stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }

/** y[n,o,p,q] = b[o] + Σ_c Σ_i Σ_j w[o,c,i,j]·x[n, g·Cg + c, p·sH − pH + i·dH, q·sW − pW + j·dW], 7 nested loops. */
export function referenceConv2d(
  x: ArrayLike<number>, xShape: readonly number[], w: ArrayLike<number>, wShape: readonly number[],
  b: ArrayLike<number> | null, o: RefConvOptions,
): { data: number[]; shape: number[] } {
  const [N, C, H, W] = xShape;
  const [O, Cg, kH, kW] = wShape;
  const Og = O / o.groups;
  const Ho = Math.floor((H + 2 * o.padding[0] - o.dilation[0] * (kH - 1) - 1) / o.stride[0]) + 1;
  const Wo = Math.floor((W + 2 * o.padding[1] - o.dilation[1] * (kW - 1) - 1) / o.stride[1]) + 1;
  const data: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < O; oc++) {
      const g = Math.floor(oc / Og);
      for (let p = 0; p < Ho; p++) {
        for (let q = 0; q < Wo; q++) {
          let s = b ? b[oc] : 0;
          for (let c = 0; c < Cg; c++) {
            for (let i = 0; i < kH; i++) {
              for (let j = 0; j < kW; j++) {
                const h = p * o.stride[0] - o.padding[0] + i * o.dilation[0];
                const v = q * o.stride[1] - o.padding[1] + j * o.dilation[1];
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                s += w[((oc * Cg + c) * kH + i) * kW + j] * x[((n * C + g * Cg + c) * H + h) * W + v];
              }
            }
          }
          data.push(s);
        }
      }
    }
  }
  return { data, shape: [N, O, Ho, Wo] };
}

/** Pooling by definition; `kind` picks max (padding = −∞) or mean (padding = 0, divisor per countIncludePad). */
export function referencePool2d(
  x: ArrayLike<number>, xShape: readonly number[], kind: 'max' | 'avg',
  k: [number, number], s: [number, number], pad: [number, number], countIncludePad = true,
): { data: number[]; shape: number[] } {
  const [N, C, H, W] = xShape;
  const Ho = Math.floor((H + 2 * pad[0] - k[0]) / s[0]) + 1;
  const Wo = Math.floor((W + 2 * pad[1] - k[1]) / s[1]) + 1;
  const data: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < Ho; p++) {
        for (let q = 0; q < Wo; q++) {
          let best = -Infinity, sum = 0, count = 0;
          for (let i = 0; i < k[0]; i++) {
            for (let j = 0; j < k[1]; j++) {
              const h = p * s[0] - pad[0] + i, v = q * s[1] - pad[1] + j;
              if (h < 0 || h >= H || v < 0 || v >= W) continue;
              const val = x[((n * C + c) * H + h) * W + v];
              best = Math.max(best, val); sum += val; count++;
            }
          }
          data.push(kind === 'max' ? best : sum / (countIncludePad ? k[0] * k[1] : count));
        }
      }
    }
  }
  return { data, shape: [N, C, Ho, Wo] };
}
