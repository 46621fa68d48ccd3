#!/usr/bin/python3
"""PyTorch's side of the training-throughput benchmark (Debian's python3-torch, CPU).

The same model as bench/unfold_train.mjs and scripts/torch_charlm.py: embedding 64 -> LSTM/GRU ->
linear head, V = 65, batch 32, length 64; cross-entropy, backward, global-norm clip 5, AdamW at 3e-3
with weight decay 0, on random tokens.

  /usr/bin/python3 bench/torch_train.py --cell lstm --hidden 512 --threads 1 [--warmup 3] [--time 10]
  python3 bench/torch_train.py --device cuda --hidden 512 --batch 128   (a GPU machine's PyTorch: cuDNN's
      fused LSTM, AdamW's fused CUDA update; loss.item() each step waits for the GPU, as every peer's
      step reads its loss)

The thread count is fixed before torch is imported (OMP/OpenBLAS environment variables) and again
with torch.set_num_threads, so that "1 thread" means one core for every kernel torch calls;
--blas-threads gives OpenBLAS (which does the matrix products) a pool of its own size.
Prints one JSON line: {runner, torch, threads, cell, hidden, ..., steps, seconds, tokens_per_sec, loss}.
"""
import argparse, json, os, sys, time

ap = argparse.ArgumentParser()
ap.add_argument('--cell', default='lstm', choices=['lstm', 'gru', 'rnn'])
ap.add_argument('--hidden', type=int, default=128)
ap.add_argument('--layers', type=int, default=1)
ap.add_argument('--embedding', type=int, default=64)
ap.add_argument('--vocab', type=int, default=65)
ap.add_argument('--batch', type=int, default=32)
ap.add_argument('--seq-len', type=int, default=64)
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--blas-threads', type=int, default=0, help="OpenBLAS's threads (default: --threads)")
ap.add_argument('--device', default='cpu', help='cpu, or cuda on a machine with a GPU')
ap.add_argument('--warmup', type=float, default=3)
ap.add_argument('--time', type=float, default=10)
a = ap.parse_args()

# OpenBLAS sizes its pool when torch loads and ignores torch.set_num_threads: set both before the import.
os.environ['OMP_NUM_THREADS'] = str(a.threads)
for var in ('OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[var] = str(a.blas_threads or a.threads)

import torch
import torch.nn as nn

if a.device == 'cuda' and not torch.cuda.is_available():
    print(json.dumps({'runner': 'torch', 'device': 'cuda', 'skipped': 'no CUDA device here'}))
    sys.exit(0)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from torch_charlm import CharModel  # the PyTorch twin of unfold's CharModel

torch.set_num_threads(a.threads)
torch.manual_seed(1)
V, B, T, H = a.vocab, a.batch, a.seq_len, a.hidden
model = CharModel(V, a.cell, H, a.layers, a.embedding, 0.0)
if a.cell == 'lstm':  # forget-gate bias 1, split over b_ih and b_hh, as unfold's default
    for name, p in model.rnn.named_parameters():
        if name.startswith('bias'):
            p.data[H:2 * H] = 0.5
model.to(a.device).train()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0, **({'fused': True} if a.device == 'cuda' else {}))
pool = [torch.randint(V, (B, T + 1), device=a.device) for _ in range(8)]
k = 0
last = float('nan')


def step():
    global k, last
    ids = pool[k % len(pool)]
    k += 1
    x, y = ids[:, :-1], ids[:, 1:]
    logits, _ = model(x)
    loss = nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()
    last = loss.item()


t0 = time.perf_counter()
while True:
    step()
    if time.perf_counter() - t0 >= a.warmup:
        break
steps = 0
t0 = time.perf_counter()
while True:
    step()
    steps += 1
    if time.perf_counter() - t0 >= a.time:
        break
seconds = time.perf_counter() - t0
print(json.dumps({'runner': 'torch', 'torch': torch.__version__, 'device': torch.cuda.get_device_name() if a.device == 'cuda' else 'cpu', 'threads': a.threads, 'blas_threads': a.blas_threads or a.threads, 'cell': a.cell, 'hidden': H,
                  'layers': a.layers, 'embedding': a.embedding, 'vocab': V, 'batch': B, 'seq_len': T, 'steps': steps,
                  'seconds': round(seconds, 3), 'tokens_per_sec': steps * B * T / seconds, 'loss': last}))
