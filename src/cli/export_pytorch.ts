// `unfold export pytorch --checkpoint F --out DIR`: the character model as a PyTorch module with its
// weights and a torchrun data-parallel training script (see src/interop/pytorch/export_pytorch.ts).

import { Command } from 'commander';
import { exportPyTorch } from '../interop/pytorch/export_pytorch.js';

export function exportPyTorchCommand(): Command {
  return new Command('pytorch')
    .description('write a PyTorch module, its weights and a torchrun (DistributedDataParallel) script that continues training')
    .requiredOption('--checkpoint <path>', 'character-model checkpoint to export')
    .requiredOption('--out <dir>', 'folder to write (made when missing)')
    .action(async (f: { checkpoint: string; out: string }) => {
      const files = await exportPyTorch(f.checkpoint, f.out);
      process.stdout.write(`${files.join('\n')}\n`);
      process.stdout.write(`next: cd ${f.out} && torchrun --nproc_per_node 2 train_ddp.py --checkpoint model.safetensors --corpus CORPUS --out trained.safetensors\n`);
    });
}
