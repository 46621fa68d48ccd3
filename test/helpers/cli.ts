// Running the `unfold` command as a user does, for the end-to-end tests: exit status, stdout, stderr
// (UNFOLD_DEBUG unset, so errors print as users see them), and the check every refusal must pass.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI } from './files.js';

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** `unfold ...args`, with `input` on stdin. */
export function unfoldCli(args: readonly string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, env: { ...process.env, UNFOLD_DEBUG: '' }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asserts a refusal: exit status 1 and one "unfold: error: …" line matching `message`, no stack trace. */
export function assertRefused(r: CliResult, message: RegExp, what = ''): void {
  assert.equal(r.status, 1, `${what}: expected exit status 1, got ${r.status}: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('unfold: error: '));
  assert.equal(errors.length, 1, `${what}: expected one error line, got ${r.stderr}`);
  assert.match(errors[0], message, what);
  assert.ok(!lines.some((l) => /^\s+at /.test(l)), `${what}: a stack trace: ${r.stderr}`);
}

/**
 * The error `unfold ...args` stops with, run in this process (no child: a refusal costs no start-up);
 * commander's own error output is silenced. Fails when the command succeeds.
 */
export async function refusalOf(args: readonly string[]): Promise<string> {
  const { everyCommand, unfoldProgram } = await import('../../src/cli/program.js');
  const program = unfoldProgram();
  for (const c of everyCommand(program)) c.configureOutput({ writeErr: () => {}, outputError: () => {} });
  try {
    await program.parseAsync(['node', 'unfold', ...args]);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`expected unfold ${args.join(' ')} to be refused, but it succeeded`);
}
