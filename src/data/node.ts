// data, node-only part: reading a corpus file. Kept out of ./index.ts so that browser builds
// (which exclude this file) stay free of node:fs.

export { readCorpus, readCorpusSync } from './corpus_file.js';
