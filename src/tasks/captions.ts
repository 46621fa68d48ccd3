// The captions experiment behind `unfold tasks captions`: train a CNN encoder + word-level decoder
// on generated shapes images (a fresh seeded batch every step) for a time or step budget, then
// caption held-out images never seen in training and score exact-caption accuracy and BLEU-1…4,
// with attention over the encoder's grid or without (the same model otherwise).

import { existsSync } from 'node:fs';
import { Tensor } from '../tensor/tensor.js';
import { modelCheckpoint, resumeInto } from '../train/fit_state_file.js';
import { Rng } from '../tensor/random.js';
import { CaptionModel, captionImages, type CaptionModelConfig } from '../seq2seq/caption_model.js';
import { trainCaptionModel, type CaptionBatch, type DecoderTrainCallbacks } from '../train/decoder_trainer.js';
import { targetBatch } from '../seq2seq/batch.js';
import type { SamplingSchedule } from '../nn/seq/scheduled_sampling.js';
import { corpusBleu } from '../metrics/bleu.js';
import { exactMatchAccuracy } from '../metrics/exact_match.js';
import {
  captionVocab, decodeCaption, encodeCaption, shapesDataset, shapesImageSize, tokenizeCaption, type ShapesDataset, type ShapesImageConfig,
} from './shapes_images.js';
import { checkMemory } from '../nn/memory_estimate.js';
import { captionTrainingMemory } from '../seq2seq/seq2seq_memory.js';
import type { Vocab } from '../data/vocab.js';

export interface CaptionsOptions {
  attention: 'additive' | 'general' | 'dot' | 'none';
  cell?: CaptionModelConfig['cell'];
  hiddenSize?: number;
  embeddingSize?: number;
  /** Output channels of the encoder's conv blocks (default [16, 32, 32]: a 3×3 grid of 24×24 images). */
  channels?: number[];
  /** Where the pooled image vector enters the decoder (default 'both': initial state and every step's input). */
  context?: CaptionModelConfig['context'];
  batchSize?: number;
  /** Training seconds (0: none; default 0 when steps is given). */
  time?: number;
  steps?: number;
  lr?: number;
  teacherForcing?: SamplingSchedule;
  /** Held-out images scored at the end (default 500). */
  testSize?: number;
  /** The images (default: 24×24, 1 to 3 shapes). */
  data?: ShapesImageConfig;
  /** Seed of the model, the held-out set and the training stream. */
  seed?: number;
  /** Beam width at test time (0: greedy, default). */
  beamWidth?: number;
  callbacks?: DecoderTrainCallbacks;
  /** Save the model here (with what resumes its training), at each tenth of the budget and at the end. */
  checkpoint?: string;
  /** Continue the training saved at `checkpoint`, when there is one. */
  resume?: boolean;
  /** Refuse a run estimated (seq2seq/seq2seq_memory.ts) to need more bytes than this (default 4 GiB). */
  maxMemory?: number;
}

export interface CaptionsScores {
  /** Fraction of held-out captions produced exactly. */
  exactMatch: number;
  /** Corpus BLEU-1 … BLEU-4 against the one reference caption per image. */
  bleu: number[];
  /** Exact match among images with 1, 2 and 3 shapes (NaN where there are none). */
  byShapes: number[];
}

export interface CaptionsResult extends CaptionsScores {
  /** Whether callbacks.shouldStop ended the training before its budget (the model is as far as it got). */
  interrupted: boolean;
  steps: number;
  trainSeconds: number;
  loss: number;
  firstLoss: number;
  parameters: number;
  examples: { reference: string; output: string }[];
  /** The trained model and what it was tested on (for attention maps). */
  model: CaptionModel;
  heldOut: ShapesDataset;
}

/** The batch of images `data` with its captions as decoder input and output. */
export function captionBatch(data: ShapesDataset, vocab: Vocab): CaptionBatch {
  return { images: data.images, tgt: targetBatch(data.captions.map((c) => encodeCaption(vocab, c))) };
}

/** The seed of the held-out images of a run (far from the training stream's seeds). */
export function heldOutSeed(seed: number): number {
  return 1_000_003 + seed;
}

/** Scores captions (word ids, without EOS) against the references. */
export function scoreCaptions(outputs: readonly (readonly number[])[], data: ShapesDataset, vocab: Vocab): CaptionsScores {
  const hyp = outputs.map((ids) => vocab.decodeSymbols(ids));
  const ref = data.captions.map((c) => tokenizeCaption(c));
  const byShapes = [1, 2, 3].map((n) => {
    const idx = data.shapes.map((s, i) => (s.length === n ? i : -1)).filter((i) => i >= 0);
    return idx.length ? exactMatchAccuracy(idx.map((i) => hyp[i]), idx.map((i) => ref[i])) : NaN;
  });
  return { exactMatch: exactMatchAccuracy(hyp, ref), bleu: corpusBleu(hyp, ref.map((r) => [r])).scores, byShapes };
}

/** The config of a run's caption model. */
function captionsConfig(o: CaptionsOptions, vocab: Vocab): CaptionModelConfig {
  return {
    vocabSize: vocab.size, embeddingSize: o.embeddingSize ?? 32, hiddenSize: o.hiddenSize ?? 96, cell: o.cell ?? 'lstm',
    attention: o.attention, context: o.context ?? 'both',
    encoder: { channels: o.channels ?? [16, 32, 32] },
  };
}

/** Builds the caption model of a run. */
export function captionsModel(o: CaptionsOptions, vocab: Vocab): CaptionModel {
  return new CaptionModel(captionsConfig(o, vocab), { rng: new Rng(o.seed ?? 0) });
}

/** Words of the longest caption the grammar writes ("a red square , a blue circle and a green triangle"). */
export const LONGEST_CAPTION = 12;

export async function runCaptions(o: CaptionsOptions): Promise<CaptionsResult> {
  const seed = o.seed ?? 0, testSize = o.testSize ?? 500, B = o.batchSize ?? 32;
  const vocab = captionVocab();
  checkMemory(captionTrainingMemory(captionsConfig(o, vocab), B, shapesImageSize(o.data), LONGEST_CAPTION, testSize), o.maxMemory);
  const heldOut = shapesDataset(testSize, heldOutSeed(seed), o.data);
  const model = captionsModel(o, vocab);
  // A fresh batch of images every step; seeds below the held-out seed range's start.
  const res = await trainCaptionModel(model, (step) => captionBatch(shapesDataset(B, (seed + 1) * 7919 + step * 2 + 1, o.data), vocab), {
    steps: o.steps, time: o.time, lr: o.lr ?? 3e-3, teacherForcing: o.teacherForcing, seed,
    checkpoint: o.checkpoint === undefined ? undefined : modelCheckpoint(o.checkpoint, model, { target: vocab }),
    resume: o.checkpoint !== undefined && o.resume && existsSync(o.checkpoint) ? resumeInto(o.checkpoint, model) : null,
  }, o.callbacks);
  const outputs = captionImages(model, heldOut.images, { beamWidth: o.beamWidth ?? 0, maxLength: 20, batchSize: 100 }).map((h) => h.tokens);
  const scores = scoreCaptions(outputs, heldOut, vocab);
  return {
    ...scores,
    steps: res.steps, trainSeconds: res.elapsed, loss: res.loss, firstLoss: res.firstLoss, parameters: model.numParameters(), interrupted: res.stopped === 'interrupted',
    examples: heldOut.captions.slice(0, 5).map((reference, i) => ({ reference, output: decodeCaption(vocab, outputs[i]) })),
    model, heldOut,
  };
}

/** The first `n` images of a data set as their own [n, 3, H, W] tensor. */
export function firstImages(data: ShapesDataset, n: number): Tensor {
  const [N, ...rest] = data.images.shape;
  const k = Math.min(n, N), per = rest.reduce((a, d) => a * d, 1);
  return new Tensor(data.images.data.slice(0, k * per), [k, ...rest]);
}
