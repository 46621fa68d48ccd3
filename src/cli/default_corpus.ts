// The built-in corpus that `unfold train` uses when no file is given: unfold's own TypeScript
// source, concatenated in a fixed order. Code is what the Linux-source experiments of Karpathy et
// al. (2015) trained on to find cells that track quotes, brackets and indentation, and it ships with
// the package, so nothing is downloaded and no outside text is committed.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendAll } from '../tensor/large_arrays.js';

/** The package root (holding package.json and src/), found from this file's location. */
function packageRoot(): string {
  // dist/src/cli/default_corpus.js → three levels up
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) appendAll(out, listSources(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** The text of the built-in corpus, and a short description of it for messages. */
export function defaultCorpus(): { text: string; description: string } {
  const root = packageRoot();
  const srcDir = join(root, 'src');
  let files: string[];
  try { files = listSources(srcDir); } catch {
    throw new Error(`the built-in corpus is unfold's own source, expected at ${srcDir}, which is missing; pass a corpus file`);
  }
  const text = files.map((f) => `// ---- ${relative(root, f)}\n${readFileSync(f, 'utf8')}`).join('\n');
  return { text, description: `built-in corpus: unfold's own source (${files.length} files, ${text.length} characters)` };
}
