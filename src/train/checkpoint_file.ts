// Checkpoints on disk (node-only): the bytes of ./checkpoint.ts written atomically (temporary file,
// fsync, rename: an interrupted save leaves the previous checkpoint whole) and read back with every
// error naming the file.

import { writeFileAtomic, writeFileAtomicSync } from '../io/atomic_write.js';
import { readRegularFileSync } from '../io/read_file.js';
import {
  deserializeCheckpoint, serializeCheckpoint, type Checkpoint, type CheckpointContents, type ReadCheckpointOptions,
} from './checkpoint.js';

/** Saves a model, its vocabularies and its step to `path`, atomically. */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, serializeCheckpoint(contents));
}

/** Synchronous saveCheckpoint (for saves made inside a training callback or an exit handler). */
export function saveCheckpointSync(path: string, contents: CheckpointContents): void {
  writeFileAtomicSync(path, serializeCheckpoint(contents));
}

/**
 * Loads any checkpoint saved by saveCheckpoint (or in an older unfold format): the rebuilt model
 * with its weights. A file whose weights are not all finite is refused unless
 * `options.allowNonFinite` is set.
 */
export function loadCheckpoint(path: string, options: ReadCheckpointOptions = {}): Checkpoint {
  return deserializeCheckpoint(readRegularFileSync(path, 'checkpoint'), path, options);
}
