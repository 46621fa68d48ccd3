// The seq2seq export checked in ONNX Runtime: the encoder graph gives unfold's memory (at real
// positions), summary, attention keys and decoder start state; the one-step decoder graph, fed the
// previous tokens, gives unfold's logits, attention weights and next states step after step, for
// every attention kind and context mode; and a beam search run by unfold is replayed on the ONNX
// graphs alone (rows reordered as the search reorders them) with the same logits at every step —
// so the search runs the same outside unfold.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/seq2seq/model.js';
import { beamSearch } from '../../src/seq2seq/beam_search.js';
import type { StepDecoder } from '../../src/seq2seq/step_decoder.js';
import type { FloatArray } from '../../src/backend/dtype.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { BOS, PAD } from '../../src/data/vocab.js';
import { exportOnnx } from '../../src/interop/onnx/index.js';
import { assertAgrees, randomIds, session, type Feed, type Fetched } from './ort.js';
import { tensor } from '../../src/tensor/tensor.js';

const B = 3, S = 6, LENGTHS = [6, 3, 5];

const CONFIGS: Seq2SeqConfig[] = [
  { srcVocabSize: 9, tgtVocabSize: 10, embeddingSize: 5, hiddenSize: 6, numLayers: 2, cell: 'lstm', bidirectional: true, attention: 'additive', attentionSize: 7 },
  { srcVocabSize: 9, tgtVocabSize: 10, embeddingSize: 5, hiddenSize: 6, cell: 'gru', attention: 'dot', context: 'both' },
  { srcVocabSize: 9, tgtVocabSize: 10, embeddingSize: 5, hiddenSize: 6, numLayers: 2, cell: 'rnn', bidirectional: true, attention: 'general', context: 'input' },
  { srcVocabSize: 9, tgtVocabSize: 10, embeddingSize: 5, hiddenSize: 6, cell: 'lstm', attention: 'none' },
  { srcVocabSize: 9, tgtVocabSize: 10, embeddingSize: 5, hiddenSize: 6, cell: 'gru', bidirectional: true, attention: 'none', context: 'both' },
];

function sourceBatch(seed: number): Int32Array {
  const ids = randomIds(B * S, 5, new Rng(seed)).map((v) => v + 4);
  for (let b = 0; b < B; b++) for (let s = LENGTHS[b]; s < S; s++) ids[b * S + s] = PAD;
  return ids;
}

// Rows `idx` of a [rows, ...] array.
function gatherRows(data: Float32Array, rows: number, idx: ArrayLike<number>): Float32Array {
  const w = data.length / rows, out = new Float32Array(idx.length * w);
  for (let i = 0; i < idx.length; i++) out.set(data.subarray(idx[i] * w, (idx[i] + 1) * w), i * w);
  return out;
}

// Only the real source positions of [B, S, F] (F = 1 for weights [B, S]), row by row.
function realPositions(data: ArrayLike<number>, F: number, lengths: readonly number[]): number[] {
  return lengths.flatMap((len, b) => Array.from(data).slice(b * S * F, (b * S + len) * F));
}

/** The ONNX side of a decoding: the encoder's outputs and the step's state, as host arrays with their shapes. */
class OnnxDecoding {
  constructor(private values: Record<string, Fetched>, private rows: number, private lengths: number[]) {}

  static async start(encoder: (f: Record<string, Feed>) => Promise<Record<string, Fetched>>, src: Int32Array): Promise<OnnxDecoding> {
    const out = await encoder({ source: { ints: src, shape: [B, S] }, source_lengths: { ints: LENGTHS, shape: [B] } });
    const state: Record<string, Fetched> = {};
    for (const [name, v] of Object.entries(out)) state[name.startsWith('init_') ? name.slice(5) : name] = v;
    return new OnnxDecoding(state, B, [...LENGTHS]);
  }

  select(idx: ArrayLike<number>): void {
    for (const [name, v] of Object.entries(this.values)) {
      this.values[name] = { data: gatherRows(v.data, this.rows, idx), dims: [idx.length, ...v.dims.slice(1)] };
    }
    this.lengths = Array.from(idx, (i) => this.lengths[i]);
    this.rows = idx.length;
  }

  async step(run: (f: Record<string, Feed>) => Promise<Record<string, Fetched>>, inputNames: readonly string[], prev: Int32Array): Promise<Record<string, Fetched>> {
    const feeds: Record<string, Feed> = { prev: { ints: prev, shape: [this.rows] } };
    for (const name of inputNames) {
      if (name === 'prev') continue;
      if (name === 'source_lengths') { feeds[name] = { ints: this.lengths, shape: [this.rows] }; continue; }
      const v = this.values[name];
      feeds[name] = tensor(Array.from(v.data), [...v.dims]);
    }
    const out = await run(feeds);
    for (const [name, v] of Object.entries(out)) if (name.startsWith('next_')) this.values[name.slice(5)] = v;
    return out;
  }
}

function stepInputs(config: Seq2SeqConfig, numLayers: number): string[] {
  const names = ['prev'];
  for (let l = 0; l < numLayers; l++) names.push(`h_l${l}`, ...(config.cell === 'lstm' ? [`c_l${l}`] : []));
  if ((config.attention ?? 'none') !== 'none') names.push('feed', 'memory', 'keys', 'source_lengths');
  if ((config.context ?? 'init') !== 'init') names.push('summary');
  return names;
}

test('ONNX export of seq2seq: the encoder and the one-step decoder equal unfold in ONNX Runtime, step after step', async () => {
  for (const [i, config] of CONFIGS.entries()) {
    const what = `${config.cell} ${config.attention} ${config.context ?? 'init'}${config.bidirectional ? ' bidirectional' : ''}`;
    const model = new Seq2Seq(config);
    model.eval();
    const graphs = exportOnnx(model);
    assert.deepEqual(Object.keys(graphs), ['encoder', 'decoder']);
    const [encoder, decoder] = [await session(graphs.encoder), await session(graphs.decoder)];
    const src = sourceBatch(500 + i);
    const ctx = noGrad(() => model.encode({ data: src, shape: [B, S] }, LENGTHS));
    const { memory } = noGrad(() => model.encoder.forward({ data: src, shape: [B, S] }, LENGTHS));
    const onnx = await OnnxDecoding.start(encoder, src);
    const enc = (onnx as unknown as { values: Record<string, Fetched> }).values;
    const M = model.encoder.outputSize;
    assertAgrees(realPositions(enc.memory.data, M, LENGTHS), realPositions(memory.dataSync(), M, LENGTHS), `${what}: memory`);
    assertAgrees(enc.summary.data, ctx.summary.dataSync(), `${what}: summary`);
    if (ctx.prepared && config.attention === 'additive') {
      assertAgrees(realPositions(enc.keys.data, config.attentionSize!, LENGTHS), realPositions(ctx.prepared.projected.dataSync(), config.attentionSize!, LENGTHS), `${what}: keys`);
    }
    let state = noGrad(() => model.decoder.initialState(ctx));
    state.carries.forEach((carry, l) => carry.forEach((t, j) => assertAgrees(enc[`${j === 0 ? 'h' : 'c'}_l${l}`].data, t.dataSync(), `${what}: initial state of layer ${l}`)));
    const rng = new Rng(600 + i);
    let prev: Int32Array = new Int32Array(B).fill(BOS);
    for (let t = 0; t < 4; t++) {
      const step = noGrad(() => model.decoder.step(prev, state, ctx));
      const out = await onnx.step(decoder, stepInputs(config, model.decoder.cells.length), prev);
      assertAgrees(out.logits.data, step.logits.dataSync(), `${what}: logits at step ${t}`);
      if (step.weights) assertAgrees(out.attention.data, step.weights.dataSync(), `${what}: attention at step ${t}`);
      step.state.carries.forEach((carry, l) => carry.forEach((s, j) => assertAgrees(out[`next_${j === 0 ? 'h' : 'c'}_l${l}`].data, s.dataSync(), `${what}: state of layer ${l} at step ${t}`)));
      state = step.state;
      prev = randomIds(B, 10, rng);
    }
  }
});

// A StepDecoder that passes through to unfold's own and writes down every call, for replaying.
class Recorder implements StepDecoder {
  readonly calls: ({ prev: Int32Array; logits: Float32Array } | { select: Int32Array })[] = [];
  constructor(private readonly inner: StepDecoder) {}
  get rows(): number { return this.inner.rows; }
  get vocabSize(): number { return this.inner.vocabSize; }
  next(prev: Int32Array): FloatArray {
    const logits = this.inner.next(prev);
    this.calls.push({ prev: Int32Array.from(prev), logits: Float32Array.from(logits) });
    return logits;
  }
  select(idx: Int32Array): void {
    this.calls.push({ select: Int32Array.from(idx) });
    this.inner.select(idx);
  }
}

test('ONNX export of seq2seq: a beam search replayed on the ONNX graphs alone sees unfold\'s logits at every step', async () => {
  for (const config of [CONFIGS[0], CONFIGS[1]]) {
    const model = new Seq2Seq(config);
    model.eval();
    const graphs = exportOnnx(model);
    const [encoder, decoder] = [await session(graphs.encoder), await session(graphs.decoder)];
    const src = sourceBatch(700);
    const recorder = new Recorder(model.session({ data: src, shape: [B, S] }, LENGTHS));
    const results = beamSearch(recorder, { beamWidth: 3, maxLength: 6 });
    assert.equal(results.length, B);
    const onnx = await OnnxDecoding.start(encoder, src);
    let steps = 0;
    for (const call of recorder.calls) {
      if ('select' in call) { onnx.select(call.select); continue; }
      const out = await onnx.step(decoder, stepInputs(config, config.numLayers ?? 1), call.prev);
      assertAgrees(out.logits.data, call.logits, `${config.cell} ${config.attention}: beam step ${steps++}`);
    }
    assert.ok(steps >= 2, `expected the search to take steps, took ${steps}`);
  }
});
