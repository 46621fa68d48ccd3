// Every setting of a character-model training run, with all defaults in one place. These defaults
// are what `unfold train` uses; the quality figures in BENCHMARKS.md are measured with them.

import type { CellType } from './char_model.js';
import { checkLearningRate } from '../optim/learning_rate_limit.js';
import { DEFAULT_MAX_MEMORY } from '../nn/memory_estimate.js';

export interface TrainOptions {
  // model
  /** Recurrent cell. */
  cell: CellType;
  /** Hidden units per layer. */
  hiddenSize: number;
  /** Stacked recurrent layers. */
  numLayers: number;
  /** Character embedding width. */
  embeddingSize: number;
  /** Dropout between layers and before the head. */
  dropout: number;
  /** LSTM forget-gate bias at initialisation. */
  forgetBias: number;
  // data
  /** Steps of backpropagation through time per batch. */
  seqLen: number;
  /** Sequences per batch. */
  batchSize: number;
  /** Fraction of the corpus (at its end) held out for validation. */
  valFraction: number;
  /** Carry the hidden state across consecutive chunks (truncated BPTT) instead of random windows. */
  stateful: boolean;
  // optimisation
  /** Adam's learning rate (peak, when scheduled). */
  lr: number;
  /** 'cosine': decay to lr·minLrRatio over the budget (steps or time); 'constant': no decay. */
  schedule: 'constant' | 'cosine';
  minLrRatio: number;
  /** Linear warm-up steps. */
  warmupSteps: number;
  /** Decoupled weight decay (AdamW); 0 is plain Adam. */
  weightDecay: number;
  /** Adam's decay rates of the gradient's running mean (β1) and running square (β2), as torch's `betas`. */
  beta1: number;
  beta2: number;
  /** Clip the global gradient norm to this (0: off). */
  clip: number;
  // budget: training stops at whichever comes first
  /** Optimizer steps (0: no limit). */
  steps: number;
  /** Seconds of training, not counting evaluation, sampling and saving (0: no limit). */
  time: number;
  // monitoring and saving
  /** Evaluate, sample and save every this many steps (0: at each tenth of the budget). */
  evalEvery: number;
  /** Also save a checkpoint every this many steps (0: only at evaluations and at the end). */
  checkpointEvery: number;
  /** Characters of validation text for the interval evaluations (the final one uses all). */
  evalChars: number;
  /** Characters in the samples shown during and after training. */
  sampleLength: number;
  seed: number;
  /** Threads the kernels split their work over (setThreads); 0: the default (UNFOLD_THREADS, else every core). */
  threads: number;
  // guards: a run past them is refused before anything is allocated
  /** Bytes the run may need by nn/memory_estimate.ts's estimate (default 4 GiB). */
  maxMemory: number;
  /** Most distinct characters the corpus may have (default 65,536): each is a row of the embedding and of the head. */
  maxVocab: number;
}

/** The default vocabulary limit: the Basic Multilingual Plane's worth of symbols. */
export const DEFAULT_MAX_VOCAB = 65536;

export const TRAIN_DEFAULTS: Readonly<TrainOptions> = Object.freeze({
  cell: 'lstm',
  hiddenSize: 256,
  numLayers: 1,
  embeddingSize: 64,
  dropout: 0,
  forgetBias: 1,
  seqLen: 64,
  batchSize: 16,
  valFraction: 0.1,
  stateful: false,
  lr: 8e-3,
  schedule: 'cosine',
  minLrRatio: 0.1,
  warmupSteps: 20,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  clip: 5,
  steps: 0,
  time: 60,
  evalEvery: 0,
  checkpointEvery: 0,
  evalChars: 20000,
  sampleLength: 200,
  seed: 1,
  threads: 0,
  maxMemory: DEFAULT_MAX_MEMORY,
  maxVocab: DEFAULT_MAX_VOCAB,
});

/** Checks every option, naming the one that is wrong and what it should be. */
export function validateOptions(o: TrainOptions): void {
  const int = (name: keyof TrainOptions, min: number): void => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`expected ${name} to be an integer >= ${min}, got ${String(v)}`);
  };
  const num = (name: keyof TrainOptions, lo: number, hi: number, loOpen = false): void => {
    const v = o[name];
    if (typeof v !== 'number' || Number.isNaN(v) || v > hi || v < lo || (loOpen && v === lo)) {
      throw new Error(`expected ${name} in ${loOpen ? '(' : '['}${lo}, ${hi}], got ${String(v)}`);
    }
  };
  if (!['rnn', 'lstm', 'gru'].includes(o.cell)) throw new Error(`expected cell rnn, lstm or gru, got ${String(o.cell)}`);
  if (!['constant', 'cosine'].includes(o.schedule)) throw new Error(`expected schedule constant or cosine, got ${String(o.schedule)}`);
  int('hiddenSize', 1); int('numLayers', 1); int('embeddingSize', 1); int('seqLen', 1); int('batchSize', 1);
  int('warmupSteps', 0); int('steps', 0); int('evalEvery', 0); int('checkpointEvery', 0); int('evalChars', 2); int('sampleLength', 0); int('seed', 0); int('threads', 0); int('maxVocab', 1);
  num('dropout', 0, 0.999); num('valFraction', 0, 0.5, true); checkLearningRate(o.lr, 'lr'); num('minLrRatio', 0, 1);
  num('weightDecay', 0, 1); num('clip', 0, 1e9);
  if (!(o.beta1 >= 0 && o.beta1 < 1)) throw new Error(`expected beta1 in [0, 1), got ${String(o.beta1)}`);
  if (!(o.beta2 >= 0 && o.beta2 < 1)) throw new Error(`expected beta2 in [0, 1), got ${String(o.beta2)}`); num('time', 0, 1e9); num('forgetBias', -100, 100);
  if (!(o.maxMemory > 0 && Number.isFinite(o.maxMemory))) throw new Error(`expected maxMemory to be a number of bytes > 0, got ${String(o.maxMemory)}`);
  if (o.steps === 0 && o.time === 0) throw new Error('expected a budget: steps > 0 or time > 0, got neither');
}
