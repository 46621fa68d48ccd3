// Shared by the WebGPU browser tests: bundle a page script with esbuild (the project's browser
// bundler), serve it from a local port (WebGPU needs a secure context: localhost is one), open it in
// headless Chromium with a software WebGPU adapter (SwiftShader), and collect what it leaves on
// `window`.

import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build, type Plugin } from 'esbuild';
import { launchChromium, watchedPage } from '../../viz/browser.js';
import { ROOT } from '../../helpers/files.js';

/** The switches that give headless Chromium a WebGPU adapter without a GPU. */
export const WEBGPU_SWITCHES = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--disable-gpu-sandbox'];

/** Serves `js` as a module script of an otherwise empty page; resolves the page's address and a closer. */
export async function servePage(js: string): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    if (req.url === '/suite.js') { res.setHeader('content-type', 'text/javascript'); res.end(js); return; }
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><script type="module" src="/suite.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

// Node's built-in modules as stubs that throw when used: the trainer's module imports file functions
// for checkpoints, which a page without checkpoints never calls.
const stubNodeBuiltins: Plugin = {
  name: 'stub-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({
      loader: 'js',
      contents: `module.exports = new Proxy({}, { get: (_t, k) => k === '__esModule' ? false : () => { throw new Error(${JSON.stringify(a.path)} + ' is not available in a browser'); } });`,
    }));
  },
};

// Bundles `entry` (a page script under test/backend/webgpu), opens it in Chromium with a WebGPU
// adapter, and resolves what it leaves in window[key]; `check` runs on it before the browser closes.
export async function onPage<T>(entry: string, key: string, extraArgs: string[], check: (r: T, errors: string[]) => void): Promise<void> {
  const bundle = await build({ entryPoints: [join(ROOT, 'test/backend/webgpu', entry)], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'warning', plugins: [stubNodeBuiltins] });
  const server = await servePage(bundle.outputFiles[0].text);
  const ctx = await launchChromium([...WEBGPU_SWITCHES, ...extraArgs]);
  try {
    const { page, errors } = await watchedPage(ctx);
    await page.goto(server.url);
    await page.waitForFunction((k) => (globalThis as Record<string, unknown>)[k] !== undefined, key, { timeout: 200_000 });
    check(await page.evaluate((k) => (globalThis as Record<string, unknown>)[k] as T, key), errors);
  } finally {
    await ctx.close();
    server.close();
  }
}

