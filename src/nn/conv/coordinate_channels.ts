// CoordConv's coordinate channels (Liu et al. 2018): x and y of every pixel in [−1, 1], appended to
// an image so that the layers reading it can tell where a feature is. Shared by the convolutional
// and the 2-D LSTM image encoders; the channels are kept for the last image size asked.

import { Tensor } from '../../tensor/tensor.js';

/** X[h, w] = 2w/(W−1) − 1 and Y[h, w] = 2h/(H−1) − 1 (0 on a side of one pixel), as [N, 2, H, W] (X then Y). */
export function coordinateChannels(N: number, H: number, W: number, dtype: Tensor['dtype']): Tensor {
  const data = dtype === 'float64' ? new Float64Array(N * 2 * H * W) : new Float32Array(N * 2 * H * W);
  const at = (i: number, n: number): number => (n > 1 ? (2 * i) / (n - 1) - 1 : 0);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        data[((n * 2 + 0) * H + h) * W + w] = at(w, W);
        data[((n * 2 + 1) * H + h) * W + w] = at(h, H);
      }
    }
  }
  return new Tensor(data, [N, 2, H, W]);
}

/** coordinateChannels, remembered for the last (N, H, W, dtype) asked. */
export class CoordinateCache {
  private last: { key: string; t: Tensor } | null = null;

  of(N: number, H: number, W: number, dtype: Tensor['dtype']): Tensor {
    const key = `${N},${H},${W},${dtype}`;
    if (this.last?.key !== key) this.last = { key, t: coordinateChannels(N, H, W, dtype) };
    return this.last.t;
  }
}
