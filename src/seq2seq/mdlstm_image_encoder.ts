// A recurrent image encoder: the image cut into p×p blocks of pixels (Graves & Schmidhuber 2009 read
// handwriting this way), each block one input vector of a four-direction 2-D LSTM (nn/grid/md_lstm.ts).
// Every location's features then summarise the whole image as seen from that location — the
// recurrence carries context across the picture where a convolutional encoder needs depth and
// pooling — and are read as ImageEncoder's are: one pooled vector and a grid for attention.

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { firstNonFiniteIndex } from '../tensor/finite.js';
import { concat, permute, reshape, slice } from '../autograd/ops/shape_ops.js';
import { maxPool2d } from '../autograd/ops/pool2d.js';
import { Module } from '../nn/module.js';
import { MDLSTM } from '../nn/grid/md_lstm.js';
import { Conv2d } from '../nn/conv/conv2d.js';
import { tanh } from '../autograd/ops/elementwise.js';
import { globalAvgPool2d, spatialToSequence } from '../nn/conv/spatial.js';
import { CoordinateCache } from '../nn/conv/coordinate_channels.js';
import type { InitOptions } from '../nn/init.js';
import { registerClass } from '../nn/registry.js';
import { checkChoice, checkPositiveInteger } from '../nn/config_check.js';
import { describeValue } from '../tensor/describe_value.js';
import { MAX_IMAGE_SIDE, type ImageEncoderModule, type ImageEncoding } from './image_encoder.js';

export interface MDLSTMImageEncoderConfig {
  /** Tells this encoder's config from the convolutional one's (which has no kind). */
  kind: 'mdlstm';
  /** Channels of the input image (default 3: RGB). */
  inChannels?: number;
  /** Side p of the square blocks of pixels each cell reads (default 2). */
  patch?: number;
  /** Hidden units of each of the four scan directions (default 16; features are 4× as wide). */
  hiddenSize?: number;
  /**
   * How the grid becomes one vector: its mean or its maximum over locations, or 'last': each
   * direction's state at the corner where its scan ends, the one cell that has seen the whole image
   * (default 'mean').
   */
  summary?: 'mean' | 'max' | 'last';
  /** Append x and y coordinate channels to the image, as the conv encoder does (default true). */
  coordinates?: boolean;
  /** The 2-D LSTM's forget-gate bias (default 0, see MDLSTMConfig). */
  forgetBias?: number;
  /**
   * Width E of a tanh layer each block passes through before the 2-D LSTM (a p×p, stride-p
   * convolution), or 0 for none (default): a single linear map of raw pixels into the gates is a
   * weak shape detector, and Graves & Schmidhuber (2009) put such feed-forward layers between
   * their 2-D LSTM layers too.
   */
  embedding?: number;
}

export type ResolvedMDLSTMImageEncoderConfig = Required<MDLSTMImageEncoderConfig>;

/**
 * Whether an image encoder config (of a caption model, say) is this encoder's: any config with a
 * kind is, so that a wrong kind is refused by name rather than read as a convolutional config.
 */
export function isMDLSTMEncoderConfig(config: object | undefined | null): config is MDLSTMImageEncoderConfig {
  return config !== undefined && config !== null && (config as { kind?: unknown }).kind !== undefined;
}

/** Fills in the defaults and checks every field, naming the first bad one. */
export function resolveMDLSTMImageEncoderConfig(config: MDLSTMImageEncoderConfig): ResolvedMDLSTMImageEncoderConfig {
  const c: ResolvedMDLSTMImageEncoderConfig = { inChannels: 3, patch: 2, hiddenSize: 16, summary: 'mean', coordinates: true, forgetBias: 0, embedding: 0, ...config };
  const who = 'MDLSTM image encoder: ';
  checkChoice('kind', c.kind, ['mdlstm'], who);
  checkPositiveInteger('inChannels', c.inChannels, who);
  checkPositiveInteger('patch', c.patch, who, MAX_IMAGE_SIDE);
  checkPositiveInteger('hiddenSize', c.hiddenSize, who);
  checkChoice('summary', c.summary, ['mean', 'max', 'last'], who);
  if (typeof c.coordinates !== 'boolean') throw new Error(`${who}expected coordinates to be true or false, got ${describeValue(c.coordinates)}`);
  if (typeof c.forgetBias !== 'number' || !Number.isFinite(c.forgetBias)) throw new Error(`${who}expected a finite forgetBias, got ${describeValue(c.forgetBias)}`);
  if (c.embedding !== 0) checkPositiveInteger('embedding', c.embedding, who);
  return c;
}

/**
 * x → x' = [x ; X ; Y] (the coordinate channels of ImageEncoder; x' = x without coordinates)
 * → blocks B [N, C'·p², H/p, W/p] (B[n, (c·p + a)·p + b, i, j] = x'[n, c, i·p + a, j·p + b])
 *   (with an embedding: B = tanh(conv_{p×p, stride p}(x')) [N, E, H/p, W/p])
 * → F = MDLSTM(B) [N, 4·hiddenSize, H/p, W/p], read as ImageEncoder's feature map is.
 *
 * Inputs: images x [N, inChannels, H, W] (H and W divisible by p).
 * Outputs: features [N, C, H/p, W/p], pooled [N, C], grid [N, (H/p)·(W/p), C], with C = 4·hiddenSize.
 * Parameters: embed.weight [E, C', p, p] and embed.bias [E] (see Conv2d) with an embedding;
 * mdlstm.… (see MDLSTM, inputSize E, or C'·p² without an embedding; C' = inChannels + 2 with coordinates).
 */
export class MDLSTMImageEncoder extends Module implements ImageEncoderModule {
  readonly config: ResolvedMDLSTMImageEncoderConfig;
  readonly mdlstm: MDLSTM;
  readonly embed: Conv2d | null;
  private readonly coords = new CoordinateCache();

  constructor(config: MDLSTMImageEncoderConfig, init: InitOptions = {}) {
    super();
    this.config = resolveMDLSTMImageEncoderConfig(config);
    const { inChannels, patch, hiddenSize, forgetBias, coordinates, embedding } = this.config;
    const C2 = inChannels + (coordinates ? 2 : 0);
    this.embed = embedding > 0 ? this.registerModule('embed', new Conv2d({ inChannels: C2, outChannels: embedding, kernelSize: patch, stride: patch }, init)) : null;
    this.mdlstm = this.registerModule('mdlstm', new MDLSTM({ inputSize: embedding > 0 ? embedding : C2 * patch * patch, hiddenSize, directions: 4, merge: 'concat', forgetBias }, init));
  }

  getConfig(): ResolvedMDLSTMImageEncoderConfig {
    return { ...this.config };
  }

  get outputSize(): number { return this.mdlstm.outputSize; }

  gridShape(height: number, width: number): [number, number] {
    const p = this.config.patch;
    if (height % p !== 0 || width % p !== 0) throw new Error(`MDLSTM image encoder: expected image sides divisible by the patch ${p}, got ${height}×${width}`);
    return [height / p, width / p];
  }

  /** The feature map F [N, 4·hiddenSize, H/p, W/p]. */
  featureMap(x: Tensor): Tensor {
    const { inChannels: C, patch: p } = this.config;
    if (x.rank !== 4 || x.shape[1] !== C) throw new Error(`MDLSTM image encoder: expected images of shape [N, ${C}, H, W], got ${formatShape(x.shape)}`);
    const [N, , H, W] = x.shape;
    if (N === 0) throw new Error(`MDLSTM image encoder: expected at least one image, got ${formatShape(x.shape)}`);
    const [Hp, Wp] = this.gridShape(H, W);
    const bad = firstNonFiniteIndex(x.dataSync());
    if (bad >= 0) throw new Error(`MDLSTM image encoder: expected finite pixel values, got ${x.dataSync()[bad]} at flat index ${bad}`);
    const xc = this.config.coordinates ? concat([x, this.coords.of(N, H, W, x.dtype)], 1) : x; // [N, C', H, W]
    const C2 = xc.shape[1];
    if (this.embed !== null) return this.mdlstm.forward(tanh(this.embed.forward(xc)));
    const blocks = p === 1 ? xc : reshape(permute(reshape(xc, [N, C2, Hp, p, Wp, p]), [0, 1, 3, 5, 2, 4]), [N, C2 * p * p, Hp, Wp]);
    return this.mdlstm.forward(blocks);
  }

  forward(x: Tensor): ImageEncoding {
    const features = this.featureMap(x);
    const [N, C, Hf, Wf] = features.shape;
    const { summary } = this.config;
    const pooled = summary === 'mean' ? globalAvgPool2d(features)
      : summary === 'max' ? reshape(maxPool2d(features, [Hf, Wf]), [N, C])
        : scanEnds(features, this.config.hiddenSize);
    return { features, pooled, grid: spatialToSequence(features) };
  }
}

/**
 * Each direction's hidden state at the corner its scan ends in ([N, 4·H]): direction k starts at
 * the top-left, top-right, bottom-left, bottom-right corner for k = 0 … 3 (see MDLSTM), so it ends
 * at the opposite one, the only cell whose rectangle is the whole grid.
 */
function scanEnds(features: Tensor, H: number): Tensor {
  const [N, , Hf, Wf] = features.shape;
  const ends = [0, 1, 2, 3].map((k) => {
    const r = k & 2 ? 0 : Hf - 1, c = k & 1 ? 0 : Wf - 1;
    return slice(slice(slice(features, 1, k * H, (k + 1) * H), 2, r, r + 1), 3, c, c + 1); // [N, H, 1, 1]
  });
  return reshape(concat(ends, 1), [N, 4 * H]);
}

registerClass('seq2seq.MDLSTMImageEncoder', MDLSTMImageEncoder, (config, init) => new MDLSTMImageEncoder(config, init));
