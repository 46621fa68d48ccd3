// Reading a corpus from disk (node-only): the file checks (missing, a directory, a device) are
// here; the content checks (binary, invalid UTF-8, empty, too short) are corpusFromBytes'.

import { readRegularFile, readRegularFileSync } from '../io/read_file.js';
import { corpusFromBytes } from './corpus_bytes.js';
import type { PrepareCorpusOptions } from './corpus.js';

/**
 * Reads and prepares the corpus at `path` (see prepareCorpus). Errors name the path: missing file,
 * directory, binary content (NUL bytes), invalid UTF-8, empty or too short for `seqLen`.
 */
export async function readCorpus(path: string, options: PrepareCorpusOptions = {}): Promise<string> {
  return corpusFromBytes(await readRegularFile(path, 'corpus'), options, `corpus ${path}`);
}

/** Synchronous readCorpus. */
export function readCorpusSync(path: string, options: PrepareCorpusOptions = {}): string {
  return corpusFromBytes(readRegularFileSync(path, 'corpus'), options, `corpus ${path}`);
}
