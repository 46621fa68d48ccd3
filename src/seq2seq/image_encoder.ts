// The image side of a captioning model ("show, attend and tell", Xu et al. 2015): a small
// convolutional network whose last feature map is read two ways, as one pooled vector per image (the
// context the caption decoder starts from) and as a grid of location features (what attention looks
// at, one key per location). Two coordinate channels (x and y in [−1, 1], CoordConv, Liu et al. 2018)
// are appended to the image so that features can say where something is, which relation words
// ("left of", "above") and a position-blind average pool would otherwise lose.

import { Tensor } from '../tensor/tensor.js';
import { defaultRng } from '../tensor/random.js';
import { formatShape } from '../tensor/shape.js';
import { relu } from '../autograd/ops/elementwise.js';
import { concat, reshape } from '../autograd/ops/shape_ops.js';
import { maxPool2d } from '../autograd/ops/pool2d.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv/conv2d.js';
import { globalAvgPool2d, spatialToSequence } from '../nn/conv/spatial.js';
import { CoordinateCache } from '../nn/conv/coordinate_channels.js';
import type { InitOptions } from '../nn/init.js';
import { registerClass } from '../nn/registry.js';
import { checkChoice, checkPositiveInteger } from '../nn/config_check.js';
import { describeValue, shortJson } from '../tensor/describe_value.js';

export interface ImageEncoderConfig {
  /** Channels of the input image (default 3: RGB). */
  inChannels?: number;
  /** Output channels of each conv → relu → max-pool block, in order (default [16, 32, 32]). */
  channels?: number[];
  /** Odd square kernel of every conv, zero-padded to keep the size (default 3). */
  kernelSize?: number;
  /** Side of each block's max pool; 1 for none (default 2). */
  pool?: number;
  /** Append x and y coordinate channels to the input (default true). */
  coordinates?: boolean;
  /** How the grid becomes one vector: its mean or its maximum over locations (default 'mean'). */
  summary?: 'mean' | 'max';
}

export type ResolvedImageEncoderConfig = Required<ImageEncoderConfig>;

/** Both readings of the last feature map. */
export interface ImageEncoding {
  /** The feature map F [N, C, H', W']. */
  features: Tensor;
  /** Global average pool of F: v[n, c] = mean_{h, w} F[n, c, h, w], [N, C]. */
  pooled: Tensor;
  /** The locations of F in row-major order: g[n, h·W' + w, c] = F[n, c, h, w], [N, H'·W', C]. */
  grid: Tensor;
}

/**
 * What a caption model (or any image reader) needs of an image encoder: the width C of its
 * features, the grid it makes of an H×W image, and both readings of it. ImageEncoder (convolutional)
 * and MDLSTMImageEncoder (./mdlstm_image_encoder.ts, 2-D recurrent) implement it.
 */
export interface ImageEncoderModule extends Module {
  readonly outputSize: number;
  gridShape(height: number, width: number): [number, number];
  forward(x: Tensor): ImageEncoding;
}

/** The largest image side an encoder may require (pool^blocks): 65536 pixels. */
export const MAX_IMAGE_SIDE = 2 ** 16;

/** Fills in the defaults and checks every field, naming the first bad one. */
export function resolveImageEncoderConfig(config: ImageEncoderConfig = {}): ResolvedImageEncoderConfig {
  const c: ResolvedImageEncoderConfig = { inChannels: 3, channels: [16, 32, 32], kernelSize: 3, pool: 2, coordinates: true, summary: 'mean', ...config };
  const positive = (name: string, v: unknown): void => checkPositiveInteger(name, v, 'image encoder: ');
  positive('inChannels', c.inChannels);
  positive('kernelSize', c.kernelSize);
  positive('pool', c.pool);
  if (c.kernelSize % 2 !== 1) throw new Error(`image encoder: expected an odd kernelSize (the size is kept by zero padding), got ${c.kernelSize}`);
  if (!Array.isArray(c.channels) || c.channels.length === 0) throw new Error(`image encoder: expected at least one block in channels, got ${shortJson(c.channels)}`);
  c.channels.forEach((n, i) => positive(`channels[${i}]`, n));
  // Images must be divisible by pool^blocks on each side: past 2^16 no image can be.
  const side = c.pool ** c.channels.length;
  if (side > MAX_IMAGE_SIDE) {
    throw new Error(`image encoder: expected pool^blocks (the smallest image side it takes) of at most ${MAX_IMAGE_SIDE}, got ${c.pool}^${c.channels.length} = ${side}`);
  }
  checkChoice('summary', c.summary, ['mean', 'max'], 'image encoder: ');
  if (typeof c.coordinates !== 'boolean') throw new Error(`image encoder: expected coordinates to be true or false, got ${describeValue(c.coordinates)}`);
  return { ...c, channels: [...c.channels] };
}

/**
 * A stack of blocks, each   F_k = maxpool_p(relu(conv_k(F_{k−1})))   (stride-1 'same' convolutions,
 * p×p max pools), starting from F_0 = [x ; X ; Y] where X[h, w] = 2w/(W−1) − 1 and Y[h, w] = 2h/(H−1) − 1
 * (or F_0 = x without coordinates). The last map F is read as a pooled vector (its mean over
 * locations, or with summary 'max' its maximum) and as a grid.
 *
 * Inputs: images x [N, inChannels, H, W] (H and W divisible by p^blocks).
 * Outputs: features [N, C, H', W'], pooled [N, C], grid [N, H'·W', C], with C = channels[last],
 *          H' = H / p^blocks, W' = W / p^blocks.
 * Parameters: conv{k}.weight [channels[k], in_k, kernelSize, kernelSize], U(±√(6 / (in_k·kernelSize²)))
 *             (He et al. 2015), and conv{k}.bias [channels[k]], zero (in_0 = inChannels + 2 with coordinates).
 */
export class ImageEncoder extends Module implements ImageEncoderModule {
  readonly config: ResolvedImageEncoderConfig;
  readonly convs: Conv2d[] = [];
  private readonly coords = new CoordinateCache();

  constructor(config: ImageEncoderConfig = {}, init: InitOptions = {}) {
    super();
    this.config = resolveImageEncoderConfig(config);
    const { inChannels, channels, kernelSize, coordinates } = this.config;
    let cin = inChannels + (coordinates ? 2 : 0);
    const rng = init.rng ?? defaultRng();
    channels.forEach((cout, k) => {
      const conv = this.registerModule(`conv${k}`, new Conv2d({ inChannels: cin, outChannels: cout, kernelSize, padding: 'same' }, { ...init, rng }));
      // He initialisation (U(±√(6 / fan_in)), zero bias) keeps the activations' scale through the
      // relu stack; PyTorch's default bound 1/√fan_in shrinks the mostly-black images' signal at
      // every block until the decoder barely sees it.
      const bound = Math.sqrt(6 / (cin * kernelSize * kernelSize));
      for (let i = 0; i < conv.weight.size; i++) conv.weight.data[i] = rng.uniform(-bound, bound);
      conv.bias?.data.fill(0);
      this.convs.push(conv);
      cin = cout;
    });
  }

  getConfig(): ResolvedImageEncoderConfig {
    return { ...this.config, channels: [...this.config.channels] };
  }

  /** Width C of the pooled vector and of each grid location. */
  get outputSize(): number { return this.config.channels[this.config.channels.length - 1]; }

  /** [H', W'] of the grid for input images of side [H, W]. */
  gridShape(height: number, width: number): [number, number] {
    const f = this.config.pool ** this.config.channels.length;
    if (height % f !== 0 || width % f !== 0) {
      throw new Error(`image encoder: expected image sides divisible by ${f} (pool ${this.config.pool} over ${this.config.channels.length} blocks), got ${height}×${width}`);
    }
    return [height / f, width / f];
  }

  /** The last feature map F [N, C, H', W']. */
  featureMap(x: Tensor): Tensor {
    const { inChannels, coordinates, pool } = this.config;
    if (x.rank !== 4 || x.shape[1] !== inChannels) throw new Error(`image encoder: expected images of shape [N, ${inChannels}, H, W], got ${formatShape(x.shape)}`);
    const [N, , H, W] = x.shape;
    if (N === 0) throw new Error(`image encoder: expected at least one image, got ${formatShape(x.shape)}`);
    this.gridShape(H, W);
    for (let i = 0; i < x.size; i++) {
      if (!Number.isFinite(x.data[i])) throw new Error(`image encoder: expected finite pixel values, got ${x.data[i]} at flat index ${i}`);
    }
    let h = coordinates ? concat([x, this.coords.of(N, H, W, x.dtype)], 1) : x; // [N, Cin(+2), H, W]
    for (const conv of this.convs) {
      h = relu(conv.forward(h)); // [N, C_k, H_k, W_k]
      if (pool > 1) h = maxPool2d(h, pool); // [N, C_k, H_k / p, W_k / p]
    }
    return h;
  }

  /** Both readings of the feature map (see ImageEncoding). */
  forward(x: Tensor): ImageEncoding {
    const features = this.featureMap(x);
    const [N, C, Hf, Wf] = features.shape;
    const pooled = this.config.summary === 'mean' ? globalAvgPool2d(features) : reshape(maxPool2d(features, [Hf, Wf]), [N, C]);
    return { features, pooled, grid: spatialToSequence(features) };
  }
}

registerClass('seq2seq.ImageEncoder', ImageEncoder, (config, init) => new ImageEncoder(config, init));
