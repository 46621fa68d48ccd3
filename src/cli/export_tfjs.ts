// `unfold export tfjs`: a checkpoint out to the TensorFlow.js layers format (model.json and one
// weight shard in a folder, for tf.loadLayersModel), with the vocabulary beside it as vocab.json
// for a character model (TensorFlow.js models carry none). Character models and imported Keras
// models go; other kinds are refused with where they open.

import { Command } from 'commander';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic_write.js';
import { loadCheckpoint } from '../train/checkpoint_file.js';
import { CharModel } from '../train/char_model.js';
import { classNameOf } from '../nn/registry.js';
import { KerasSequential } from '../interop/keras/keras_sequential.js';
import { toTfjsArtifacts } from '../interop/keras/tfjs_export.js';
import { writeTfjsModel } from '../interop/keras/model_files.js';
import { whereOpened } from './open_checkpoint.js';

/** The `tfjs` subcommand of `unfold export`. */
export function exportTfjsCommand(): Command {
  return new Command('tfjs')
    .description('export a checkpoint (a character model or an imported Keras model) to the TensorFlow.js layers format')
    .requiredOption('--checkpoint <file>', 'checkpoint to export')
    .requiredOption('--out <dir>', 'folder to write model.json and its weight shard into')
    .action(async (f: { checkpoint: string; out: string }) => {
      const c = loadCheckpoint(f.checkpoint);
      if (!(c.model instanceof CharModel || c.model instanceof KerasSequential)) {
        throw new Error(`unfold export tfjs: expected a character model or an imported Keras model checkpoint, got a ${classNameOf(c.model)} model (${whereOpened(c)})`);
      }
      const path = await writeTfjsModel(f.out, toTfjsArtifacts(c.model));
      let extra = '';
      if (c.model instanceof CharModel && c.vocabs.text) {
        await writeFileAtomic(join(f.out, 'vocab.json'), new TextEncoder().encode(JSON.stringify(c.vocabs.text.toJSON())));
        extra = ' and vocab.json (ids to characters)';
      }
      const what = c.model instanceof CharModel ? 'a character model: ids [batch, time] in, logits [batch, time, vocabulary] out' : `${c.model.layers.length} Keras layers`;
      process.stdout.write(`wrote ${path}, its weights${extra}: ${what}; load with tf.loadLayersModel\n`);
    });
}
