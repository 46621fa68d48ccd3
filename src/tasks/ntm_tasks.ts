// The neural Turing machine's tasks (Graves et al. 2014, §4.1 and §4.3), as bit-vector sequences
// with a recall phase: copy (write back a sequence of random vectors after a delimiter) and
// associative recall (after a list of items, given one item, produce the item that followed it).
// Trained on short lengths and tested on longer ones too, where a learned copy or lookup procedure
// generalises and a memorised one does not. The metric is bit errors per sequence; a coin-flip
// guess makes half of the recalled bits wrong. The model is the NTM (an LSTM controller) or, as the
// baseline, an LSTM of similar size, each with a sigmoid read-out.

import '../autograd/methods.js';
import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { slice } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import { LSTMCell } from '../nn/cells/lstm_cell.js';
import { NTMCell } from '../nn/memory/ntm_cell.js';
import { Recurrence } from '../nn/wrappers/recurrence.js';
import { bceWithLogits } from '../nn/losses/regression.js';
import { registerClass } from '../nn/registry.js';
import type { Carry } from '../nn/cells/cell.js';
import { Adam } from '../optim/adam.js';
import { fit } from '../train/fit.js';
import { resumableRng } from '../train/fit_state.js';
import { modelCheckpoint, resumeInto } from '../train/fit_state_file.js';
import { existsSync } from 'node:fs';
import { definedOnly } from './defined_only.js';

/** B sequences of one length: inputs [T, B, I] and the recall targets [L_out, B, O] at steps outStart … outStart + L_out − 1. */
export interface BitBatch {
  x: Tensor;
  y: Tensor;
  outStart: number;
}

export interface BitTask {
  name: 'ntm-copy' | 'ntm-recall';
  description: string;
  /** What `length` counts. */
  lengthUnit: string;
  inputSize: number;
  outputSize: number;
  /** Lengths trained on by default (inclusive). */
  trainLengths: [number, number];
  /** Lengths tested by default. */
  testLengths: number[];
  /** Recalled bits per sequence at `length`: a coin flip gets half of them wrong. */
  recalledBits(length: number): number;
  generate(rng: Rng, B: number, length: number): BitBatch;
}

const COPY_BITS = 8;

/**
 * Copy: L random 8-bit vectors (channels 0–7), then a delimiter step (channel 8), then L steps of
 * zeros during which the model writes the vectors back in order. T = 2L + 1.
 */
export const NTM_COPY: BitTask = {
  name: 'ntm-copy', description: 'NTM copy: write back L random 8-bit vectors after a delimiter (bit errors per sequence)',
  lengthUnit: 'vectors', inputSize: COPY_BITS + 1, outputSize: COPY_BITS, trainLengths: [1, 20], testLengths: [10, 20, 40, 60, 100],
  recalledBits: (L) => L * COPY_BITS,
  generate(rng, B, L) {
    checkLength('ntm-copy', L, 1);
    const I = COPY_BITS + 1, x = new Float32Array((2 * L + 1) * B * I), y = new Float32Array(L * B * COPY_BITS);
    for (let t = 0; t < L; t++) {
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < COPY_BITS; k++) {
          const v = rng.random() < 0.5 ? 1 : 0;
          x[(t * B + b) * I + k] = v;
          y[(t * B + b) * COPY_BITS + k] = v;
        }
      }
    }
    for (let b = 0; b < B; b++) x[(L * B + b) * I + COPY_BITS] = 1;
    return { x: new Tensor(x, [2 * L + 1, B, I]), y: new Tensor(y, [L, B, COPY_BITS]), outStart: L + 1 };
  },
};

const RECALL_BITS = 6, ITEM = 3;

/**
 * Associative recall: n items of 3 random 6-bit vectors, each after an item delimiter (channel 6);
 * then a query delimiter (channel 7), one of the first n − 1 items again, a query delimiter, and 3
 * steps of zeros during which the model writes the item that followed the query. T = 4n + 8.
 */
export const NTM_RECALL: BitTask = {
  name: 'ntm-recall', description: 'NTM associative recall: after n items of 3 six-bit vectors and a query item, the item that followed it (bit errors per sequence)',
  lengthUnit: 'items', inputSize: RECALL_BITS + 2, outputSize: RECALL_BITS, trainLengths: [2, 6], testLengths: [6, 10, 12, 15],
  recalledBits: () => ITEM * RECALL_BITS,
  generate(rng, B, n) {
    checkLength('ntm-recall', n, 2);
    const I = RECALL_BITS + 2, T = 4 * n + 8;
    const x = new Float32Array(T * B * I), y = new Float32Array(ITEM * B * RECALL_BITS);
    const put = (t: number, b: number, bits: ArrayLike<number>) => { for (let k = 0; k < RECALL_BITS; k++) x[(t * B + b) * I + k] = bits[k]; };
    for (let b = 0; b < B; b++) {
      const items = Array.from({ length: n }, () => Array.from({ length: ITEM }, () => Array.from({ length: RECALL_BITS }, () => (rng.random() < 0.5 ? 1 : 0))));
      items.forEach((item, i) => {
        x[(4 * i * B + b) * I + RECALL_BITS] = 1;
        item.forEach((v, j) => put(4 * i + 1 + j, b, v));
      });
      const q = rng.int(n - 1), t0 = 4 * n;
      x[(t0 * B + b) * I + RECALL_BITS + 1] = 1;
      items[q].forEach((v, j) => put(t0 + 1 + j, b, v));
      x[((t0 + 4) * B + b) * I + RECALL_BITS + 1] = 1;
      items[q + 1].forEach((v, j) => { for (let k = 0; k < RECALL_BITS; k++) y[(j * B + b) * RECALL_BITS + k] = v[k]; });
    }
    return { x: new Tensor(x, [T, B, I]), y: new Tensor(y, [ITEM, B, RECALL_BITS]), outStart: T - ITEM };
  },
};

export const BIT_TASKS: readonly BitTask[] = [NTM_COPY, NTM_RECALL];

function checkLength(task: string, L: number, min: number): void {
  if (!(Number.isInteger(L) && L >= min)) throw new Error(`${task}: expected a length that is an integer >= ${min}, got ${L}`);
}

export interface BitModelConfig {
  /** 'ntm': an NTM with an LSTM controller; 'lstm': the baseline. */
  model: 'ntm' | 'lstm';
  inputSize: number;
  outputSize: number;
  /** The controller's (or the LSTM's) hidden units. */
  hiddenSize: number;
  /** N and M of the NTM's memory (ignored by the LSTM). */
  memorySize?: number;
  memoryWidth?: number;
}

/**
 * y_t = W_o [h_t, r_t] + b_o (logits of the bits) over an NTM (controller LSTM with hiddenSize
 * units, one read and one write head) or over an LSTM.
 *
 * Inputs: x [T, B, inputSize]. Outputs: logits [T, B, outputSize].
 */
export class BitSequenceModel extends Module {
  readonly config: Required<BitModelConfig>;
  readonly rnn: Recurrence;
  readonly head: Linear;

  constructor(config: BitModelConfig, seed = 0) {
    super();
    this.config = { memorySize: 128, memoryWidth: 20, ...config };
    const { model, inputSize: I, outputSize: O, hiddenSize: H, memorySize: N, memoryWidth: M } = this.config;
    if (model !== 'ntm' && model !== 'lstm') throw new Error(`expected model 'ntm' or 'lstm', got '${String(model)}'`);
    const init = { rng: new Rng(seed) };
    const cell = model === 'ntm'
      ? new NTMCell(new LSTMCell({ inputSize: I + M, hiddenSize: H, forgetBias: 1 }, init), { inputSize: I, memorySize: N, memoryWidth: M }, init)
      : new LSTMCell({ inputSize: I, hiddenSize: H, forgetBias: 1 }, init);
    this.rnn = this.registerModule('rnn', new Recurrence(cell));
    this.head = this.registerModule('head', new Linear({ inFeatures: cell.hiddenSize, outFeatures: O }, init));
  }

  getConfig(): Required<BitModelConfig> {
    return { ...this.config };
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.rnn.forward(x)[0]);
  }

  /**
   * The NTM's read and write weightings at every step for one sequence x [T, 1, I]: [T][N] each
   * (where the heads looked, as the NTM paper draws them). Null for the LSTM.
   */
  weightings(x: Tensor): { read: number[][]; write: number[][] } | null {
    const cell = this.rnn.cell;
    if (!(cell instanceof NTMCell)) return null;
    return noGrad(() => {
      let carry: Carry = cell.initCarry(1);
      const read: number[][] = [], write: number[][] = [];
      for (let t = 0; t < x.shape[0]; t++) {
        carry = cell.step(x.select(0, t), carry);
        read.push(cell.weightingsOf(carry, 'read').toArray());
        write.push(cell.weightingsOf(carry, 'write').toArray());
      }
      return { read, write };
    });
  }
}

registerClass('tasks.BitSequenceModel', BitSequenceModel, (config) => new BitSequenceModel(config));

/** Σ bits where the read-out (logit > 0) differs from the target, over the recall phase, per sequence. */
export function bitErrors(task: BitTask, model: BitSequenceModel, batch: BitBatch): number {
  const logits = noGrad(() => recallLogits(model, batch)).dataSync(), target = batch.y.dataSync();
  let wrong = 0;
  for (let i = 0; i < target.length; i++) if ((logits[i] > 0 ? 1 : 0) !== target[i]) wrong++;
  return wrong / batch.x.shape[1];
}

function recallLogits(model: BitSequenceModel, batch: BitBatch): Tensor {
  return slice(model.forward(batch.x), 0, batch.outStart, batch.outStart + batch.y.shape[0]);
}

export interface BitTaskOptions {
  model: 'ntm' | 'lstm';
  /** Lengths trained on (inclusive; each batch draws one). */
  trainLengths?: [number, number];
  /** Lengths tested after training. */
  testLengths?: number[];
  hiddenSize?: number;
  memorySize?: number;
  memoryWidth?: number;
  lr?: number;
  batchSize?: number;
  /** Training budget: steps and seconds (at least one > 0). */
  steps?: number;
  time?: number;
  /** Fresh test sequences per test length. */
  testSize?: number;
  clip?: number;
  seed?: number;
  shouldStop?: () => boolean;
  onEval?(info: { step: number; loss: number; errors: number; elapsed: number }): void;
  /** Save the model here as training goes (with its resume state beside it); with `resume`, continue from it. */
  checkpoint?: string;
  resume?: boolean;
}

export interface BitTaskResult {
  /** Bit errors per sequence at each test length. */
  errors: { length: number; value: number; baseline: number }[];
  steps: number;
  trainSeconds: number;
  model: BitSequenceModel;
  /** Training stopped at shouldStop (Ctrl-C): the model is saved where `checkpoint` said, and not tested further. */
  interrupted: boolean;
}

/** The defaults of runBitTask (Graves et al. used a 100-unit controller, N = 128, M = 20). */
export const BIT_TASK_DEFAULTS = { hiddenSize: 100, memorySize: 128, memoryWidth: 20, lr: 3e-3, batchSize: 16, steps: 20000, time: 540, testSize: 100, clip: 10 } as const;

/** Trains a fresh model on `task` and measures bit errors per sequence at the test lengths. */
export async function runBitTask(task: BitTask, o: BitTaskOptions): Promise<BitTaskResult> {
  const s = { ...BIT_TASK_DEFAULTS, trainLengths: task.trainLengths, testLengths: task.testLengths, seed: 0, ...definedOnly(o) };
  const [lo, hi] = s.trainLengths;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi >= lo)) throw new Error(`expected training lengths a-b with 1 <= a <= b, got ${lo}-${hi}`);
  const model = new BitSequenceModel({
    model: o.model, inputSize: task.inputSize, outputSize: task.outputSize, hiddenSize: s.hiddenSize, memorySize: s.memorySize, memoryWidth: s.memoryWidth,
  }, s.seed);
  const trainRng = new Rng(s.seed * 3 + 1), valRng = new Rng(s.seed * 3 + 2), testRng = new Rng(s.seed * 3 + 3);
  const valBatch = task.generate(valRng, 32, hi);
  let recent = 0;
  const res = await fit({
    model, optimizer: new Adam(model.parameters(), { lr: s.lr }), clip: s.clip, steps: s.steps, seconds: s.time, lossWindow: 50,
    data: () => task.generate(trainRng, s.batchSize, lo + trainRng.int(hi - lo + 1)),
    loss: (b) => bceWithLogits(recallLogits(model, b), b.y),
    evaluate: () => ({ errors: bitErrors(task, model, valBatch) }),
    resumables: { data: resumableRng(trainRng) },
    checkpoint: o.checkpoint === undefined ? undefined : modelCheckpoint(o.checkpoint, model),
    resume: o.checkpoint !== undefined && o.resume && existsSync(o.checkpoint) ? resumeInto(o.checkpoint, model) : null,
    callbacks: {
      shouldStop: o.shouldStop,
      onStep: ({ loss }) => { recent = loss; },
      onEval: ({ step, elapsed, metrics }) => o.onEval?.({ step, loss: recent, errors: metrics.errors, elapsed }),
    },
  });
  if (res.stopped === 'interrupted') return { errors: [], steps: res.steps, trainSeconds: res.elapsed, model, interrupted: true };
  const errors = s.testLengths.map((length) => {
    let total = 0, done = 0;
    while (done < s.testSize) {
      const n = Math.min(s.batchSize, s.testSize - done);
      total += bitErrors(task, model, task.generate(testRng, n, length)) * n;
      done += n;
    }
    return { length, value: total / s.testSize, baseline: task.recalledBits(length) / 2 };
  });
  return { errors, steps: res.steps, trainSeconds: res.elapsed, model, interrupted: false };
}
