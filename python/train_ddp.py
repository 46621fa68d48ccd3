"""Continues training an unfold character model on PyTorch's distributed engine, then writes a
checkpoint unfold opens (`unfold sample --checkpoint OUT`).

    torchrun --nproc_per_node 2 train_ddp.py --checkpoint model.safetensors --corpus corpus.txt \
             --out trained.safetensors --steps 500

Each process trains on its own random windows of the corpus (seeded by rank) with
DistributedDataParallel averaging the gradients: gloo on CPUs, NCCL where every process has a
GPU. Several machines: torchrun's --nnodes, --node_rank and --rdzv_endpoint, as for any PyTorch job.
The schedule is AdamW with a linear warm-up and a cosine decay over --steps, clipping at --clip;
the optimizer starts afresh (unfold's optimizer state stays with unfold's own --resume). Rank 0
writes --out every --save-every steps and at the end, atomically.
"""
import argparse, math, os, time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from unfold_torch import load_checkpoint, save_checkpoint


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--checkpoint', required=True, help='unfold checkpoint of a character model to start from')
    ap.add_argument('--corpus', required=True, help='UTF-8 text to train on')
    ap.add_argument('--out', required=True, help='checkpoint to write (unfold format)')
    ap.add_argument('--steps', type=int, default=500)
    ap.add_argument('--batch', type=int, default=16, help='windows per process and step')
    ap.add_argument('--seq-len', type=int, default=64)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--min-lr-ratio', type=float, default=0.1)
    ap.add_argument('--warmup', type=int, default=20)
    ap.add_argument('--weight-decay', type=float, default=0.1)
    ap.add_argument('--clip', type=float, default=5.0)
    ap.add_argument('--save-every', type=int, default=0, help='0: only at the end')
    ap.add_argument('--log-every', type=int, default=50)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group('nccl' if cuda else 'gloo')
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f'cuda:{int(os.environ.get("LOCAL_RANK", 0))}') if cuda else torch.device('cpu')
    if not cuda:
        torch.set_num_threads(1)  # one process per core

    model, vocab, start, metadata = load_checkpoint(a.checkpoint)
    model.to(device).train()
    text = open(a.corpus, encoding='utf-8-sig').read().replace('\r\n', '\n')
    data = torch.tensor(vocab.encode(text), dtype=torch.long)
    B, T = a.batch, a.seq_len
    if len(data) < T + 2:
        raise SystemExit(f'{a.corpus}: expected at least {T + 2} characters, got {len(data)}')
    ddp = DistributedDataParallel(model, device_ids=[device.index] if cuda else None)
    opt = torch.optim.AdamW(ddp.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    gen = torch.Generator().manual_seed(a.seed * 1000 + rank)
    V = model.head.out_features
    t0, tokens = time.perf_counter(), 0
    for step in range(a.steps):
        warm = min(1.0, (step + 1) / a.warmup) if a.warmup > 0 else 1.0
        floor = a.lr * a.min_lr_ratio
        for g in opt.param_groups:
            g['lr'] = warm * (floor + (a.lr - floor) * 0.5 * (1 + math.cos(math.pi * step / a.steps)))
        ix = torch.randint(len(data) - T - 1, (B,), generator=gen)
        x = torch.stack([data[i:i + T] for i in ix]).to(device)
        y = torch.stack([data[i + 1:i + T + 1] for i in ix]).to(device)
        logits, _ = ddp(x)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ddp.parameters(), a.clip)
        opt.step()
        tokens += B * T * world
        done = step + 1
        if rank == 0 and (done % a.log_every == 0 or done == a.steps):
            print(f'step {start + done} loss {loss.item():.4f} {tokens / (time.perf_counter() - t0):.0f} tokens/s on {world} processes', flush=True)
        if rank == 0 and ((a.save_every and done % a.save_every == 0) or done == a.steps):
            save_checkpoint(a.out, ddp, metadata, start + done)
    if rank == 0:
        print(f'checkpoint: {a.out} (step {start + a.steps})', flush=True)
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
