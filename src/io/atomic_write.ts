// Atomic file replacement (node-only): a checkpoint written here is either the complete old file or
// the complete new one, never a torn mix, even if the process dies or the disk fills mid-write.
// The bytes go to a temporary file in the same directory (rename is only atomic within one
// filesystem), which is fsynced before it is renamed over the target; the directory is then fsynced
// so that the rename itself survives a power loss (best effort: not every platform allows it).
// A process killed mid-write leaves its temporary file behind; the next write to the same target
// removes those whose writer (the pid in the name) is no longer running, and never a live one's.

import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Options for writeFileAtomic / writeFileAtomicSync. */
export interface WriteFileAtomicOptions {
  /** Permission bits for a new file (before the umask). Default 0o666, like fs.writeFile. */
  readonly mode?: number;
}

// Hidden, unique per call: concurrent writers of one target never share a temporary file.
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * The temporary files of writes to `path` whose writer is gone (killed mid-write): names made by
 * temporaryPath whose pid is not a running process. This process's own are never stale (it may be
 * writing them now), nor are those of a pid that exists but is another user's (EPERM).
 */
function staleTemporaries(path: string): string[] {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try { names = fs.readdirSync(dirname(path)); } catch { return []; }
  return names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    return m !== null && !isRunning(Number(m[1]));
  }).map((name) => join(dirname(path), name));
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

// Best effort: a leftover that cannot be removed now stays for a later write.
function removeStaleTemporaries(path: string): void {
  for (const temp of staleTemporaries(path)) {
    try { fs.unlinkSync(temp); } catch { /* gone already, or not ours to remove */ }
  }
}

function failure(path: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`cannot write ${path}: ${reason}`, { cause: err });
}

/**
 * Writes `bytes` to `path` atomically: temporary file in the same directory, fsync, rename over the
 * target, fsync of the directory. Leftover temporary files of `path` from killed writers are removed
 * first (see staleTemporaries). On any error the temporary file is removed, an existing file at
 * `path` is left untouched, and the error (naming `path`) is rethrown.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  removeStaleTemporaries(path);
  const temp = temporaryPath(path);
  let handle: fs.promises.FileHandle | null = null;
  try {
    // 'wx': fail rather than follow or clobber anything already at the temporary name.
    handle = await fs.promises.open(temp, 'wx', options.mode ?? 0o666);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.promises.rename(temp, path);
  } catch (err) {
    if (handle !== null) await handle.close().catch(() => undefined);
    await fs.promises.unlink(temp).catch(() => undefined);
    throw failure(path, err);
  }
  try {
    const dir = await fs.promises.open(dirname(path), 'r');
    try { await dir.sync(); } finally { await dir.close(); }
  } catch {
    // Directories cannot be opened or fsynced on some platforms (Windows); the data is already safe.
  }
}

/** Synchronous writeFileAtomic, for exit handlers and other places that cannot await. */
export function writeFileAtomicSync(path: string, bytes: Uint8Array, options: WriteFileAtomicOptions = {}): void {
  removeStaleTemporaries(path);
  const temp = temporaryPath(path);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temp, 'wx', options.mode ?? 0o666);
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, path);
  } catch (err) {
    if (fd !== null) try { fs.closeSync(fd); } catch { /* already failing */ }
    try { fs.unlinkSync(temp); } catch { /* never created, or already gone */ }
    throw failure(path, err);
  }
  try {
    const dir = fs.openSync(dirname(path), 'r');
    try { fs.fsyncSync(dir); } finally { fs.closeSync(dir); }
  } catch {
    // Best effort, as above.
  }
}
