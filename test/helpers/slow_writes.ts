// A preload for the kill tests (`node --import dist/test/helpers/slow_writes.js dist/src/cli/main.js
// train …`): it stops a checkpoint save at a chosen point, says so on stderr and waits there, so that
// a test can kill the process exactly in that window. Nothing in src knows about it: it wraps the
// renames that atomic writes end with. SLOW_WRITES=<point>:<n> stops the n-th save (1-based) at:
//   state-temp  the new state complete in its temporary file, not yet renamed over the state file;
//   gap         the new state renamed in, the model not yet written;
//   model-temp  the new model complete in its temporary file, not yet renamed over the model file;
//   model       the new model renamed in, the previous state (.prev) not yet removed.
// The line on stderr is `slow-writes: <point> <file>`; the wait is a minute (the test kills first).

import fs from 'node:fs';

const [point, nth] = (process.env.SLOW_WRITES ?? '').split(':');
let saves = 0;

async function stopHere(where: string, file: string): Promise<void> {
  if (where !== point || saves !== Number(nth)) return;
  process.stderr.write(`slow-writes: ${where} ${file}\n`);
  await new Promise((resolve) => setTimeout(resolve, 60_000));
}

if (point) {
  const rename = fs.promises.rename;
  fs.promises.rename = async (from: fs.PathLike, to: fs.PathLike): Promise<void> => {
    const src = String(from), dst = String(to);
    if (!src.endsWith('.tmp')) return rename(from, to);
    const kind = dst.endsWith('.state.safetensors') ? 'state' : 'model';
    if (kind === 'state') saves++;
    await stopHere(`${kind}-temp`, dst);
    await rename(from, to);
    await stopHere(kind === 'state' ? 'gap' : 'model', dst);
  };
}
