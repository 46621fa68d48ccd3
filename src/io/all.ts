// io for Node.js: the browser-safe byte format plus the file helpers (the package's main entry).

export * from './index.js';
export * from './node.js';
