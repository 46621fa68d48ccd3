// Model checkpoints for character models: a safetensors file whose tensors are exactly the model's
// PyTorch-style state dict and whose __metadata__ holds the model config and the vocabulary, so
// `unfold sample` can rebuild the model from the file alone and PyTorch can read the weights.
// Training state for --resume (optimizer buffers, RNG states, progress) goes in a sibling file,
// so the model file stays a clean state dict.

import { Tensor } from '../tensor/tensor.js';
import { Vocab } from '../data/vocab.js';
import { saveSafetensors, loadSafetensorsSync } from '../io/checkpoint_file.js';
import { CharModel, checkConfig, type CharModelConfig } from './char_model.js';

export const CONFIG_KEY = 'unfold.config';
export const VOCAB_KEY = 'unfold.vocab';
export const STEP_KEY = 'unfold.step';

/** Path of the training-state file that goes with a model checkpoint. */
export function statePathFor(modelPath: string): string {
  return modelPath.replace(/(\.safetensors)?$/, '.state.safetensors');
}

/** Path of the metrics log (JSON lines) that goes with a model checkpoint. */
export function metricsPathFor(modelPath: string): string {
  return modelPath.replace(/(\.safetensors)?$/, '.metrics.jsonl');
}

export async function saveModelCheckpoint(path: string, model: CharModel, vocab: Vocab, step: number): Promise<void> {
  await saveSafetensors(path, model.stateDict(), {
    format: 'pt',
    [CONFIG_KEY]: JSON.stringify(model.config),
    [VOCAB_KEY]: JSON.stringify(vocab.toJSON()),
    [STEP_KEY]: String(step),
  });
}

function parseJsonField(path: string, metadata: Record<string, string>, key: string): unknown {
  const raw = metadata[key];
  if (raw === undefined) {
    throw new Error(`${path}: expected a character-model checkpoint with '${key}' in its metadata, got keys [${Object.keys(metadata).join(', ')}]`);
  }
  try { return JSON.parse(raw); } catch {
    throw new Error(`${path}: expected JSON in metadata '${key}', got ${JSON.stringify(raw.slice(0, 60))}`);
  }
}

export interface LoadedCheckpoint {
  model: CharModel;
  vocab: Vocab;
  step: number;
  tensors: Record<string, Tensor>;
}

/** Rebuilds a CharModel and its vocabulary from a checkpoint file, checking every part. */
export function loadModelCheckpoint(path: string): LoadedCheckpoint {
  const { tensors, metadata } = loadSafetensorsSync(path);
  const config = parseJsonField(path, metadata, CONFIG_KEY) as CharModelConfig;
  try { checkConfig(config); } catch (e) { throw new Error(`${path}: bad model config: ${(e as Error).message}`); }
  let vocab: Vocab;
  try { vocab = Vocab.fromJSON(parseJsonField(path, metadata, VOCAB_KEY)); } catch (e) {
    throw new Error(`${path}: bad vocabulary: ${(e as Error).message}`);
  }
  if (vocab.size !== config.vocabSize) {
    throw new Error(`${path}: expected a vocabulary of ${config.vocabSize} symbols (the model's), got ${vocab.size}`);
  }
  const model = new CharModel(config);
  // loadStateDict copies values into the float32 parameters, so F64 (and F16/BF16) files load as is.
  try { model.loadStateDict(tensors); } catch (e) { throw new Error(`${path}: ${(e as Error).message}`); }
  const step = Number(metadata[STEP_KEY] ?? 0);
  return { model, vocab, step: Number.isFinite(step) ? step : 0, tensors };
}
