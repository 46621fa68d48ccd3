// Generating text from a character model: feed a priming text, then draw one character at a time
// from softmax(logits / temperature), optionally restricted to the k most likely (top-k).
// Temperature 0 means greedy decoding (always the most likely character).

import { noGrad } from '../autograd/grad_mode.js';
import { indices } from '../autograd/ops/gather.js';
import { defaultRng, type Rng } from '../tensor/random.js';
import type { Vocab } from '../data/vocab.js';
import type { CharModel, CharModelState } from './char_model.js';
import { LSTM } from '../nn/layers/lstm.js';
import { checkChooseOptions, chooseSymbol, type ChooseOptions } from '../nn/seq/choose_symbol.js';
import { getBackend } from '../backend/backend.js';
import { wasmModule } from '../backend/wasm/module.js';
import { LstmStackStepper, type LstmStackWeights } from './lstm_stack_stepper.js';
import { SplitLstmStackStepper } from './split_sampler/lstm_split_step.js';
import { OneThreadLstmStackStepper } from './split_sampler/lstm_one_thread_step.js';

/** Feeds one token id at a time at batch 1 and returns the logits [V] for the next one. */
export interface CharStepper {
  /** 'fused': the LSTM stack stepped by the backend's kernels without autograd; 'generic': model.forward one token at a time. */
  readonly path: 'fused' | 'generic';
  /** Threads the steps run on. */
  readonly threads: number;
  step(id: number): ArrayLike<number>;
  /** Releases what the stepper holds (a worker thread); it cannot step afterwards. */
  close(): Promise<void>;
}

export interface CharStepperOptions {
  /**
   * Threads for the fast path (default 1): 2 cuts every layer's hidden units between this thread and
   * a worker (Node only), which pays for long generations of large models; starting the worker takes
   * a fraction of a second.
   */
  threads?: number;
}

/**
 * A stepper over `model` (call in eval mode, under noGrad): float32 LSTM models get the fast path
 * (the backend's kernels with no autograd and nothing allocated per step; on wasm the weights stay
 * in WebAssembly memory; the same numbers to float32 rounding); anything else steps model.forward
 * with the state carried. The weights are read once: a stepper must not outlive a change of them.
 */
export function charStepper(model: CharModel, options: CharStepperOptions = {}): CharStepper {
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`expected threads to be a positive integer, got ${String(threads)}`);
  const fast = lstmStepper(model, threads);
  if (fast !== null) return fast;
  let state: CharModelState | null = null;
  return {
    path: 'generic',
    threads: 1,
    close: async () => {},
    step(id: number): ArrayLike<number> {
      const [logits, next] = model.forward(indices([id], [1, 1]), state);
      state = next;
      return logits.dataSync();
    },
  };
}

function lstmStepper(model: CharModel, threads: number): CharStepper | null {
  const rnn = model.rnn;
  if (!(rnn instanceof LSTM)) return null;
  const d = model.stateDict();
  const f32 = (name: string): Float32Array | null => {
    const t = d[name];
    if (t === undefined) return null;
    const v = t.dataSync();
    return v instanceof Float32Array ? v : null;
  };
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, numLayers } = model.config;
  const embedding = f32('embedding.weight'), headWeight = f32('head.weight');
  if (embedding === null || headWeight === null || d['rnn.weight_ih_l0_reverse'] !== undefined) return null;
  const layers = [];
  for (let l = 0; l < numLayers; l++) {
    const weightIh = f32(`rnn.weight_ih_l${l}`), weightHh = f32(`rnn.weight_hh_l${l}`);
    if (weightIh === null || weightHh === null) return null;
    layers.push({ weightIh, weightHh, biasIh: f32(`rnn.bias_ih_l${l}`), biasHh: f32(`rnn.bias_hh_l${l}`) });
  }
  const weights: LstmStackWeights = { embedding, layers, headWeight, headBias: f32('head.bias'), V, E, H };
  const e = getBackend().name === 'wasm' ? wasmModule() : null;
  const split = threads >= 2 && e !== null ? SplitLstmStackStepper.create(e, weights) : null;
  if (split !== null) return { path: 'fused', threads: 2, step: (id) => split.step(id), close: () => split.close() };
  if (e !== null) {
    const one = new OneThreadLstmStackStepper(e, weights);
    return { path: 'fused', threads: 1, step: (id) => one.step(id), close: async () => {} };
  }
  const stepper = new LstmStackStepper(weights);
  return { path: 'fused', threads: 1, step: (id) => stepper.step(id), close: async () => {} };
}

export interface SampleOptions {
  /** Text fed first (default: a newline); the sample continues it. */
  prime?: string;
  /** Characters to generate (default 200). */
  length?: number;
  /** Softmax temperature; 0 is greedy (default 1). */
  temperature?: number;
  /** Draw only among the k most likely characters (default: all). */
  topK?: number;
  rng?: Rng;
  /** Threads for stepping the model (see CharStepperOptions; default 1). */
  threads?: number;
}

/** Returns the generated continuation (without the prime). */
export function sample(model: CharModel, vocab: Vocab, options: SampleOptions = {}): string {
  const { length, choice, prime } = samplingPlan(options);
  return model.inEvalMode(() => noGrad(() => {
    const stepper = charStepper(model, { threads: options.threads });
    try {
      const loop = samplingLoop(vocab.encode(prime), length, choice);
      let r = loop.next();
      while (!r.done) r = loop.next(stepper.step(r.value));
      return vocab.decode(r.value);
    } finally {
      void stepper.close();
    }
  }));
}

/**
 * sample() where the backend reads back only asynchronously (WebGPU): model.forward one token at a
 * time with the state carried, each step's logits awaited (one round trip per character). On other
 * backends it is sample().
 */
export async function sampleAsync(model: CharModel, vocab: Vocab, options: SampleOptions = {}): Promise<string> {
  if (!getBackend().asyncReadback) return sample(model, vocab, options);
  const { length, choice, prime } = samplingPlan(options);
  return model.inEvalMode(async () => {
    let state: CharModelState | null = null;
    const loop = samplingLoop(vocab.encode(prime), length, choice);
    let r = loop.next();
    while (!r.done) {
      const id = r.value;
      const logits = noGrad(() => {
        const [l, next] = model.forward(indices([id], [1, 1]), state);
        state = next;
        return l;
      });
      r = loop.next(await logits.read());
    }
    return vocab.decode(r.value);
  });
}

// The checked options of a sampling run.
function samplingPlan(options: SampleOptions): { length: number; choice: ChooseOptions; prime: string } {
  const length = options.length ?? 200;
  const temperature = options.temperature ?? 1;
  const topK = options.topK;
  if (!(Number.isInteger(length) && length >= 0)) throw new Error(`expected a non-negative integer length, got ${length}`);
  checkChooseOptions({ temperature, topK });
  const prime = options.prime === undefined || options.prime === '' ? '\n' : options.prime;
  return { length, choice: { choose: 'sample', temperature, topK, rng: options.rng ?? defaultRng() }, prime };
}

// The sampling loop, whatever steps the model: yields each id to feed, takes the logits that follow
// it, and returns the ids drawn.
function* samplingLoop(primeIds: ArrayLike<number>, length: number, choice: ChooseOptions): Generator<number, number[], ArrayLike<number>> {
  let last: ArrayLike<number> = [];
  for (let i = 0; i < primeIds.length; i++) last = yield primeIds[i];
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const id = chooseSymbol(last, 0, last.length, choice, i + 1);
    out.push(id);
    if (i + 1 < length) last = yield id;
  }
  return out;
}
