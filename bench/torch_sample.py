#!/usr/bin/python3
"""PyTorch's side of the sampling-latency benchmark: a character model with a 2-layer LSTM (H = 512,
embedding 64, V = 65) generating one character at a time at batch 1, the state carried from step to
step, under torch.no_grad() (no graph recorded), in eval mode. Each character is a full step: forward
one token, then draw from softmax(logits) with torch.multinomial.

  /usr/bin/python3 bench/torch_sample.py --threads 1 [--hidden 512] [--layers 2] [--warmup 2] [--time 10]
  python3 bench/torch_sample.py --device cuda   (on a GPU: the model and the draw on the device; reading
      the drawn character back each step is the one synchronisation, as in every peer)

Prints one JSON line: {runner, torch, threads, ..., chars, seconds, us_per_char}.
"""
import argparse, json, os, sys, time

ap = argparse.ArgumentParser()
ap.add_argument('--cell', default='lstm', choices=['lstm', 'gru', 'rnn'])
ap.add_argument('--hidden', type=int, default=512)
ap.add_argument('--layers', type=int, default=2)
ap.add_argument('--embedding', type=int, default=64)
ap.add_argument('--vocab', type=int, default=65)
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--blas-threads', type=int, default=0, help="OpenBLAS's threads (default: --threads)")
ap.add_argument('--device', default='cpu', help='cpu, or cuda on a machine with a GPU')
ap.add_argument('--warmup', type=float, default=2)
ap.add_argument('--time', type=float, default=10)
a = ap.parse_args()

# OpenBLAS sizes its pool when torch loads and ignores torch.set_num_threads: set both before the import.
os.environ['OMP_NUM_THREADS'] = str(a.threads)
for var in ('OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[var] = str(a.blas_threads or a.threads)

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from torch_charlm import CharModel

torch.set_num_threads(a.threads)
torch.manual_seed(2)
model = CharModel(a.vocab, a.cell, a.hidden, a.layers, a.embedding, 0.0).to(a.device).eval()

with torch.no_grad():
    x = torch.zeros((1, 1), dtype=torch.long, device=a.device)
    logits, state = model(x)

    def nxt():
        global logits, state
        probs = torch.softmax(logits[0, -1], dim=-1)
        x[0, 0] = int(torch.multinomial(probs, 1))
        logits, state = model(x, state)

    t0 = time.perf_counter()
    while True:
        nxt()
        if time.perf_counter() - t0 >= a.warmup:
            break
    chars = 0
    t0 = time.perf_counter()
    while True:
        for _ in range(16):
            nxt()
        chars += 16
        if time.perf_counter() - t0 >= a.time:
            break
    seconds = time.perf_counter() - t0

print(json.dumps({'runner': 'torch', 'torch': torch.__version__, 'device': torch.cuda.get_device_name() if a.device == 'cuda' else 'cpu', 'threads': a.threads, 'blas_threads': a.blas_threads or a.threads, 'cell': a.cell, 'hidden': a.hidden,
                  'layers': a.layers, 'embedding': a.embedding, 'vocab': a.vocab, 'batch': 1, 'chars': chars,
                  'seconds': round(seconds, 3), 'us_per_char': seconds * 1e6 / chars}))
