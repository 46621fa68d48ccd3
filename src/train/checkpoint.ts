// The checkpoint format of every model: safetensors bytes whose tensors are the model's PyTorch-style
// state dict (so PyTorch's reader loads the weights) and whose __metadata__ holds format 'pt', the
// model as data (unfold.model: serializeModule's JSON), its vocabularies by name (unfold.vocabs) and
// the training step (unfold.step). Reading rebuilds the model through the registry, loads the state
// dict and checks every part on the way, naming the file and what was expected. Files written before
// this format (a character model's unfold.config + unfold.vocab, a seq2seq model's unfold.seq2seq.*)
// still load. Bytes in and out, so browsers can use it; files are ./checkpoint_file.ts.
//
// The file is outside data, and the config in it says how much the model takes: the model is built
// inside an allocation budget of the file's own tensor bytes plus CONFIG_ALLOWANCE_BYTES (for what the
// file does not store, such as an echo state network's reservoir), so a 200-byte file claiming a
// 20000-unit LSTM is refused before anything large is allocated. The weights must then be exactly
// the model's (names and shapes) and finite, after conversion to the model's dtype.

import type { Tensor } from '../tensor/tensor.js';
import { describeNonFinite, findNonFinite } from '../tensor/finite.js';
import { describeValue, shortJson } from '../tensor/describe_value.js';
import { withAllocationBudget, formatBytes } from '../backend/allocation_budget.js';
import {
  decodeSafetensors, parseSafetensorsHeader, serializeSafetensors, type SafetensorsHeader,
} from '../io/safetensors.js';
import { itemSize } from '../io/dtypes.js';
import type { Module } from '../nn/module.js';
import { checkStored, classNameOf, fromConfig, serializeModule } from '../nn/registry.js';
import { Vocab, type Special } from '../data/vocab.js';
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

/**
 * Tensor memory a model built from a file's config may take beyond the file's own tensors: room for
 * what files do not store (an echo state network of 10,000 units redraws a 120 MB reservoir).
 */
export const CONFIG_ALLOWANCE_BYTES = 128 * 2 ** 20;
/** Tensors a model built from a file's config may make beyond the file's own. */
export const CONFIG_ALLOWANCE_TENSORS = 1024;

/** Options of deserializeCheckpoint and loadCheckpoint. */
export interface ReadCheckpointOptions {
  /**
   * Load weights that hold NaN or ±Infinity (or float64 values beyond float32's range). Default
   * false: such a file is refused, naming the tensor and the first bad element, since every output
   * of such a model is NaN.
   */
  allowNonFinite?: boolean;
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
export function deserializeCheckpoint(bytes: Uint8Array, name = 'checkpoint', options: ReadCheckpointOptions = {}): Checkpoint {
  const header = safetensorsPart(name, () => parseSafetensorsHeader(bytes));
  const { metadata } = header;
  const { spec, vocabs: rawVocabs } = describedModel(metadata, name);
  const model = buildModel(spec, header, name);
  const vocabs: Record<string, Vocab> = {};
  for (const [vname, json] of Object.entries(rawVocabs)) {
    let v: Vocab;
    try { v = Vocab.fromJSON(json); } catch (e) {
      throw new Error(`${name}: bad vocabulary ${shortJson(vname)}: ${(e as Error).message}`, { cause: e });
    }
    // Defined, not assigned: a vocabulary named "__proto__" must not become the object's prototype.
    Object.defineProperty(vocabs, vname, { value: v, enumerable: true, writable: true, configurable: true });
  }
  checkVocabs(model, vocabs, name);
  const allowNonFinite = options.allowNonFinite === true;
  const tensors = safetensorsPart(name, () => decodeSafetensors(bytes, header, { allowNonFinite }));
  // loadStateDict copies into the model's own (float32) tensors, so F64, F16 and BF16 files load as is.
  try { model.loadStateDict(tensors); } catch (e) { throw new Error(`${name}: ${(e as Error).message}`, { cause: e }); }
  if (!allowNonFinite) checkConverted(model, tensors, name);
  return { model, vocabs, step: stepOf(metadata, name), metadata };
}

function safetensorsPart<T>(name: string, read: () => T): T {
  try { return read(); } catch (e) {
    throw new Error(`${name} is not a valid safetensors file: ${(e as Error).message}`, { cause: e });
  }
}

// The model a spec describes, built within the budget the file's tensors allow (see the top of the file).
function buildModel(spec: unknown, header: SafetensorsHeader, name: string): Module {
  const shapes = new Map(header.entries.map((e) => [e.name, e.shape]));
  let fileBytes = 0;
  for (const e of header.entries) fileBytes += (e.dataOffsets[1] - e.dataOffsets[0]) / itemSize(e.dtype) * (e.dtype === 'F64' ? 8 : 4);
  const limit = { bytes: fileBytes + CONFIG_ALLOWANCE_BYTES, storages: header.entries.length + CONFIG_ALLOWANCE_TENSORS };
  const what = `the file's ${header.entries.length} tensors of ${formatBytes(fileBytes)}, and ` +
    `${formatBytes(CONFIG_ALLOWANCE_BYTES)} and ${CONFIG_ALLOWANCE_TENSORS} tensors for what files do not store`;
  try {
    checkStored(spec, (n) => shapes.get(n));
    return withAllocationBudget(limit, what, () => fromConfig(spec));
  } catch (e) {
    throw new Error(`${name}: bad model config: ${(e as Error).message}`, { cause: e });
  }
}

// The float32 copy of a float64 value beyond float32's range is infinite: refused like a NaN in the file.
function checkConverted(model: Module, tensors: Readonly<Record<string, Tensor>>, name: string): void {
  const bad = findNonFinite(model.stateDict());
  if (bad === null) return;
  const stored = tensors[bad.name]?.dataSync()[bad.index];
  const why = stored !== undefined && Number.isFinite(stored) ? ` (the file's value ${stored} is beyond the range of the model's float32)` : '';
  throw new Error(`${name}: expected finite weights, got ${describeNonFinite(bad)}${why}`);
}

function stepOf(metadata: Record<string, string>, name: string): number {
  const raw = metadata[STEP_KEY];
  if (raw === undefined) return 0;
  const step = Number(raw);
  if (!/^(0|[1-9][0-9]*)$/.test(raw) || !Number.isSafeInteger(step)) {
    throw new Error(`${name}: expected metadata '${STEP_KEY}' to be an integer >= 0, got ${shortJson(raw)}`);
  }
  return step;
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
      throw new Error(`${name}: expected metadata '${VOCABS_KEY}' to be an object of vocabularies by name, got ${describeValue(vocabs)}`);
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

// What a model's ids index: each vocabulary's size (the model's embedding and output rows) and the
// specials whose fixed ids (PAD = 0, BOS = 1, EOS = 2) the model's code uses.
interface VocabNeed { size: number; specials: readonly Special[]; unit?: 'char' | 'word' }

function expectedVocabs(model: Module): Record<string, VocabNeed> {
  const sequence: readonly Special[] = ['pad', 'bos', 'eos'];
  if (model instanceof CharModel) return { text: { size: model.config.vocabSize, specials: [], unit: 'char' } };
  if (model instanceof Seq2Seq) {
    return { source: { size: model.config.srcVocabSize, specials: ['pad'] }, target: { size: model.config.tgtVocabSize, specials: sequence } };
  }
  if (model instanceof CaptionModel) return { target: { size: model.config.vocabSize, specials: sequence } };
  return {};
}

function checkVocabs(model: Module, vocabs: Record<string, Vocab>, name: string): void {
  const want = expectedVocabs(model);
  const names = Object.keys(want);
  const missing = names.filter((n) => !Object.hasOwn(vocabs, n));
  if (missing.length > 0) {
    throw new Error(`${name}: expected vocabularies named [${names.join(', ')}] for ${classNameOf(model)}, got [${Object.keys(vocabs).slice(0, 8).map((n) => shortJson(n).slice(1, -1)).join(', ')}]`);
  }
  if (names.some((n) => vocabs[n].size !== want[n].size)) {
    const sizes = names.map((n) => want[n].size), got = names.map((n) => vocabs[n].size);
    throw new Error(names.length === 1
      ? `${name}: expected a vocabulary of ${sizes[0]} symbols (the model's), got ${got[0]}`
      : `${name}: expected vocabularies of ${sizes.join(' and ')} symbols (the model's), got ${got.join(' and ')}`);
  }
  for (const n of names) {
    const v = vocabs[n], { specials, unit } = want[n];
    if (specials.some((s, i) => v.specials[i] !== s)) {
      throw new Error(`${name}: expected vocabulary '${n}' of ${classNameOf(model)} to begin with the specials [${specials.join(', ')}], got [${v.specials.join(', ')}]`);
    }
    if (unit !== undefined && v.unit !== unit) {
      throw new Error(`${name}: expected vocabulary '${n}' of ${classNameOf(model)} to have unit '${unit}', got '${v.unit}'`);
    }
  }
}
