// Seq2seq checkpoints on disk (node-only): written atomically, read with errors that name the file.

import { writeFileAtomic, writeFileAtomicSync } from '../io/atomic_write.js';
import { readRegularFileSync } from '../io/read_file.js';
import { deserializeSeq2Seq, serializeSeq2Seq, type Seq2SeqBundle } from './checkpoint.js';

/** Saves model, vocabularies and step to `path` (temporary file, fsync, rename). */
export async function saveSeq2SeqCheckpoint(path: string, bundle: Seq2SeqBundle): Promise<void> {
  await writeFileAtomic(path, serializeSeq2Seq(bundle));
}

/** Loads a checkpoint saved by saveSeq2SeqCheckpoint. */
export function loadSeq2SeqCheckpoint(path: string): Seq2SeqBundle {
  const bytes = readRegularFileSync(path, 'checkpoint');
  try {
    return deserializeSeq2Seq(bytes, path);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(path) ? msg : `${path} is not a valid seq2seq checkpoint: ${msg}`, { cause: e });
  }
}

/** Synchronous saveSeq2SeqCheckpoint (for saves made inside a training callback). */
export function saveSeq2SeqCheckpointSync(path: string, bundle: Seq2SeqBundle): void {
  writeFileAtomicSync(path, serializeSeq2Seq(bundle));
}
