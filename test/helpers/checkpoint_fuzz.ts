// The checkpoint fuzzer: small models of every family saved as checkpoints (the seeds), damaged by
// checkpoint_mutations.ts, and read back by the one reader (deserializeCheckpoint). Each case ends
// in one of four ways:
//   refused   an Error whose message says "expected … got …" (and no V8 internal anywhere in its
//             causes: no TypeError, RangeError, "Cannot read properties", stack overflow);
//   accepted  a model whose weights are all finite and are exactly the file's tensors (names,
//             shapes, values after conversion to the model's dtype), whose vocabularies fit it, and
//             whose forward pass runs to finite outputs, from a file that was not a known poison;
//   silent    accepted, but one of those does not hold (a NaN loaded, a known lie accepted);
//   crash     anything else thrown.
// The time and the growth of memory (resident set, array buffers) of every case are recorded.
// test/train/checkpoint_fuzz.test.ts runs a fast slice; scripts/fuzz_checkpoints.mjs the long run.

import { performance } from 'node:perf_hooks';
import { Rng } from '../../src/tensor/random.js';
import { describeNonFinite, findNonFinite } from '../../src/tensor/finite.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import type { Module } from '../../src/nn/module.js';
import { SEQUENCE_SPECIALS, Vocab } from '../../src/data/vocab.js';
import { CharModel } from '../../src/train/char_model.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { CaptionModel } from '../../src/seq2seq/caption_model.js';
import { deserializeCheckpoint, serializeCheckpoint, type Checkpoint } from '../../src/train/checkpoint.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { Embedding, GRU, LSTM, Linear, serializeModule } from '../../src/nn/index.js';
import { RecurrentModel } from '../../src/interop/recurrent_model.js';
import { KerasSequential } from '../../src/interop/keras/keras_sequential.js';
import { ZOO, type ZooCase } from '../nn/model_zoo.js';
import { mutate, type Mutated } from './checkpoint_mutations.js';

const letters = (n: number): string[] => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));
const words = (n: number): string[] => Array.from({ length: n }, (_, i) => `w${i}`);

/** Vocabularies of the sizes a model was built for (the reader checks them), under the names it expects. */
export function vocabsFor(m: Module): Record<string, Vocab> {
  if (m instanceof CharModel) return { text: new Vocab(letters(m.config.vocabSize - 1)) };
  if (m instanceof Seq2Seq) {
    return {
      source: new Vocab(letters(m.config.srcVocabSize - 4), { specials: SEQUENCE_SPECIALS }),
      target: new Vocab(letters(m.config.tgtVocabSize - 4), { specials: SEQUENCE_SPECIALS }),
    };
  }
  if (m instanceof CaptionModel) return { target: new Vocab(words(m.config.vocabSize - 3), { unit: 'word', specials: ['pad', 'bos', 'eos'] }) };
  return {};
}

/** A valid checkpoint to damage, and how to run the model it holds. */
export interface FuzzSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly zoo: ZooCase;
}

// Character models of the three cells besides the zoo's (a GRU), for the `unfold sample/eval` path.
const CHAR_CASES: ZooCase[] = (['lstm', 'rnn'] as const).map((cell) => ({
  ...ZOO.find((c) => c.className === 'train.CharModel')!,
  build: (rng: Rng) => new CharModel({ vocabSize: 7, cell, hiddenSize: 4, numLayers: 2, embeddingSize: 3, dropout: 0.1 }, { rng }),
}));

const ids = (rng: Rng, V: number, ...shape: number[]) => ({ data: Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(V)), shape });
const evaluated = (m: Module, f: () => Tensor[]): ArrayLike<number>[] => { m.eval(); return noGrad(f).map((t) => t.dataSync()); };

// The models imports produce (from PyTorch or ONNX, and from Keras), which checkpoints also hold.
const INTEROP_CASES: ZooCase[] = [
  {
    className: 'interop.RecurrentModel', model: true,
    build: (rng) => new RecurrentModel({
      embedding: { numEmbeddings: 7, embeddingDim: 3 }, rnn: serializeModule(new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 }, { rng })),
      head: { inFeatures: 4, outFeatures: 5 }, softmax: true,
    }, { rng }),
    run: (m, rng) => evaluated(m, () => [(m as RecurrentModel).forward(ids(rng, 7, 5, 2))[0]]),
  },
  {
    className: 'interop.KerasSequential', model: true,
    build: (rng) => new KerasSequential([
      { step: { kind: 'embedding', name: 'e', maskZero: true }, module: new Embedding({ numEmbeddings: 7, embeddingDim: 3 }, { rng }) },
      { step: { kind: 'recurrent', name: 'r', returnSequences: true, goBackwards: false }, module: new GRU({ inputSize: 3, hiddenSize: 4 }, { rng }) },
      { step: { kind: 'dense', name: 'd', activation: 'softmax', timeDistributed: true }, module: new Linear({ inFeatures: 4, outFeatures: 7 }, { rng }) },
    ]),
    run: (m, rng) => evaluated(m, () => [(m as KerasSequential).forward(ids(rng, 7, 2, 5))]),
  },
];

/**
 * One checkpoint per model family (character models of every cell, seq2seq with attention,
 * captions, trees, tasks, ESN, and the models imports make).
 */
export function fuzzSeeds(): FuzzSeed[] {
  return [...ZOO.filter((c) => c.model), ...CHAR_CASES, ...INTEROP_CASES].map((zoo, k) => {
    const model = zoo.build(new Rng(700 + k));
    return { name: `${zoo.className}#${k}`, bytes: serializeCheckpoint({ model, vocabs: vocabsFor(model), step: 3 + k }), zoo };
  });
}

/** How a case ended. */
export type Outcome = 'accepted' | 'refused' | 'silent' | 'crash';

export interface CaseResult {
  readonly index: number;
  readonly seed: string;
  readonly label: string;
  readonly outcome: Outcome;
  /** The refusal's message, or what was wrong. */
  readonly detail: string;
  readonly ms: number;
  readonly fileBytes: number;
  /** Growth of the resident set and of array-buffer memory over the case (bytes; may be negative after a collection). */
  readonly rssDelta: number;
  readonly arrayBuffersDelta: number;
}

/** What a refusal must say. */
export const REFUSAL = /\bexpected\b[\s\S]*\bgot\b/;
/** Messages of the engine's own failures, which must never reach a user. */
export const INTERNAL = /Cannot read propert|is not a function|is not iterable|Maximum call stack|Invalid typed array length|Invalid array length|Array buffer allocation failed|Cannot convert|is not defined|out of memory/i;

// Why `err` is a crash rather than a refusal (null when it is a refusal).
function crashReason(err: unknown): string | null {
  if (!(err instanceof Error)) return `threw a non-Error: ${String(err)}`;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError || e instanceof ReferenceError) return `${e.name}: ${e.message}`;
  }
  if (INTERNAL.test(err.message)) return `engine message: ${err.message}`;
  if (!REFUSAL.test(err.message)) return `no "expected … got …": ${err.message}`;
  if (err.message.length > 4000) return `a message of ${err.message.length} characters`;
  return null;
}

// Why an accepted checkpoint is wrong (null when it is a consistent, finite model).
function silentReason(c: Checkpoint, m: Mutated, zoo: ZooCase): string | null {
  if (m.poison) return `accepted a known poison`;
  const state = c.model.stateDict();
  const bad = findNonFinite(state);
  if (bad) return `non-finite weights: ${describeNonFinite(bad)}`;
  const file = parseSafetensors(m.bytes, { allowNonFinite: true, convertIntegers: true }).tensors;
  const names = Object.keys(state).sort(), fileNames = Object.keys(file).sort();
  if (names.join('\n') !== fileNames.join('\n')) return `the model's tensors [${names.join(', ')}] are not the file's [${fileNames.join(', ')}]`;
  for (const n of names) {
    const a = state[n].dataSync(), b = file[n].dataSync();
    if (state[n].shape.join() !== file[n].shape.join()) return `${n}: shape ${state[n].shape} in the model, ${file[n].shape} in the file`;
    const round = state[n].dtype === 'float32' ? Math.fround : (x: number) => x;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], round(b[i]))) return `${n}[${i}]: ${a[i]} in the model, ${b[i]} in the file`;
  }
  const want = vocabsFor(c.model);
  for (const [n, v] of Object.entries(want)) {
    if (c.vocabs[n]?.size !== v.size) return `vocabulary ${n} of ${c.vocabs[n]?.size} symbols for a model of ${v.size}`;
  }
  let outputs: ArrayLike<number>[];
  try { outputs = zoo.run(c.model, new Rng(3)); } catch (e) {
    // A config that changed something without weights (an image encoder's pool) makes a model that
    // takes other inputs than the seed's: fine when it says so; an engine error is not.
    return crashReason(e) === null ? null : `the loaded model's forward pass failed: ${(e as Error).message}`;
  }
  for (const o of outputs) for (let i = 0; i < o.length; i++) if (!Number.isFinite(o[i])) return `forward output ${o[i]} at ${i}`;
  return null;
}

/** The damaged file of case `index` (deterministic in `seedValue` and `index`) and the seed it came from. */
export function caseFile(seeds: readonly FuzzSeed[], seedValue: number, index: number): { seed: FuzzSeed; mutated: Mutated } {
  const rng = new Rng((seedValue * 1_000_003 + index) >>> 0);
  const seed = seeds[rng.int(seeds.length)];
  return { seed, mutated: mutate(seed.bytes, rng) };
}

/** Runs case `index`: damages a seed, reads it back, and classifies what happened. */
export function runCase(seeds: readonly FuzzSeed[], seedValue: number, index: number): CaseResult {
  const { seed, mutated } = caseFile(seeds, seedValue, index);
  const before = process.memoryUsage();
  const t0 = performance.now();
  let outcome: Outcome, detail: string;
  try {
    const c = deserializeCheckpoint(mutated.bytes, 'fuzz.safetensors');
    const why = silentReason(c, mutated, seed.zoo);
    [outcome, detail] = why === null ? ['accepted', ''] : ['silent', why];
  } catch (err) {
    const why = crashReason(err);
    [outcome, detail] = why === null ? ['refused', (err as Error).message] : ['crash', why];
  }
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  return {
    index, seed: seed.name, label: mutated.label, outcome, detail, ms, fileBytes: mutated.bytes.length,
    rssDelta: after.rss - before.rss, arrayBuffersDelta: after.arrayBuffers - before.arrayBuffers,
  };
}

/** Counts and extremes of a run. */
export interface FuzzSummary {
  cases: number;
  outcomes: Record<Outcome, number>;
  maxMs: number;
  maxRssDelta: number;
  maxArrayBuffersDelta: number;
  /** Cases over 10 s, and over 256 MB of growth beyond their file's size. */
  slow: number;
  hungry: number;
  /** The first few crashes and silent acceptances, for the report. */
  failures: CaseResult[];
}

/** Limits every case must keep (the issue's). */
export const CASE_LIMIT_MS = 10_000;
export const CASE_LIMIT_BYTES = 256 * 2 ** 20;

export function summarize(results: Iterable<CaseResult>): FuzzSummary {
  const s: FuzzSummary = {
    cases: 0, outcomes: { accepted: 0, refused: 0, silent: 0, crash: 0 }, maxMs: 0, maxRssDelta: 0, maxArrayBuffersDelta: 0, slow: 0, hungry: 0, failures: [],
  };
  for (const r of results) {
    s.cases++;
    s.outcomes[r.outcome]++;
    s.maxMs = Math.max(s.maxMs, r.ms);
    s.maxRssDelta = Math.max(s.maxRssDelta, r.rssDelta);
    s.maxArrayBuffersDelta = Math.max(s.maxArrayBuffersDelta, r.arrayBuffersDelta);
    if (r.ms > CASE_LIMIT_MS) s.slow++;
    if (Math.max(r.rssDelta, r.arrayBuffersDelta) > CASE_LIMIT_BYTES + 2 * r.fileBytes) s.hungry++;
    if ((r.outcome === 'crash' || r.outcome === 'silent') && s.failures.length < 20) s.failures.push(r);
  }
  return s;
}
