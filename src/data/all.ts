// data for Node.js: the browser-safe parts plus reading corpus files (the package's main entry).

export * from './index.js';
export * from './node.js';
