// The layers of DESIGN.md, checked on the import lines of src/: the core chain (backend ← tensor ←
// autograd ← nn) imports only downwards, the model families (seq2seq, tree, esn) import nothing from
// optim, train, tasks, viz or the CLI, tasks import nothing from viz, interop (other formats in and
// out) nothing from tasks, viz or the CLI, and the shared entry (core.ts)
// exports no task. A new import against an arrow fails here, naming the file and the import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs as dist/test/layering.test.js; the sources are two levels up.
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Folders (or top-level files) of src/ that may import only from the listed ones besides themselves. */
const ONLY_FROM: Readonly<Record<string, readonly string[]>> = {
  backend: [],
  tensor: ['backend'],
  autograd: ['backend', 'tensor'],
  nn: ['tensor', 'autograd'],
};

const FAMILY_MUST_NOT = ['optim', 'train', 'tasks', 'viz', 'cli'];

/** Folders (or top-level files) of src/ that must not import from the listed ones. */
const NEVER_FROM: Readonly<Record<string, readonly string[]>> = {
  seq2seq: FAMILY_MUST_NOT,
  tree: FAMILY_MUST_NOT,
  esn: FAMILY_MUST_NOT,
  graph: FAMILY_MUST_NOT,
  tasks: ['viz', 'cli'],
  interop: ['tasks', 'viz', 'cli'],
  'core.ts': ['tasks', 'viz', 'cli'],
};


function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The relative module specifiers of a source text: static imports and exports, side-effect and dynamic imports. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) out.push(m[1]);
  return out;
}

// The part of src/ a path (relative to src/, '/'-separated) belongs to: its first folder, or the file itself.
const partOf = (path: string): string => path.split('/')[0];

/** 'file: import' for every import of `file` (relative to src/) that breaks a rule. */
function violations(file: string, specifiers: readonly string[]): string[] {
  const from = partOf(file);
  const out: string[] = [];
  for (const spec of specifiers) {
    const target = normalize(join(dirname(file), spec)).split('\\').join('/');
    if (target.startsWith('..')) { out.push(`${file}: ${spec} (outside src/)`); continue; }
    const to = partOf(target);
    if (to === from) continue;
    const only = ONLY_FROM[from], never = NEVER_FROM[from];
    if ((only && !only.includes(to)) || never?.includes(to)) out.push(`${file}: ${spec}`);
  }
  return out;
}

test('layering: the rules catch an import against an arrow, and let allowed ones through', () => {
  assert.deepEqual(violations('seq2seq/decoding.ts', ['../train/sample.js', '../nn/seq/choose_symbol.js', './vocab.js']), ['seq2seq/decoding.ts: ../train/sample.js']);
  assert.deepEqual(violations('tasks/x.ts', ['../viz/attention_section.js', '../train/trainer.js']), ['tasks/x.ts: ../viz/attention_section.js']);
  assert.deepEqual(violations('nn/layers/x.ts', ['../../backend/storage.js', '../../autograd/ops/gather.js']), ['nn/layers/x.ts: ../../backend/storage.js']);
  assert.deepEqual(violations('core.ts', ['./tasks/shapes_images.js', './nn/index.js']), ['core.ts: ./tasks/shapes_images.js']);
  assert.deepEqual(violations('seq2seq/model.ts', ['../optim/adam.js', '../nn/module.js']), ['seq2seq/model.ts: ../optim/adam.js']);
  assert.deepEqual(violations('train/decoder_trainer.ts', ['../seq2seq/model.js', '../optim/adam.js']), [], 'train may use the families');
  assert.deepEqual(relativeImports("import { a } from './a.js';\nimport type { B } from \"../b/c.js\";\nexport * from './d.js';\nimport './e.js';\nconst f = await import('../f.js');\nimport x from 'node:fs';"),
    ['./a.js', '../b/c.js', './d.js', './e.js', '../f.js']);
});

test('layering: no import in src/ goes against DESIGN.md\'s arrows', () => {
  const files = sourceFiles(SRC);
  assert.ok(files.length > 100, `expected the sources under ${SRC}, found ${files.length} files`);
  const bad = files.flatMap((f) => violations(relative(SRC, f).split('\\').join('/'), relativeImports(readFileSync(f, 'utf8'))));
  assert.deepEqual(bad, []);
});
