// Seq2seq checkpoints as safetensors bytes (browser-safe): the tensors are the model's state dict,
// and __metadata__ holds the model config and both vocabularies as JSON, so the file alone rebuilds
// the model. The node-only file helpers are in ./checkpoint_file.ts.

import { parseSafetensors, serializeSafetensors } from '../io/safetensors.js';
import { Seq2Seq, checkSeq2SeqConfig, type Seq2SeqConfig } from './model.js';
import { Vocab } from '../data/vocab.js';

export const SEQ2SEQ_CONFIG_KEY = 'unfold.seq2seq.config';
export const SRC_VOCAB_KEY = 'unfold.seq2seq.src_vocab';
export const TGT_VOCAB_KEY = 'unfold.seq2seq.tgt_vocab';
export const SEQ2SEQ_STEP_KEY = 'unfold.step';

/** A model with its vocabularies: what a checkpoint holds. */
export interface Seq2SeqBundle {
  model: Seq2Seq;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  /** Training steps taken (0 when unknown). */
  step: number;
}

/** The safetensors bytes of a model and its vocabularies. */
export function serializeSeq2Seq(b: Seq2SeqBundle): Uint8Array {
  return serializeSafetensors(b.model.stateDict(), {
    format: 'pt',
    [SEQ2SEQ_CONFIG_KEY]: JSON.stringify(b.model.config),
    [SRC_VOCAB_KEY]: JSON.stringify(b.srcVocab.toJSON()),
    [TGT_VOCAB_KEY]: JSON.stringify(b.tgtVocab.toJSON()),
    [SEQ2SEQ_STEP_KEY]: String(b.step),
  });
}

function field(metadata: Record<string, string>, key: string, name: string): unknown {
  const raw = metadata[key];
  if (raw === undefined) throw new Error(`${name}: expected a seq2seq checkpoint with '${key}' in its metadata, got keys [${Object.keys(metadata).join(', ')}]`);
  try { return JSON.parse(raw); } catch {
    throw new Error(`${name}: expected JSON in metadata '${key}', got ${JSON.stringify(raw.slice(0, 60))}`);
  }
}

/** Rebuilds a model and its vocabularies from checkpoint bytes, checking every part. */
export function deserializeSeq2Seq(bytes: Uint8Array, name = 'checkpoint'): Seq2SeqBundle {
  const { tensors, metadata } = parseSafetensors(bytes);
  const config = field(metadata, SEQ2SEQ_CONFIG_KEY, name) as Seq2SeqConfig;
  if (typeof config !== 'object' || config === null) throw new Error(`${name}: expected a model config object, got ${String(config)}`);
  try { checkSeq2SeqConfig(config); } catch (e) { throw new Error(`${name}: bad model config: ${(e as Error).message}`); }
  let srcVocab: Vocab, tgtVocab: Vocab;
  try {
    srcVocab = Vocab.fromJSON(field(metadata, SRC_VOCAB_KEY, name));
    tgtVocab = Vocab.fromJSON(field(metadata, TGT_VOCAB_KEY, name));
  } catch (e) { throw new Error(`${name}: bad vocabulary: ${(e as Error).message}`); }
  if (srcVocab.size !== config.srcVocabSize || tgtVocab.size !== config.tgtVocabSize) {
    throw new Error(`${name}: expected vocabularies of ${config.srcVocabSize} and ${config.tgtVocabSize} symbols (the model's), got ${srcVocab.size} and ${tgtVocab.size}`);
  }
  const model = new Seq2Seq(config);
  try { model.loadStateDict(tensors); } catch (e) { throw new Error(`${name}: ${(e as Error).message}`); }
  const step = Number(metadata[SEQ2SEQ_STEP_KEY] ?? 0);
  return { model, srcVocab, tgtVocab, step: Number.isInteger(step) && step >= 0 ? step : 0 };
}
