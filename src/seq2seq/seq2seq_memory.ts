// The size of the encoder-decoder models (Seq2Seq, CaptionModel) and of their training, from the
// config and the lengths of the data alone, so that `unfold seq2seq train` and the tasks built on
// these models (dates, captions) can refuse a run that would not fit (nn/memory_estimate.ts) before
// the model is built.

import {
  activationBytes, adamTrainingMemory, gatesOf, logitBytes, recurrentActivationBytes, recurrentParameterCount, type MemoryEstimate,
} from '../nn/memory_estimate.js';
import type { Seq2SeqConfig } from './model.js';
import type { CaptionModelConfig } from './caption_model.js';
import { resolveImageEncoderConfig } from './image_encoder.js';
import { isMDLSTMEncoderConfig, resolveMDLSTMImageEncoderConfig, type MDLSTMImageEncoderConfig } from './mdlstm_image_encoder.js';

/** What the decoder's size depends on: its own config and the widths of the encoder's summary (C) and memory (M). */
export interface DecoderSize {
  vocabSize: number; embeddingSize: number; hiddenSize: number; numLayers?: number; cell: 'rnn' | 'lstm' | 'gru';
  attention?: 'additive' | 'general' | 'dot' | 'none'; attentionSize?: number; context?: 'init' | 'input' | 'both';
  contextSize: number; memorySize: number;
}

/** Exactly the Decoder's parameters: embedding, bridges (context 'init' or 'both'), cells, attention, combine layer, head. */
export function decoderParameterCount(d: DecoderSize): number {
  const E = d.embeddingSize, H = d.hiddenSize, L = d.numLayers ?? 1, V = d.vocabSize, C = d.contextSize, M = d.memorySize;
  const attention = d.attention ?? 'none', context = d.context ?? 'init', G = gatesOf(d.cell), A = d.attentionSize ?? H;
  const bridges = context === 'input' ? 0 : L * (C * H + H);
  const in0 = E + (attention !== 'none' ? H : 0) + (context !== 'init' ? C : 0);
  const cells = G * H * (in0 + H + 2) + (L - 1) * G * H * (H + H + 2);
  const scorer = attention === 'additive' ? A * H + A * M + 2 * A : attention === 'general' ? H * M : 0;
  const combine = attention === 'none' ? 0 : (M + H) * H + H;
  return V * E + bridges + cells + scorer + combine + H * V + V;
}

/** Exactly Seq2Seq's numParameters(): the encoder's embedding and recurrent stack, and the decoder. */
export function seq2seqParameterCount(c: Seq2SeqConfig): number {
  const D = c.bidirectional ? 2 : 1, H = c.hiddenSize;
  const encoder = c.srcVocabSize * c.embeddingSize
    + recurrentParameterCount({ cell: c.cell, inputSize: c.embeddingSize, hiddenSize: H, numLayers: c.numLayers, bidirectional: c.bidirectional });
  return encoder + decoderParameterCount({ ...c, vocabSize: c.tgtVocabSize, contextSize: D * H, memorySize: D * H });
}

/** Exactly CaptionModel's numParameters(): the conv blocks (coordinates add two input channels) and the decoder. */
export function captionModelParameterCount(c: CaptionModelConfig): number {
  if (isMDLSTMEncoderConfig(c.encoder)) {
    const { params, width } = mdlstmEncoderSize(c.encoder);
    return params + decoderParameterCount({ ...c, contextSize: width, memorySize: width });
  }
  const e = resolveImageEncoderConfig(c.encoder);
  let inChannels = e.inChannels + (e.coordinates ? 2 : 0), convs = 0;
  for (const out of e.channels) { convs += out * inChannels * e.kernelSize ** 2 + out; inChannels = out; }
  return convs + decoderParameterCount({ ...c, contextSize: inChannels, memorySize: inChannels });
}

// The decoder's activations over `batch` targets of T steps: its cells, attention over S positions, logits.
function decoderActivationBytes(d: DecoderSize, batch: number, T: number, S: number): number {
  const H = d.hiddenSize;
  const cells = recurrentActivationBytes({ cell: d.cell, inputSize: d.embeddingSize, hiddenSize: H, numLayers: d.numLayers }, batch, T);
  const attention = (d.attention ?? 'none') === 'none' ? 0 : activationBytes(batch * T * (S * 2 + 4 * H));
  return cells + attention + logitBytes(batch * T, d.vocabSize);
}

/**
 * Training with Adam on batches of `batch` pairs whose sources and targets are at most `srcLength`
 * and `tgtLength` tokens: the model, both recurrent stacks' activations, the attention weights and
 * the logits of every target position.
 */
export function seq2seqTrainingMemory(c: Seq2SeqConfig, batch: number, srcLength: number, tgtLength: number): MemoryEstimate {
  const H = c.hiddenSize, D = c.bidirectional ? 2 : 1, S = srcLength + 1, T = tgtLength + 1;
  const encoder = recurrentActivationBytes({ cell: c.cell, inputSize: c.embeddingSize, hiddenSize: H, numLayers: c.numLayers, bidirectional: c.bidirectional }, batch, S);
  const decoder = decoderActivationBytes({ ...c, vocabSize: c.tgtVocabSize, contextSize: D * H, memorySize: D * H }, batch, T, S);
  return adamTrainingMemory(seq2seqParameterCount(c), encoder + decoder);
}

/**
 * Training a CaptionModel on batches of `batch` images of side × side pixels with captions of at most
 * `captionLength` words, and `heldOut` test images kept in memory: the model, the conv blocks'
 * activations, the decoder's, and the held-out images.
 */
export function captionTrainingMemory(c: CaptionModelConfig, batch: number, side: number, captionLength: number, heldOut: number): MemoryEstimate {
  if (isMDLSTMEncoderConfig(c.encoder)) {
    const e = resolveMDLSTMImageEncoderConfig(c.encoder), { width } = mdlstmEncoderSize(e), s = Math.max(1, Math.floor(side / e.patch));
    const decoder = decoderActivationBytes({ ...c, contextSize: width, memorySize: width }, batch, captionLength + 1, s * s);
    const images = heldOut * e.inChannels * side * side * 4;
    return adamTrainingMemory(captionModelParameterCount(c), activationBytes(mdlstmEncoderActivations(e, batch, side)) + decoder, [['held-out images', images]]);
  }
  const e = resolveImageEncoderConfig(c.encoder);
  let conv = 0, s = side, last = e.inChannels;
  for (const out of e.channels) { conv += batch * out * s * s * 3; s = Math.max(1, Math.floor(s / e.pool)); last = out; }
  const decoder = decoderActivationBytes({ ...c, contextSize: last, memorySize: last }, batch, captionLength + 1, s * s);
  const images = heldOut * e.inChannels * side * side * 4;
  return adamTrainingMemory(captionModelParameterCount(c), activationBytes(conv) + decoder, [['held-out images', images]]);
}

/** Parameters of an MDLSTMImageEncoder (four directions of 5H·(I + 2H) + 5H, I = (inChannels + 2 coordinates)·p²) and its feature width 4H. */
export function mdlstmEncoderSize(config: MDLSTMImageEncoderConfig): { params: number; width: number } {
  const e = resolveMDLSTMImageEncoderConfig(config), H = e.hiddenSize, I = (e.inChannels + (e.coordinates ? 2 : 0)) * e.patch * e.patch;
  return { params: 4 * (5 * H * (I + 2 * H) + 5 * H), width: 4 * H };
}

/**
 * Values an MDLSTMImageEncoder keeps for the backward pass over `batch` images of side × side
 * pixels: per location and direction, the gates' pre-activations, their nonlinearities and the
 * products (about 16 H-wide vectors), and the input projections (5H).
 */
export function mdlstmEncoderActivations(config: MDLSTMImageEncoderConfig, batch: number, side: number): number {
  const e = resolveMDLSTMImageEncoderConfig(config), s = Math.max(1, Math.floor(side / e.patch));
  return batch * s * s * 4 * 21 * e.hiddenSize;
}
