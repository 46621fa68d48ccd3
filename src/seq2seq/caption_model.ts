// The image captioning model (Vinyals et al. 2015 "show and tell"; with attention, Xu et al. 2015
// "show, attend and tell"): an ImageEncoder reads the picture, the seq2seq Decoder writes the caption
// one word at a time. The encoder's pooled vector is the decoder's context c (its initial state, and
// with context 'input'/'both' an input at every step: the x^T R conditioning term); its grid of
// location features is the memory attention looks over, so each word can look at one part of the
// image. Training uses teacher forcing or scheduled sampling, decoding the StepDecoder algorithms
// (greedy, sampling, beam search) through a CaptionSession.

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import { Module } from '../nn/module.js';
import type { InitOptions } from '../nn/init.js';
import { ImageEncoder, type ImageEncoderConfig } from './image_encoder.js';
import { MDLSTMImageEncoder, isMDLSTMEncoderConfig, type MDLSTMImageEncoderConfig } from './mdlstm_image_encoder.js';
import { Decoder, type ContextMode, type SourceContext } from './decoder.js';
import { DecoderSession } from './decoder_session.js';
import type { CellType } from './encoder.js';
import { decodeTargets, type ForwardOptions, type Seq2SeqOutput } from './teacher_forcing.js';
import type { TargetBatch } from './batch.js';
import { decode, type Hypothesis } from './decoding.js';
import { beamSearch } from './beam_search.js';
import { PAD } from '../data/vocab.js';
import { registerClass } from '../nn/registry.js';
import { MAX_LAYERS, checkChoice, checkPositiveInteger } from '../nn/config_check.js';
import { appendAll } from '../tensor/large_arrays.js';

/** Everything needed to rebuild a CaptionModel. */
export interface CaptionModelConfig {
  /** Word vocabulary size V (ids 0, 1, 2 = PAD, BOS, EOS). */
  vocabSize: number;
  embeddingSize: number;
  /** Hidden width H of the decoder cells. */
  hiddenSize: number;
  cell: CellType;
  /** Stacked decoder cells (default 1). */
  numLayers?: number;
  /** Score function over the grid, or 'none' (default 'none'). */
  attention?: 'additive' | 'general' | 'dot' | 'none';
  /** Width of additive attention's scoring layer (default hiddenSize). */
  attentionSize?: number;
  /** Where the pooled image vector enters the decoder (default 'init'). */
  context?: ContextMode;
  forgetBias?: number;
  /**
   * The image encoder: convolutional (see ImageEncoderConfig for the defaults), or with
   * kind 'mdlstm' the 2-D LSTM one (see MDLSTMImageEncoderConfig).
   */
  encoder?: ImageEncoderConfig | MDLSTMImageEncoderConfig;
}

/** Checks a config, naming the first bad field. */
export function checkCaptionModelConfig(c: CaptionModelConfig): void {
  const who = 'caption model: ';
  checkPositiveInteger('vocabSize', c.vocabSize, who);
  if (c.vocabSize < 4) throw new Error(`caption model: expected vocabSize >= 4 (PAD, BOS, EOS and a word), got ${c.vocabSize}`);
  checkPositiveInteger('embeddingSize', c.embeddingSize, who);
  checkPositiveInteger('hiddenSize', c.hiddenSize, who);
  if (c.numLayers !== undefined) checkPositiveInteger('numLayers', c.numLayers, who, MAX_LAYERS);
  if (c.attentionSize !== undefined) checkPositiveInteger('attentionSize', c.attentionSize, who);
  checkChoice('cell', c.cell, ['rnn', 'lstm', 'gru'], who);
  if (c.attention !== undefined) checkChoice('attention', c.attention, ['additive', 'general', 'dot', 'none'], who);
  if (c.context !== undefined) checkChoice('context', c.context, ['init', 'input', 'both'], who);
}

/**
 * p(y | image) = Π_t p(y_t | y_<t, image), with
 *   F = cnn(image) (or the 2-D LSTM's map, MDLSTMImageEncoder),  c = mean_{h,w} F (or max, see summary),
 *   memory = [F_{·,0,0}; F_{·,0,1}; …] (H'·W' locations, row-major)
 * and the Decoder's step (see Decoder) on c and memory.
 *
 * Inputs: images [B, inChannels, H, W]; decoder inputs [B, T] (BOS, y_1, …, y_{T−1}).
 * Outputs: logits [B, T, V], attention weights [B, T, H'·W'] (or null).
 * Parameters: encoder.conv{k}.… (see ImageEncoder) and decoder.… (see Decoder, contextSize and
 *   memorySize both C = the encoder's last channel count).
 */
export class CaptionModel extends Module {
  readonly config: CaptionModelConfig;
  readonly encoder: ImageEncoder | MDLSTMImageEncoder;
  readonly decoder: Decoder;

  constructor(config: CaptionModelConfig, init: InitOptions = {}) {
    super();
    checkCaptionModelConfig(config);
    this.config = { ...config, encoder: config.encoder ? { ...config.encoder } : undefined };
    this.encoder = this.registerModule('encoder', imageEncoderFor(config.encoder, init));
    const C = this.encoder.outputSize;
    this.decoder = this.registerModule('decoder', new Decoder({
      vocabSize: config.vocabSize, embeddingSize: config.embeddingSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers ?? 1,
      cell: config.cell, contextSize: C, memorySize: C, attention: config.attention ?? 'none',
      attentionSize: config.attentionSize ?? config.hiddenSize, context: config.context ?? 'init', forgetBias: config.forgetBias,
    }, init));
  }

  getConfig(): CaptionModelConfig & Required<Omit<CaptionModelConfig, 'forgetBias'>> {
    const c = this.config, d = this.decoder.config;
    return {
      vocabSize: c.vocabSize, embeddingSize: c.embeddingSize, hiddenSize: c.hiddenSize, cell: c.cell, numLayers: d.numLayers,
      attention: d.attention, attentionSize: d.attentionSize, context: d.context, forgetBias: c.forgetBias, encoder: this.encoder.getConfig(),
    };
  }

  /** What the decoder keeps fixed over an image batch: c, and the grid prepared as attention keys. */
  encode(images: Tensor): SourceContext {
    const { pooled, grid } = this.encoder.forward(images); // [B, C], [B, L, C]
    const L = grid.shape[1];
    const ctx = this.decoder.source(pooled, grid, new Int32Array(grid.shape[0]).fill(L));
    // Every location is real (no padding), so attention needs no mask.
    return { ...ctx, mask: null };
  }

  /** Training forward pass over whole captions (teacher forcing / scheduled sampling, as Seq2Seq). */
  forward(images: Tensor, tgtIn: IndexTensor, options: ForwardOptions = {}): Seq2SeqOutput {
    return decodeTargets(this.decoder, this.encode(images), tgtIn, options);
  }

  /** Mean cross-entropy per caption token (EOS included, PAD excluded), with the forward's outputs. */
  loss(images: Tensor, tgt: TargetBatch, options: ForwardOptions = {}): Seq2SeqOutput & { loss: Tensor } {
    const out = this.forward(images, tgt.input, options);
    return { ...out, loss: crossEntropy(out.logits, tgt.output, { ignoreIndex: PAD }) };
  }

  /** A StepDecoder over an image batch, for greedy/sampled decoding and beam search (no gradients). */
  session(images: Tensor): CaptionSession {
    return new CaptionSession(this, images);
  }
}

/** The encoder a caption model's config asks for: convolutional unless its kind is 'mdlstm'. */
export function imageEncoderFor(config: CaptionModelConfig['encoder'], init: InitOptions = {}): ImageEncoder | MDLSTMImageEncoder {
  return isMDLSTMEncoderConfig(config) ? new MDLSTMImageEncoder(config, init) : new ImageEncoder(config ?? {}, init);
}

registerClass('seq2seq.CaptionModel', CaptionModel, (config, init) => new CaptionModel(config, init));

/** Steps a trained caption model over one image batch; keeps the last attention weights for display. */
export class CaptionSession extends DecoderSession {
  constructor(model: CaptionModel, images: Tensor) {
    super(model.decoder, model.config.vocabSize, () => model.encode(images));
  }
}

export interface CaptionOptions {
  /** Beam width (0: greedy, the default). */
  beamWidth?: number;
  /** Most words per caption, EOS included (default 30). */
  maxLength?: number;
  /** Length-normalisation exponent of beam search (default 1). */
  lengthPenalty?: number;
  /** Images decoded together (default 100). */
  batchSize?: number;
}

/**
 * Captions every image of `images` [N, C, H, W] as word ids (without EOS), greedily or by beam
 * search, in batches, with the model in evaluation mode.
 */
export function captionImages(model: CaptionModel, images: Tensor, options: CaptionOptions = {}): Hypothesis[] {
  const beam = options.beamWidth ?? 0, maxLength = options.maxLength ?? 30, batchSize = options.batchSize ?? 100;
  if (!(Number.isInteger(beam) && beam >= 0)) throw new Error(`expected a beam width >= 0, got ${beam}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`expected a batch size >= 1, got ${batchSize}`);
  if (images.rank !== 4) throw new Error(`expected images of shape [N, C, H, W], got ${formatShape(images.shape)}`);
  const [N, ...rest] = images.shape;
  const per = rest.reduce((a, d) => a * d, 1);
  const out: Hypothesis[] = [];
  model.inEvalMode(() => {
    for (let k = 0; k < N; k += batchSize) {
      const n = Math.min(batchSize, N - k);
      const chunk = new Tensor(images.data.subarray(k * per, (k + n) * per), [n, ...rest]);
      const session = model.session(chunk);
      const hyps = beam >= 1
        ? beamSearch(session, { beamWidth: beam, maxLength, lengthPenalty: options.lengthPenalty })
        : decode(session, { maxLength });
      appendAll(out, hyps.map((h) => ({ tokens: h.tokens, logProb: h.logProb, finished: h.finished })));
    }
  });
  return out;
}
