// Reading a whole regular file with errors a user can act on (node-only). Shared by checkpoint and
// corpus loading: both must say "no such file" or "is a directory" with the path, and must refuse
// devices and pipes, whose reads may never end (/dev/zero would fill memory).

import fs from 'node:fs';

function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a component of the path is not a directory';
  return err instanceof Error ? err.message : String(err);
}

/** A file that could not be read; the message names the file and the reason. */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
}

function checkStats(path: string, what: string, stats: fs.Stats): void {
  if (stats.isDirectory()) throw new FileReadError(`cannot read ${what} ${path}: expected a file, got a directory`);
  if (!stats.isFile()) throw new FileReadError(`cannot read ${what} ${path}: expected a regular file, got a device, pipe or socket`);
}

/**
 * The bytes of the regular file at `path`. `what` names the file in errors ("checkpoint",
 * "corpus"): `cannot read corpus data/x.txt: no such file`.
 */
export async function readRegularFile(path: string, what: string): Promise<Uint8Array> {
  try {
    checkStats(path, what, await fs.promises.stat(path));
    return await fs.promises.readFile(path);
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(`cannot read ${what} ${path}: ${reasonOf(err)}`, { cause: err });
  }
}

/** Synchronous readRegularFile. */
export function readRegularFileSync(path: string, what: string): Uint8Array {
  try {
    checkStats(path, what, fs.statSync(path));
    return fs.readFileSync(path);
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(`cannot read ${what} ${path}: ${reasonOf(err)}`, { cause: err });
  }
}
