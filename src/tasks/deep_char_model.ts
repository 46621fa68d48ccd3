// The character language models that `unfold tasks deep-lm` compares: embedding → recurrent body →
// head, where the body and head are one of the ways of making a recurrent net deep (Pascanu et al.
// 2014; Zilly et al. 2017) or the plain stacked LSTM they are measured against. Every kind has the
// same interface as CharModel (ids [B, T] → logits, carried state), so the one training step and
// evaluation of src/train serve them all.

import { Tensor } from '../tensor/tensor.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { LSTM } from '../nn/layers/lstm.js';
import { DeepOutput } from '../nn/layers/deep_output.js';
import { dropout } from '../nn/layers/dropout.js';
import { DeepTransitionCell } from '../nn/cells/deep_transition_cell.js';
import { RecurrentHighwayCell } from '../nn/cells/highway_cell.js';
import { Recurrence } from '../nn/wrappers/recurrence.js';
import { StackedRNN } from '../nn/wrappers/stacked_rnn.js';
import type { InitOptions } from '../nn/init.js';
import { Rng } from '../tensor/random.js';
import { registerClass } from '../nn/registry.js';
import { MAX_LAYERS, checkChoice, checkPositiveInteger } from '../nn/config_check.js';
import { describeValue } from '../tensor/describe_value.js';
import type { CharPredictor, CharPredictorState } from '../train/char_predictor.js';

/**
 * lstm: a stacked LSTM of `layers` layers (the baseline); highway: the same stack with highway
 * connections around layers 1 … layers − 1; dt: one DT(S)-RNN layer whose transition has `depth`
 * layers; rhn: one recurrent highway layer of recurrence depth `depth`; do: one LSTM layer under a
 * deep output head with `depth` hidden layers of width hiddenSize.
 */
export type DeepKind = 'lstm' | 'highway' | 'dt' | 'rhn' | 'do';
export const DEEP_KINDS: readonly DeepKind[] = ['lstm', 'highway', 'dt', 'rhn', 'do'];

export interface DeepCharModelConfig {
  vocabSize: number;
  embeddingSize: number;
  kind: DeepKind;
  hiddenSize: number;
  /** Stacked layers of the lstm and highway kinds. */
  layers: number;
  /** Transition depth (dt), recurrence depth (rhn) or hidden layers of the output MLP (do). */
  depth: number;
  /** Dropout between stacked layers and before the head, in training. */
  dropout: number;
}

/**
 * logits = head(dropout(body(embedding(ids)))).
 *
 * Inputs: ids [B, T]; optional state (what the previous call returned).
 * Outputs: [logits [B, T, vocabSize], the body's final carry, laid end to end].
 * Parameters: embedding.weight, body.… (the body's own names), head.… .
 */
export class DeepCharModel extends Module implements CharPredictor {
  readonly config: DeepCharModelConfig;
  readonly embedding: Embedding;
  readonly body: LSTM | StackedRNN | Recurrence;
  readonly head: Linear | DeepOutput;
  /** Generator of dropout masks (default: the global one). */
  rng?: Rng;

  constructor(config: DeepCharModelConfig, init: InitOptions = {}) {
    super();
    checkDeepConfig(config);
    this.config = { ...config };
    const { vocabSize: V, embeddingSize: E, hiddenSize: H, kind, layers, depth } = config;
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: V, embeddingDim: E }, init));
    const lstm = (inputSize: number, numLayers: number): LSTM => new LSTM({ inputSize, hiddenSize: H, numLayers, batchFirst: true, dropout: config.dropout }, init);
    this.body = this.registerModule('body',
      kind === 'lstm' ? lstm(E, layers)
        : kind === 'do' ? lstm(E, 1)
          : kind === 'highway' ? new StackedRNN(Array.from({ length: layers }, (_, l) => lstm(l === 0 ? E : H, 1)),
            { highway: Array.from({ length: layers - 1 }, (_, l) => l + 1), batchFirst: true, dropout: config.dropout }, undefined, init)
            : new Recurrence(kind === 'dt'
              ? new DeepTransitionCell({ inputSize: E, hiddenSize: H, depth, shortcut: depth >= 2 }, init)
              : new RecurrentHighwayCell({ inputSize: E, hiddenSize: H, depth }, init), { batchFirst: true }));
    this.head = this.registerModule('head', kind === 'do'
      ? new DeepOutput({ inputSize: H, outputSize: V, hiddenSizes: Array.from({ length: depth }, () => H) }, init)
      : new Linear({ inFeatures: H, outFeatures: V }, init));
  }

  getConfig(): DeepCharModelConfig {
    const c = this.config;
    return { vocabSize: c.vocabSize, embeddingSize: c.embeddingSize, kind: c.kind, hiddenSize: c.hiddenSize, layers: c.layers, depth: c.depth, dropout: c.dropout };
  }

  forward(ids: IndexTensor, state?: CharPredictorState | null): [Tensor, CharPredictorState] {
    // An LSTM body sees the embedding lookup and folds its input product into the table (RecurrentLayer.run).
    const x = this.embedding.forward(ids); // [B, T, E]
    let out: Tensor, next: CharPredictorState;
    const body = this.body;
    if (body instanceof LSTM) {
      body.rng = this.rng;
      const [o, [h, c]] = body.forward(x, state ? [state[0], state[1]] : null);
      out = o; next = [h, c];
    } else if (body instanceof StackedRNN) {
      body.rng = this.rng;
      for (const l of body.layers) (l as LSTM).rng = this.rng;
      const perLayer = state ? body.layers.map((_, l) => state.slice(2 * l, 2 * l + 2)) : null;
      const [o, carries] = body.forward(x, perLayer);
      out = o; next = carries.flat();
    } else {
      const [o, carry] = body.forward(x, state ?? null);
      out = o; next = carry;
    }
    out = dropout(out, this.config.dropout, this.training, this.rng);
    return [this.head.forward(out), next];
  }
}

function checkDeepConfig(c: DeepCharModelConfig): void {
  checkChoice('kind', c.kind, DEEP_KINDS);
  checkPositiveInteger('vocabSize', c.vocabSize);
  checkPositiveInteger('embeddingSize', c.embeddingSize);
  checkPositiveInteger('hiddenSize', c.hiddenSize);
  checkPositiveInteger('layers', c.layers, '', MAX_LAYERS);
  checkPositiveInteger('depth', c.depth, '', MAX_LAYERS);
  if (c.kind === 'highway' && c.layers < 2) throw new Error(`expected layers >= 2 for a highway stack (the first layer changes size), got ${c.layers}`);
  if (typeof c.dropout !== 'number' || !(c.dropout >= 0 && c.dropout < 1)) throw new Error(`expected dropout in [0, 1), got ${describeValue(c.dropout)}`);
}

registerClass('tasks.DeepCharModel', DeepCharModel, (config, init) => new DeepCharModel(config, init));

/**
 * The hidden size at which a model of `kind` has the parameter count closest to `target` (the
 * smaller one on a tie), by doubling then bisection: the count grows with the hidden size.
 */
export function matchHiddenSize(base: Omit<DeepCharModelConfig, 'hiddenSize'>, target: number): number {
  // Own generator: counting must not draw from the global one that other code's masks use.
  const count = (H: number): number => new DeepCharModel({ ...base, hiddenSize: H }, { rng: new Rng(0) }).numParameters();
  let lo = 1, hi = 2;
  while (count(hi) < target) { lo = hi; hi *= 2; }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (count(mid) < target) lo = mid; else hi = mid;
  }
  return Math.abs(count(lo) - target) <= Math.abs(count(hi) - target) ? lo : hi;
}
