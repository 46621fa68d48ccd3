// The deep-RNN comparison of `unfold tasks deep-lm`: character language models whose recurrent part
// is made deep in different ways (deep transition, deep output, recurrent highway, highway stack;
// ./deep_char_model.ts) against the plain stacked LSTM, each with the baseline's parameter count
// (hidden sizes matched) and the same seconds of training, scored in nats/char on the corpus's
// validation split. Training is the character model's: random windows, AdamW, global-norm
// clipping, warm-up and cosine decay over the time budget, one fit() loop per model.

import { Rng } from '../tensor/random.js';
import { Vocab } from '../data/vocab.js';
import { splitTrainVal } from '../data/split.js';
import { RandomWindowSampler } from '../data/batches.js';
import { AdamW } from '../optim/adamw.js';
import { BudgetCosine } from '../optim/schedules.js';
import { fit } from '../train/fit.js';
import { forwardBackward } from '../train/train_step.js';
import { evaluate } from '../train/evaluate.js';
import { TRAIN_DEFAULTS } from '../train/options.js';
import { definedOnly } from './defined_only.js';
import { DEEP_KINDS, DeepCharModel, matchHiddenSize, type DeepCharModelConfig, type DeepKind } from './deep_char_model.js';

export interface DeepLmOptions {
  /** The models to train, in order (default all); each gets the parameter count of the lstm of hiddenSize. */
  kinds: readonly DeepKind[];
  /** Hidden units per layer of the baseline stacked LSTM; the others are sized to its parameter count. */
  hiddenSize: number;
  /** Layers of the lstm and highway stacks. */
  layers: number;
  /** Transition depth (dt), recurrence depth (rhn), hidden layers of the output MLP (do). */
  depth: number;
  embeddingSize: number;
  dropout: number;
  seqLen: number;
  batchSize: number;
  lr: number;
  /** Training steps per model at most (0: no limit). */
  steps: number;
  /** Seconds of training per model at most (0: no limit). */
  time: number;
  /** Validation characters scored (0: the whole validation split). */
  evalChars: number;
  seed: number;
}

export const DEEP_LM_DEFAULTS: Readonly<DeepLmOptions> = Object.freeze({
  kinds: DEEP_KINDS, hiddenSize: 128, layers: 2, depth: 2, embeddingSize: 64, dropout: 0, seqLen: 64, batchSize: 16,
  lr: 4e-3, steps: 0, time: 600, evalChars: 0, seed: 0,
});

export interface DeepLmResult {
  kind: DeepKind;
  hiddenSize: number;
  parameters: number;
  steps: number;
  /** Seconds of training (evaluation excluded). */
  seconds: number;
  tokensPerSec: number;
  /** Mean training loss over the last steps (nats/char). */
  trainLoss: number;
  /** Validation loss (nats/char). */
  valLoss: number;
}

export interface DeepLmHooks {
  /** A model is about to train. */
  onModel?(info: { kind: DeepKind; hiddenSize: number; parameters: number }): void;
  /** Polled every step; true ends the current model's training (the rest are skipped). */
  shouldStop?(): boolean;
}

/** Trains and scores every kind on `text` (prepared corpus text); one result per model trained. */
export async function runDeepLm(text: string, options: Partial<DeepLmOptions> = {}, hooks: DeepLmHooks = {}): Promise<DeepLmResult[]> {
  const o: DeepLmOptions = { ...DEEP_LM_DEFAULTS, ...definedOnly(options) };
  if (o.steps === 0 && o.time === 0) throw new Error('expected a budget: steps > 0 or time > 0, got neither');
  const vocab = Vocab.fromText(text);
  const ids = vocab.encode(text);
  const { train, val } = splitTrainVal(ids, TRAIN_DEFAULTS.valFraction, { minLength: o.seqLen + 1 });
  const base = { vocabSize: vocab.size, embeddingSize: o.embeddingSize, layers: o.layers, depth: o.depth, dropout: o.dropout };
  const target = new DeepCharModel({ ...base, kind: 'lstm', hiddenSize: o.hiddenSize }, { rng: new Rng(o.seed) }).numParameters();
  const results: DeepLmResult[] = [];
  for (const kind of o.kinds) {
    if (hooks.shouldStop?.()) break;
    const config: DeepCharModelConfig = { ...base, kind, hiddenSize: kind === 'lstm' ? o.hiddenSize : matchHiddenSize({ ...base, kind }, target) };
    const model = new DeepCharModel(config, { rng: new Rng(o.seed) });
    model.rng = new Rng(o.seed + 2);
    hooks.onModel?.({ kind, hiddenSize: config.hiddenSize, parameters: model.numParameters() });
    const sampler = new RandomWindowSampler(train, { batchSize: o.batchSize, seqLen: o.seqLen, rng: new Rng(o.seed + 1) });
    const d = TRAIN_DEFAULTS;
    const opt = new AdamW(model.parameters(), { lr: o.lr, weightDecay: d.weightDecay, betas: [d.beta1, d.beta2] });
    const res = await fit({
      model, optimizer: opt, scheduler: new BudgetCosine(opt, { warmupSteps: d.warmupSteps, minLr: o.lr * d.minLrRatio }),
      clip: d.clip, steps: o.steps, seconds: o.time,
      data: () => sampler.next(),
      trainStep: (b) => forwardBackward(model, b.inputs, b.targets, o.batchSize, o.seqLen).loss,
      unitsOf: () => o.batchSize * o.seqLen,
      callbacks: { shouldStop: hooks.shouldStop },
    });
    const valLoss = evaluate(model, val, o.evalChars > 0 ? { maxChars: o.evalChars } : {});
    results.push({
      kind, hiddenSize: config.hiddenSize, parameters: model.numParameters(), steps: res.steps, seconds: res.elapsed,
      tokensPerSec: res.tokensPerSec, trainLoss: res.loss, valLoss,
    });
  }
  return results;
}
