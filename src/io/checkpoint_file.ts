// Saving and loading safetensors files on disk (node-only). Saving is atomic (see atomic_write.ts),
// so an interrupted save leaves the previous checkpoint loadable; loading reports the path with
// every failure, because "header is not valid JSON" alone does not say which of a run's files broke.

import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic_write.js';
import { readRegularFile, readRegularFileSync } from './read_file.js';
import {
  SafetensorsError, parseSafetensors, serializeSafetensors,
  type ParseSafetensorsOptions, type SafetensorsContents,
} from './safetensors.js';

function serializeFor(path: string, tensors: Readonly<Record<string, Tensor>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  try {
    return serializeSafetensors(tensors, metadata);
  } catch (err) {
    throw new SafetensorsError(`cannot save ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function parseFrom(path: string, bytes: Uint8Array, options?: ParseSafetensorsOptions): SafetensorsContents {
  try {
    return parseSafetensors(bytes, options);
  } catch (err) {
    throw new SafetensorsError(`${path} is not a valid safetensors file: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Writes tensors and string metadata to `path` as a safetensors file, atomically: on failure an
 * existing file at `path` is left as it was.
 */
export async function saveSafetensors(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFileAtomic(path, serializeFor(path, tensors, metadata));
}

/** Synchronous saveSafetensors (for exit handlers). */
export function saveSafetensorsSync(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): void {
  writeFileAtomicSync(path, serializeFor(path, tensors, metadata));
}

/**
 * Reads a safetensors file. Errors name `path`: a missing or unreadable file or a directory
 * (FileReadError), or malformed contents (SafetensorsError).
 */
export async function loadSafetensors(path: string, options?: ParseSafetensorsOptions): Promise<SafetensorsContents> {
  return parseFrom(path, await readRegularFile(path, 'checkpoint'), options);
}

/** Synchronous loadSafetensors. */
export function loadSafetensorsSync(path: string, options?: ParseSafetensorsOptions): SafetensorsContents {
  return parseFrom(path, readRegularFileSync(path, 'checkpoint'), options);
}
