// Headless Chromium (Debian's package) driven by playwright-core, for the report tests: a fresh
// profile per launch, and a page that records console errors and uncaught exceptions.

import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** A fresh headless Chromium; `extraArgs` add switches (the WebGPU tests' adapter flags). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`expected Chromium at ${CHROMIUM} (apt-get install chromium), found nothing`);
  const profile = mkdtempSync(join(tmpdir(), 'unfold-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** A new page and the list its console errors and page errors go into. */
export async function watchedPage(ctx: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}

/** Width and height from a PNG file's IHDR chunk; throws when the file is not a PNG. */
export function pngSize(path: string): { width: number; height: number; bytes: number } {
  const b = readFileSync(path);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 24 || !sig.every((v, i) => b[i] === v) || b.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`expected a PNG file at ${path}, got ${b.length} bytes of something else`);
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: b.length };
}
