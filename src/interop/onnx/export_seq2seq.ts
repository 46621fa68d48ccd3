// The sequence-to-sequence model (seq2seq.Seq2Seq) as two ONNX graphs, so that greedy decoding and
// beam search can run in any ONNX runtime: an encoder graph, run once per source batch, and a decoder
// graph that takes one step. The encoder also gives what the decoder keeps fixed (memory, the
// attention keys projected once, the summary) and the decoder's initial state; a beam search reorders
// rows by gathering those and the step's states, as unfold's own DecoderSession does.

import type { Seq2Seq } from '../../seq2seq/model.js';
import type { Decoder } from '../../seq2seq/decoder.js';
import { AdditiveAttention } from '../../seq2seq/additive_attention.js';
import { MultiplicativeAttention } from '../../seq2seq/multiplicative_attention.js';
import { attrInt, DataType } from './proto.js';
import { GraphBuilder } from './graph_builder.js';
import { BATCH, directionsToFeatures } from './export_sequence.js';
import { emitRecurrentNode } from './recurrent_node.js';
import { emitLinear, lengthsInput } from './graph_io.js';

/** The source-length dimension's name. */
const SOURCE = 'source_time';

/**
 * Encoder. Inputs: `source` int64 [batch, source_time] (PAD past each row's end), `source_lengths`
 * int64 [batch]. Outputs: `memory` [batch, source_time, M] (0 at padded positions), `keys` (with
 * attention: [batch, source_time, A] additive, [batch, H, source_time] general and dot), `summary`
 * [batch, M], and the decoder's initial state `init_h_l{k}` (`init_c_l{k}`) [batch, H] per layer and
 * `init_feed` [batch, H] (with attention).
 */
export function encoderGraph(model: Seq2Seq): GraphBuilder {
  const g = new GraphBuilder('unfold_seq2seq_encoder');
  const enc = model.encoder, dec = model.decoder;
  const source = g.input('source', DataType.INT64, [BATCH, SOURCE]);
  const lengths = lengthsInput(g, 'source_lengths');
  const table = enc.embedding.weight;
  let x = g.transpose(g.op('Gather', [g.weight('encoder.embedding.weight', Float32Array.from(table.dataSync()), table.shape), source]), [1, 0, 2]); // [S, B, E]
  let last = '';
  enc.layers.forEach((row, l) => {
    const out = emitRecurrentNode(g, `encoder.l${l}`, row.map((layer) => layer.cells[0][0]), x, { sequenceLens: lengths.int32 });
    x = directionsToFeatures(g, out.y, row.length); // [S, B, D·H]
    last = out.yH; // [D, B, H]
  });
  const M = enc.outputSize, H = dec.config.hiddenSize;
  const memory = g.transpose(x, [1, 0, 2]); // [B, S, M]
  g.output('memory', memory, DataType.FLOAT, [BATCH, SOURCE, M]);
  // [→h at each row's last step ; ←h at its first]: the two directions' final states side by side.
  const summary = g.op('Reshape', [g.transpose(last, [1, 0, 2]), g.ints('shape_B_', [0, -1])]);
  g.output('summary', summary, DataType.FLOAT, [BATCH, M]);
  const att = dec.attention;
  if (att instanceof AdditiveAttention) {
    g.output('keys', emitLinear(g, 'decoder.attention.key', memory, att.key.weight, att.key.bias), DataType.FLOAT, [BATCH, SOURCE, att.attentionSize]);
  } else if (att instanceof MultiplicativeAttention) {
    const projected = att.weight ? emitLinear(g, 'decoder.attention.weight', memory, att.weight, null) : memory;
    g.output('keys', g.transpose(projected, [0, 2, 1]), DataType.FLOAT, [BATCH, att.querySize, SOURCE]);
  }
  // Zeros [B, H] for the states that start at zero.
  const zeros = (): string => g.op('ConstantOfShape', [g.op('Concat', [
    g.op('Slice', [g.op('Shape', [summary]), g.ints('start', [0]), g.ints('end', [1])]), g.ints('H', [H]),
  ], [attrInt('axis', 0)])]);
  dec.cells.forEach((cell, l) => {
    const h = dec.bridges.length > 0 ? g.op('Tanh', [emitLinear(g, `decoder.bridge_l${l}`, summary, dec.bridges[l].weight, dec.bridges[l].bias)]) : zeros();
    g.output(`init_h_l${l}`, h, DataType.FLOAT, [BATCH, H]);
    if (cell.carrySize === 2) g.output(`init_c_l${l}`, zeros(), DataType.FLOAT, [BATCH, H]);
  });
  if (att) g.output('init_feed', zeros(), DataType.FLOAT, [BATCH, H]);
  return g;
}

/**
 * One decoder step. Inputs: `prev` int64 [batch] (the last token of each row; BOS first), the state
 * `h_l{k}` (`c_l{k}`) [batch, H] per layer and `feed` [batch, H] (with attention), and from the
 * encoder `summary` (context 'input' or 'both'), `memory`, `keys` and `source_lengths` (with
 * attention). Outputs: `logits` [batch, V], the next state (`next_h_l{k}`, `next_c_l{k}`,
 * `next_feed`) and `attention` [batch, source_time] (with attention).
 */
export function decoderStepGraph(model: Seq2Seq): GraphBuilder {
  const g = new GraphBuilder('unfold_seq2seq_decoder_step');
  const dec: Decoder = model.decoder;
  const { hiddenSize: H, vocabSize: V, context, memorySize: M } = dec.config;
  const att = dec.attention;
  const prev = g.input('prev', DataType.INT64, [BATCH]);
  const states = dec.cells.map((cell, l) => [
    g.input(`h_l${l}`, DataType.FLOAT, [BATCH, H]),
    ...(cell.carrySize === 2 ? [g.input(`c_l${l}`, DataType.FLOAT, [BATCH, H])] : []),
  ]);
  const feed = att ? g.input('feed', DataType.FLOAT, [BATCH, H]) : null;
  const summary = context !== 'init' ? g.input('summary', DataType.FLOAT, [BATCH, dec.config.contextSize]) : null;
  const table = dec.embedding.weight;
  const parts = [g.op('Gather', [g.weight('decoder.embedding.weight', Float32Array.from(table.dataSync()), table.shape), prev])]; // [B, E]
  if (feed) parts.push(feed);
  if (summary) parts.push(summary);
  let x = parts.length === 1 ? parts[0] : g.op('Concat', parts, [attrInt('axis', 1)]);
  const axis0 = g.ints('axis0', [0]);
  const next: string[] = []; // the next state's names, declared as outputs after the logits
  dec.cells.forEach((cell, l) => {
    // A one-step sequence: [1, B, I] in, states [1, B, H].
    const [h0, c0] = states[l].map((s) => g.op('Unsqueeze', [s, axis0]));
    const out = emitRecurrentNode(g, `decoder.cell_l${l}`, [cell], g.op('Unsqueeze', [x, axis0]), { initialH: h0, initialC: c0 });
    x = g.op('Squeeze', [out.yH, axis0], [], `next_h_l${l}`);
    next.push(x);
    if (out.yC) next.push(g.op('Squeeze', [out.yC, axis0], [], `next_c_l${l}`));
  });
  const outputStates = (): void => { for (const name of next) g.output(name, name, DataType.FLOAT, [BATCH, H]); };
  if (!att || !dec.combine) {
    g.output('logits', emitLinear(g, 'decoder.head', x, dec.head.weight, dec.head.bias), DataType.FLOAT, [BATCH, V]);
    outputStates();
    return g;
  }
  const memory = g.input('memory', DataType.FLOAT, [BATCH, SOURCE, M]);
  const lengths = lengthsInput(g, 'source_lengths');
  let scores: string; // [B, S]
  if (att instanceof AdditiveAttention) {
    const keys = g.input('keys', DataType.FLOAT, [BATCH, SOURCE, att.attentionSize]);
    const q = g.op('Unsqueeze', [emitLinear(g, 'decoder.attention.query', x, att.query.weight, null), g.ints('axis1', [1])]); // [B, 1, A]
    const hidden = g.op('Tanh', [g.op('Add', [q, keys])]); // [B, S, A]
    const v = g.weight('decoder.attention.v', Float32Array.from(att.v.dataSync()), [att.attentionSize, 1]);
    scores = g.op('Squeeze', [g.op('MatMul', [hidden, v]), g.ints('axis2', [2])]);
  } else {
    const keys = g.input('keys', DataType.FLOAT, [BATCH, H, SOURCE]);
    scores = g.op('Squeeze', [g.op('MatMul', [g.op('Unsqueeze', [x, g.ints('axis1', [1])]), keys]), g.ints('axis1', [1])]);
  }
  // Padded source positions get −∞ before the softmax, hence weight exactly 0 (unfold's maskedSoftmax).
  const S = g.op('Gather', [g.op('Shape', [memory]), g.ints('one', [1], [])]);
  const positions = g.op('Range', [g.ints('zero', [0], []), S, g.ints('one', [1], [])]); // [S]
  const real = g.op('Less', [g.op('Unsqueeze', [positions, axis0]), g.op('Unsqueeze', [lengths.int64, g.ints('axis1', [1])])]); // [B, S]
  const masked = g.op('Where', [real, scores, g.weight('minus_infinity', Float32Array.of(-Infinity), [])]);
  const weights = g.op('Softmax', [masked], [attrInt('axis', -1)], 'attention');
  const ctx = g.op('Squeeze', [g.op('MatMul', [g.op('Unsqueeze', [weights, g.ints('axis1', [1])]), memory]), g.ints('axis1', [1])]); // [B, M]
  const hTilde = g.op('Tanh', [emitLinear(g, 'decoder.combine', g.op('Concat', [ctx, x], [attrInt('axis', 1)]), dec.combine.weight, dec.combine.bias)], [], 'next_feed');
  g.output('logits', emitLinear(g, 'decoder.head', hTilde, dec.head.weight, dec.head.bias), DataType.FLOAT, [BATCH, V]);
  outputStates();
  g.output('next_feed', hTilde, DataType.FLOAT, [BATCH, H]);
  g.output('attention', weights, DataType.FLOAT, [BATCH, SOURCE]);
  return g;
}
