// io, node-only part: everything that touches the filesystem. Kept out of ./index.ts so that
// browser builds (which exclude this file) stay free of node:fs.

export { writeFileAtomic, writeFileAtomicSync, type WriteFileAtomicOptions } from './atomic_write.js';
export { saveSafetensors, saveSafetensorsSync, loadSafetensors, loadSafetensorsSync } from './checkpoint_file.js';
export { readRegularFile, readRegularFileSync, FileReadError } from './read_file.js';
