// The checkpoint format of every model: safetensors bytes whose tensors are the model's PyTorch-style
// state dict (so PyTorch's reader loads the weights) and whose __metadata__ holds format 'pt', the
// model as data (unfold.model: serializeModule's JSON), its vocabularies by name (unfold.vocabs) and
// the training step (unfold.step). Reading rebuilds the model through the registry, loads the state
// dict and checks every part on the way, naming the file and what was expected. Files written before
// this format (a character model's unfold.config + unfold.vocab, a seq2seq model's unfold.seq2seq.*)
// still load. Bytes in and out, so browsers can use it; files are ./checkpoint_file.ts.

import type { Tensor } from '../tensor/tensor.js';
import { parseSafetensors, serializeSafetensors, type SafetensorsContents } from '../io/safetensors.js';
import type { Module } from '../nn/module.js';
import { classNameOf, fromConfig, serializeModule } from '../nn/registry.js';
import { Vocab } from '../data/vocab.js';
import { CharModel } from './char_model.js';
import { Seq2Seq } from '../seq2seq/model.js';
import { CaptionModel } from '../seq2seq/caption_model.js';
// Imported for their registrations, so that this reader rebuilds their models.
import '../tree/index.js';
import '../esn/index.js';

/** Metadata key of the model spec ({ className, config } as JSON). */
export const MODEL_KEY = 'unfold.model';
/** Metadata key of the vocabularies ({ name: vocabulary } as JSON). */
export const VOCABS_KEY = 'unfold.vocabs';
/** Metadata key of the training step. */
export const STEP_KEY = 'unfold.step';

// The keys of the two formats before this one.
const OLD_CHAR_CONFIG = 'unfold.config', OLD_CHAR_VOCAB = 'unfold.vocab';
const OLD_SEQ2SEQ_CONFIG = 'unfold.seq2seq.config', OLD_SRC_VOCAB = 'unfold.seq2seq.src_vocab', OLD_TGT_VOCAB = 'unfold.seq2seq.tgt_vocab';

/**
 * What a checkpoint holds. Vocabulary names by model: 'text' for a character model, 'source' and
 * 'target' for a seq2seq model, 'target' for a caption model (any names for other models).
 */
export interface CheckpointContents<M extends Module = Module> {
  model: M;
  vocabs?: Readonly<Record<string, Vocab>>;
  /** Training steps taken (default 0). */
  step?: number;
}

/** A loaded checkpoint: the rebuilt model with its weights, its vocabularies, its step and the raw metadata. */
export interface Checkpoint {
  model: Module;
  vocabs: Record<string, Vocab>;
  step: number;
  metadata: Record<string, string>;
}

/** Path of the training-state file that goes with a model checkpoint. */
export function statePathFor(modelPath: string): string {
  return modelPath.replace(/(\.safetensors)?$/, '.state.safetensors');
}

/** Path of the metrics log (JSON lines) that goes with a model checkpoint. */
export function metricsPathFor(modelPath: string): string {
  return modelPath.replace(/(\.safetensors)?$/, '.metrics.jsonl');
}

/** The safetensors bytes of a model, its vocabularies and its step. */
export function serializeCheckpoint(c: CheckpointContents): Uint8Array {
  const step = c.step ?? 0;
  if (!(Number.isInteger(step) && step >= 0)) throw new Error(`expected a step that is an integer >= 0, got ${step}`);
  const vocabs = Object.fromEntries(Object.entries(c.vocabs ?? {}).map(([name, v]) => [name, v.toJSON()]));
  return serializeSafetensors(c.model.stateDict(), {
    format: 'pt',
    [MODEL_KEY]: JSON.stringify(serializeModule(c.model)),
    [VOCABS_KEY]: JSON.stringify(vocabs),
    [STEP_KEY]: String(step),
  });
}

/**
 * Rebuilds the model of checkpoint bytes with its weights and vocabularies, checking every part;
 * errors start with `name` (the file's path when read from disk).
 */
export function deserializeCheckpoint(bytes: Uint8Array, name = 'checkpoint'): Checkpoint {
  let contents: SafetensorsContents;
  try { contents = parseSafetensors(bytes); } catch (e) {
    throw new Error(`${name} is not a valid safetensors file: ${(e as Error).message}`, { cause: e });
  }
  const { tensors, metadata } = contents;
  const { spec, vocabs: rawVocabs } = describedModel(metadata, name);
  let model: Module;
  try { model = fromConfig(spec); } catch (e) { throw new Error(`${name}: bad model config: ${(e as Error).message}`, { cause: e }); }
  const vocabs: Record<string, Vocab> = {};
  for (const [vname, json] of Object.entries(rawVocabs)) {
    try { vocabs[vname] = Vocab.fromJSON(json); } catch (e) {
      throw new Error(`${name}: bad vocabulary '${vname}': ${(e as Error).message}`, { cause: e });
    }
  }
  checkVocabs(model, vocabs, name);
  // loadStateDict copies into the model's own (float32) tensors, so F64, F16 and BF16 files load as is.
  try { model.loadStateDict(tensors as Record<string, Tensor>); } catch (e) { throw new Error(`${name}: ${(e as Error).message}`, { cause: e }); }
  const step = Number(metadata[STEP_KEY] ?? 0);
  return { model, vocabs, step: Number.isInteger(step) && step >= 0 ? step : 0, metadata };
}

/**
 * The checkpoint's model when it is a `cls`; otherwise an error naming what was expected and what
 * came (`who: expected a character-level language model checkpoint, got a seq2seq.Seq2Seq model`).
 */
export function expectModel<M extends Module>(c: Checkpoint, cls: abstract new (...args: never[]) => M, expected: string, who: string): M {
  if (c.model instanceof cls) return c.model;
  throw new Error(`${who}: expected ${expected} checkpoint, got ${modelKind(c)}`);
}

/** 'a seq2seq.Seq2Seq model': the registered class of a checkpoint's model, for messages. */
export function modelKind(c: Checkpoint): string {
  return `a ${classNameOf(c.model)} model`;
}

// The model spec and vocabularies (still JSON) that the metadata describes, in this format or an older one.
function describedModel(metadata: Record<string, string>, name: string): { spec: unknown; vocabs: Record<string, unknown> } {
  if (metadata[MODEL_KEY] !== undefined) {
    const vocabs = jsonField(metadata, VOCABS_KEY, name);
    if (typeof vocabs !== 'object' || vocabs === null || Array.isArray(vocabs)) {
      throw new Error(`${name}: expected metadata '${VOCABS_KEY}' to be an object of vocabularies by name, got ${Array.isArray(vocabs) ? 'an array' : String(vocabs)}`);
    }
    return { spec: jsonField(metadata, MODEL_KEY, name), vocabs: vocabs as Record<string, unknown> };
  }
  if (metadata[OLD_CHAR_CONFIG] !== undefined) {
    return {
      spec: { className: 'train.CharModel', config: jsonField(metadata, OLD_CHAR_CONFIG, name) },
      vocabs: { text: jsonField(metadata, OLD_CHAR_VOCAB, name) },
    };
  }
  if (metadata[OLD_SEQ2SEQ_CONFIG] !== undefined) {
    return {
      spec: { className: 'seq2seq.Seq2Seq', config: jsonField(metadata, OLD_SEQ2SEQ_CONFIG, name) },
      vocabs: { source: jsonField(metadata, OLD_SRC_VOCAB, name), target: jsonField(metadata, OLD_TGT_VOCAB, name) },
    };
  }
  throw new Error(`${name}: expected an unfold checkpoint with '${MODEL_KEY}' in its metadata, got keys [${Object.keys(metadata).join(', ')}]`);
}

function jsonField(metadata: Record<string, string>, key: string, name: string): unknown {
  const raw = metadata[key];
  if (raw === undefined) throw new Error(`${name}: expected '${key}' in the checkpoint's metadata, got keys [${Object.keys(metadata).join(', ')}]`);
  try { return JSON.parse(raw); } catch {
    throw new Error(`${name}: expected JSON in metadata '${key}', got ${JSON.stringify(raw.slice(0, 60))}`);
  }
}

// The vocabularies a model's ids index, with the sizes its embeddings and output layers were built for.
function expectedVocabs(model: Module): Record<string, number> {
  if (model instanceof CharModel) return { text: model.config.vocabSize };
  if (model instanceof Seq2Seq) return { source: model.config.srcVocabSize, target: model.config.tgtVocabSize };
  if (model instanceof CaptionModel) return { target: model.config.vocabSize };
  return {};
}

function checkVocabs(model: Module, vocabs: Record<string, Vocab>, name: string): void {
  const want = expectedVocabs(model);
  const names = Object.keys(want);
  const missing = names.filter((n) => !(n in vocabs));
  if (missing.length > 0) {
    throw new Error(`${name}: expected vocabularies named [${names.join(', ')}] for ${classNameOf(model)}, got [${Object.keys(vocabs).join(', ')}]`);
  }
  if (names.some((n) => vocabs[n].size !== want[n])) {
    const sizes = names.map((n) => want[n]), got = names.map((n) => vocabs[n].size);
    throw new Error(names.length === 1
      ? `${name}: expected a vocabulary of ${sizes[0]} symbols (the model's), got ${got[0]}`
      : `${name}: expected vocabularies of ${sizes.join(' and ')} symbols (the model's), got ${got.join(' and ')}`);
  }
}
