#!/usr/bin/env node
// Serves the example page on http://localhost:PORT/ (default 8080): index.html and worker.js from
// this folder and unfold.js, the browser bundle, from the package (dist/browser/unfold.js, built by
// `npm run build`). Usage: node examples/browser/serve.mjs [port] [path to unfold.js]

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.argv[2] ?? 8080);
const bundle = process.argv[3] ?? join(here, '..', '..', 'dist', 'browser', 'unfold.js');
const FILES = {
  '/': [join(here, 'index.html'), 'text/html; charset=utf-8'],
  '/index.html': [join(here, 'index.html'), 'text/html; charset=utf-8'],
  '/worker.js': [join(here, 'worker.js'), 'text/javascript; charset=utf-8'],
  '/unfold.js': [bundle, 'text/javascript; charset=utf-8'],
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/favicon.ico') { res.writeHead(204).end(); return; }
  const file = FILES[path];
  if (!file) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n'); return; }
  try {
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(await readFile(file[0]));
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`${file[0]}: ${e.message} (run npm run build first)\n`);
  }
});
server.listen(port, '127.0.0.1', () => {
  const { port: p } = server.address();
  process.stdout.write(`example: http://localhost:${p}/\n`);
});
