// Where things are, seen from a compiled test (dist/test/…): the repository root, for fixtures and
// the package files; the `unfold` command the end-to-end tests run; and fresh temporary directories.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs as dist/test/helpers/files.js). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** dist/src/cli/main.js: the `unfold` command as built. */
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** A new empty directory under the system's temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'unfold-test-'));
}
