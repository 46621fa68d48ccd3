// data: browser-safe data handling. The one vocabulary (characters, words, specials), corpus normalisation,
// train/validation split, and batching. Reading a corpus from disk needs node:fs and lives in the
// separate barrel ./node.ts.

export {
  Vocab, DEFAULT_UNKNOWN, PAD, BOS, EOS, UNK, SPECIAL_ORDER, SEQUENCE_SPECIALS,
  type Special, type UnknownPolicy, type VocabOptions, type VocabJSON,
} from './vocab.js';
export { prepareCorpus, minCorpusLength, countChars, type PrepareCorpusOptions } from './corpus.js';
export { corpusFromBytes, firstInvalidUtf8 } from './corpus_bytes.js';
export { splitTrainVal, type SplitOptions, type TrainValSplit } from './split.js';
export {
  RandomWindowSampler, StreamBatcher, evalChunks,
  type WindowBatch, type RandomWindowOptions, type StreamChunk, type StreamBatcherState, type StreamBatcherOptions,
} from './batches.js';
