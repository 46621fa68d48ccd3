// Atomic writes and checkpoint files: a failed write at any step leaves the old file intact and no
// temporary file behind, the next write removes those a killed writer left; loading names the path
// in every error.

import { test, mock, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/io/atomic_write.js';
import { loadSafetensors, loadSafetensorsSync, saveSafetensors, saveSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { SafetensorsError } from '../../src/io/safetensors.js';
import { FileReadError } from '../../src/io/read_file.js';
import { tensor } from '../../src/tensor/tensor.js';

const OLD = new TextEncoder().encode('old contents');
const NEW = new TextEncoder().encode('new contents, longer than the old');

function scratch(): string {
  return fs.mkdtempSync(join(tmpdir(), 'unfold-atomic-'));
}

afterEach(() => mock.restoreAll());

test('writes a new file and replaces an existing one', async () => {
  const dir = scratch();
  const path = join(dir, 'x.bin');
  await writeFileAtomic(path, OLD);
  assert.deepEqual(new Uint8Array(fs.readFileSync(path)), OLD);
  await writeFileAtomic(path, NEW);
  assert.deepEqual(new Uint8Array(fs.readFileSync(path)), NEW);
  writeFileAtomicSync(path, OLD);
  assert.deepEqual(new Uint8Array(fs.readFileSync(path)), OLD);
  assert.deepEqual(fs.readdirSync(dir), ['x.bin'], 'no temporary files left');
  fs.rmSync(dir, { recursive: true });
});

// Each simulated failure point of the async path, after the temporary file exists.
const asyncFailures: [string, () => void][] = [
  ['rename', () => mock.method(fs.promises, 'rename', async () => { throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' }); })],
  ['write', () => {
    const open = fs.promises.open;
    mock.method(fs.promises, 'open', async (...args: Parameters<typeof open>) => {
      const handle = await open(...args);
      handle.writeFile = async () => { throw new Error('ENOSPC: simulated disk full'); };
      return handle;
    });
  }],
  ['fsync', () => {
    const open = fs.promises.open;
    mock.method(fs.promises, 'open', async (...args: Parameters<typeof open>) => {
      const handle = await open(...args);
      handle.sync = async () => { throw new Error('EIO: simulated'); };
      return handle;
    });
  }],
];

for (const [step, inject] of asyncFailures) {
  test(`a failure at ${step} leaves the old file intact and removes the temporary file`, async () => {
    const dir = scratch();
    const path = join(dir, 'model.safetensors');
    fs.writeFileSync(path, OLD);
    inject();
    await assert.rejects(writeFileAtomic(path, NEW), (err: Error) => err.message.startsWith(`cannot write ${path}: `) && /simulated/.test(err.message));
    mock.restoreAll();
    assert.deepEqual(new Uint8Array(fs.readFileSync(path)), OLD);
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
    fs.rmSync(dir, { recursive: true });
  });
}

for (const name of ['writeFileSync', 'fsyncSync', 'renameSync'] as const) {
  test(`sync: a failure in ${name} leaves the old file intact and removes the temporary file`, () => {
    const dir = scratch();
    const path = join(dir, 'model.safetensors');
    fs.writeFileSync(path, OLD);
    mock.method(fs, name, () => { throw new Error(`${name}: simulated`); });
    assert.throws(() => writeFileAtomicSync(path, NEW), (err: Error) => err.message.startsWith(`cannot write ${path}: `));
    mock.restoreAll();
    assert.deepEqual(new Uint8Array(fs.readFileSync(path)), OLD);
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
    fs.rmSync(dir, { recursive: true });
  });
}

test('real failures: missing directory, target is a directory, read-only directory', async (t) => {
  const dir = scratch();
  await assert.rejects(writeFileAtomic(join(dir, 'nope', 'x.bin'), NEW), /cannot write .*nope.*x\.bin: .*ENOENT/);
  fs.mkdirSync(join(dir, 'taken'));
  fs.writeFileSync(join(dir, 'taken', 'inside'), OLD);
  await assert.rejects(writeFileAtomic(join(dir, 'taken'), NEW), /cannot write .*taken: /);
  assert.deepEqual(fs.readdirSync(dir), ['taken'], 'temporary file removed');
  assert.deepEqual(new Uint8Array(fs.readFileSync(join(dir, 'taken', 'inside'))), OLD);
  if (process.getuid?.() === 0) {
    t.diagnostic('running as root: permission bits do not stop writes, read-only case skipped');
  } else {
    const path = join(dir, 'ro.bin');
    fs.writeFileSync(path, OLD);
    fs.chmodSync(dir, 0o555);
    try {
      await assert.rejects(writeFileAtomic(path, NEW), /cannot write .*ro\.bin: .*EACCES/);
      assert.deepEqual(new Uint8Array(fs.readFileSync(path)), OLD);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  }
  fs.rmSync(dir, { recursive: true });
});

test("a write removes the temporary files of the same target left by killed writers, and no live writer's", async () => {
  const dir = scratch();
  const path = join(dir, 'model.safetensors');
  // A pid that has exited (its process was reaped), a live one that is not ours, and ours.
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const leftovers = {
    dead: `.model.safetensors.${dead}.0123456789ab.tmp`,
    live: `.model.safetensors.${process.ppid}.0123456789ab.tmp`,
    own: `.model.safetensors.${process.pid}.0123456789ab.tmp`,
    otherTarget: `.other.safetensors.${dead}.0123456789ab.tmp`,
    notOurs: `.model.safetensors.${dead}.tmp`,
  };
  for (const name of Object.values(leftovers)) fs.writeFileSync(join(dir, name), OLD);
  await writeFileAtomic(path, NEW);
  const after = fs.readdirSync(dir);
  assert.ok(!after.includes(leftovers.dead), 'the dead writer\'s temporary file is removed');
  for (const kept of ['live', 'own', 'otherTarget', 'notOurs'] as const) assert.ok(after.includes(leftovers[kept]), `${kept} is kept`);
  fs.writeFileSync(join(dir, leftovers.dead), OLD);
  writeFileAtomicSync(path, OLD);
  assert.ok(!fs.readdirSync(dir).includes(leftovers.dead), 'the sync write removes it too');
  fs.rmSync(dir, { recursive: true });
});

test('saveSafetensors / loadSafetensors round trip (async and sync)', async () => {
  const dir = scratch();
  const path = join(dir, 'ckpt.safetensors');
  await saveSafetensors(path, { w: tensor([[1, 2], [3, 4]]) }, { step: '10' });
  const a = await loadSafetensors(path);
  assert.deepEqual(a.tensors.w.tolist(), [[1, 2], [3, 4]]);
  assert.deepEqual(a.metadata, { step: '10' });
  saveSafetensorsSync(path, { w: tensor([5]) });
  assert.deepEqual(loadSafetensorsSync(path).tensors.w.toArray(), [5]);
  fs.rmSync(dir, { recursive: true });
});

test('loading errors name the path and the problem', async () => {
  const dir = scratch();
  const missing = join(dir, 'missing.safetensors');
  await assert.rejects(loadSafetensors(missing), (e: Error) => e instanceof FileReadError && e.message === `cannot read checkpoint ${missing}: no such file`);
  assert.throws(() => loadSafetensorsSync(missing), /cannot read checkpoint .*missing\.safetensors: no such file/);
  await assert.rejects(loadSafetensors(dir), (e: Error) => e.message === `cannot read checkpoint ${dir}: expected a file, got a directory`);
  await assert.rejects(loadSafetensors('/dev/null'), /cannot read checkpoint \/dev\/null: expected a regular file, got a device/);
  const broken = join(dir, 'broken.safetensors');
  fs.writeFileSync(broken, 'not a checkpoint');
  await assert.rejects(loadSafetensors(broken), (e: Error) => e instanceof SafetensorsError &&
    e.message.startsWith(`${broken} is not a valid safetensors file: header length`));
  assert.throws(() => loadSafetensorsSync(broken), /broken\.safetensors is not a valid safetensors file/);
  await assert.rejects(saveSafetensors(join(dir, 'x'), { __metadata__: tensor([1]) }), /cannot save .*x: "__metadata__" is reserved/);
  fs.rmSync(dir, { recursive: true });
});
