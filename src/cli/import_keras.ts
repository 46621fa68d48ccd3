// `unfold import keras`: a Keras .h5 file or a TensorFlow.js model.json in, an unfold checkpoint
// out. With --vocab the model must be a character-level language model, saved as one (with that
// vocabulary) for `unfold sample`, `eval` and `train --resume`; without, it is saved as the
// imported layer stack (interop.KerasSequential), which the library and `unfold export tfjs` open.

import { Command } from 'commander';
import { readRegularFileSync } from '../io/read_file.js';
import { saveCheckpoint } from '../train/checkpoint_file.js';
import { readKerasModelFile } from '../interop/keras/model_files.js';
import { kerasToUnfold } from '../interop/keras/layer_import.js';
import { toCharModel } from '../interop/keras/char_model_import.js';
import { kerasVocab } from '../interop/keras/keras_vocab.js';

interface ImportKerasFlags { in: string; out: string; vocab?: string; architecture?: string }

/** The `keras` subcommand of `unfold import`. */
export function importKerasCommand(): Command {
  return new Command('keras')
    .description('import a Keras .h5 model or a TensorFlow.js model.json as an unfold checkpoint')
    .requiredOption('--in <file>', 'model.h5 (Keras, whole model or weights-only) or model.json (TensorFlow.js, shards beside it)')
    .requiredOption('--out <file>', 'checkpoint to write (.safetensors)')
    .option('--vocab <file>', 'the characters of a character-level model: char_to_idx JSON, a JSON list, an unfold vocab.json, or the training text; saves a model `unfold sample` takes')
    .option('--architecture <file>', 'the model JSON (to_json() or a model.json) for a weights-only .h5')
    .action(async (f: ImportKerasFlags) => {
      const text = (path: string, what: string): string => new TextDecoder().decode(readRegularFileSync(path, what));
      let architecture: unknown;
      if (f.architecture !== undefined) {
        try { architecture = JSON.parse(text(f.architecture, 'architecture')); } catch (e) {
          throw new Error(`${f.architecture}: expected the model's JSON, got text that is not JSON: ${(e as Error).message}`, { cause: e });
        }
      }
      const model = kerasToUnfold(await readKerasModelFile(f.in, { architecture }));
      const kinds = model.layers.map((l) => l.step.kind).join(', ');
      if (f.vocab === undefined) {
        await saveCheckpoint(f.out, { model });
        process.stdout.write(`wrote ${f.out}: the ${model.layers.length} layers of ${f.in} (${kinds}); open it with the library's loadCheckpoint() or unfold export tfjs\n`);
        return;
      }
      const char = toCharModel(model, f.in);
      const vocab = kerasVocab(text(f.vocab, 'vocabulary'), char.config.vocabSize, f.vocab);
      await saveCheckpoint(f.out, { model: char, vocabs: { text: vocab } });
      const c = char.config;
      process.stdout.write(`wrote ${f.out}: a character model from ${f.in} (${c.cell}, ${c.numLayers} layer(s) of ${c.hiddenSize}, ${c.vocabSize} characters); try unfold sample --checkpoint ${f.out}\n`);
    });
}
