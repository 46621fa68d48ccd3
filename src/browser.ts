// unfold for browsers: everything but file access (checkpoints as bytes via train.serializeCheckpoint / deserializeCheckpoint).

export * from './core.js';
export * as io from './io/index.js';
export * as data from './data/index.js';
export * as train from './train/browser.js';
