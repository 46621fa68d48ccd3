// Runs one command factory of src/cli (a function returning a commander Command) in a child
// process, as main.ts would once the command is registered there: stdout, stderr and the exit
// status, with main.ts's one-line error handling. (Capturing process.stdout inside a test would
// also capture the test runner's own reports, which travel on the same stream.)

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './files.js';

/** `factory` exported by dist/src/cli/<file>.js, run with `args`. */
export function runCommand(file: string, factory: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const url = pathToFileURL(join(ROOT, 'dist', 'src', 'cli', `${file}.js`)).href;
  const script = `import '${pathToFileURL(join(ROOT, 'dist', 'src', 'autograd', 'methods.js')).href}';
import { ${factory} } from '${url}';
try { await ${factory}().exitOverride().parseAsync(process.argv.slice(1), { from: 'user' }); }
catch (e) { if (e.code === undefined || !String(e.code).startsWith('commander.')) process.stderr.write('error: ' + e.message + '\\n'); process.exit(1); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
