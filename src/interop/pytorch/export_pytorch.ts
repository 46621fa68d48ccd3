// Export to PyTorch, for training past one machine: a folder holding the checkpoint (already a
// PyTorch state dict under the model's parameter names, with unfold's metadata), the PyTorch model
// and checkpoint reader/writer (python/unfold_torch.py) and a torchrun data-parallel training script
// (python/train_ddp.py) that continues from the checkpoint and writes one unfold opens. The Python
// files are the package's own, copied as they are; node-only.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CharModel } from '../../train/char_model.js';
import { expectModel } from '../../train/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../../train/checkpoint_file.js';

// This module runs as dist/src/interop/pytorch/export_pytorch.js; python/ is at the package root.
const PYTHON = fileURLToPath(new URL('../../../../python/', import.meta.url));

/** The files an export writes into its folder. */
export const PYTORCH_EXPORT_FILES = ['model.safetensors', 'unfold_torch.py', 'train_ddp.py', 'README.txt'] as const;

/**
 * Writes the PyTorch export of the character-model checkpoint at `checkpoint` into `outDir` (made
 * when missing): the files of PYTORCH_EXPORT_FILES. Other kinds of model are refused.
 */
export async function exportPyTorch(checkpoint: string, outDir: string): Promise<string[]> {
  const c = loadCheckpoint(checkpoint);
  const model = expectModel(c, CharModel, 'a character-level language model', 'unfold export pytorch');
  mkdirSync(outDir, { recursive: true });
  await saveCheckpoint(join(outDir, 'model.safetensors'), { model, vocabs: c.vocabs, step: c.step });
  for (const f of ['unfold_torch.py', 'train_ddp.py']) copyFileSync(join(PYTHON, f), join(outDir, f));
  const m = model.config;
  writeFileSync(join(outDir, 'README.txt'), `unfold character model (${m.cell.toUpperCase()}, ${m.numLayers} layer(s), hidden ${m.hiddenSize}, ` +
    `embedding ${m.embeddingSize}, vocabulary ${m.vocabSize}), step ${c.step}, exported from ${checkpoint}.

In PyTorch (needs only torch):
    from unfold_torch import load_checkpoint
    model, vocab, step, metadata = load_checkpoint('model.safetensors')

Data-parallel training, two processes on this machine (gloo; NCCL where GPUs exist):
    torchrun --nproc_per_node 2 train_ddp.py --checkpoint model.safetensors --corpus corpus.txt --out trained.safetensors --steps 500
Several machines: add torchrun's --nnodes N --node_rank R --rdzv_endpoint HOST:PORT on each.
(Debian's torch 1.13 under Python 3.11 misreads torchrun's default --redirects: add --redirects 1 --tee 1.)

Back in unfold:
    unfold sample --checkpoint trained.safetensors
`);
  return PYTORCH_EXPORT_FILES.map((f) => join(outDir, f));
}
