#!/usr/bin/python3
"""PyTorch twin of unfold's character model (embedding -> RNN/LSTM/GRU -> dropout -> linear).

Two uses, both with Debian's python3-torch (/usr/bin/python3):

  fixture OUT_DIR   writes a tiny trained-from-nothing model as a safetensors file with unfold's
                    metadata (config, vocabulary), plus the logits and final state PyTorch computes
                    for a fixed input, so unfold's test can load the file and compare outputs.
  train CORPUS      trains the same model as `unfold train` (same defaults) for --time seconds and
                    reports validation nats/char over the whole last 10% of the corpus, for
                    BENCHMARKS.md.

The model and the safetensors writer are python/unfold_torch.py's.
"""
import argparse, json, math, os, struct, sys, time


def _flag_from_argv(argv, name, default):
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(name + '='):
            return a.split('=', 1)[1]
    return default


# torch.set_num_threads (--threads) sizes torch's own pool; OpenBLAS, where Debian's torch does its
# matrix products, sizes its pool when torch loads and ignores it, so --blas-threads is read from the
# command line first (default: OpenBLAS's own choice, one thread per core). Measured on 2 cores at the
# defaults: --threads 1 with OpenBLAS on 2 is the fastest (10.8k-12.8k tokens/s in 30 s runs, against
# 9.5k-11.0k with everything on 1 and 3.1k-3.4k with both pools at 2, which then fight for the cores).
# Set only when run as a script; bench/torch_train.py, which imports this file, sets them itself.
if __name__ == '__main__':
    _blas = _flag_from_argv(sys.argv[1:], '--blas-threads', '')
    if _blas:
        for var in ('OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
            os.environ[var] = _blas

import torch
import torch.nn as nn


# The one PyTorch definition of the model and the safetensors writer (python/unfold_torch.py, which
# `unfold export pytorch` ships beside a checkpoint).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
from unfold_torch import CharModel, write_safetensors as save_safetensors  # noqa: E402


def fixture(out_dir):
    torch.manual_seed(7)
    chars = sorted(set('hello world\n'))
    for cell in ('lstm', 'gru'):
        cfg = dict(vocabSize=len(chars) + 1, cell=cell, hiddenSize=6, numLayers=2, embeddingSize=4, dropout=0.0)
        model = CharModel(cfg['vocabSize'], cell, 6, 2, 4, 0.0).eval()
        ids = torch.tensor([[1, 2, 3, 3, 4, 0, 5], [4, 6, 7, 1, 2, 3, 8]])
        with torch.no_grad():
            logits, state = model(ids)
        name = f'torch_char_{cell}'
        save_safetensors(os.path.join(out_dir, name + '.safetensors'), model.state_dict(), {
            'format': 'pt',
            'unfold.config': json.dumps(cfg),
            'unfold.vocab': json.dumps({'type': 'char', 'chars': chars, 'unknown': '\ufffd'}),
        })
        states = list(state) if isinstance(state, tuple) else [state]
        with open(os.path.join(out_dir, name + '.json'), 'w') as f:
            json.dump({'torch': torch.__version__, 'ids': ids.tolist(), 'shape': list(logits.shape),
                       'logits': logits.flatten().tolist(),
                       'state': [s.flatten().tolist() for s in states]}, f)


def train(args):
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    text = open(args.corpus, encoding='utf-8-sig').read().replace('\r\n', '\n')
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    cut = int(len(data) * 0.9)
    tr, va = data[:cut], data[cut:]
    V = len(chars) + 1
    model = CharModel(V, args.cell, args.hidden, args.layers, args.embedding, args.dropout)
    if args.cell == 'lstm':  # forget-gate bias 1 split over b_ih and b_hh, as unfold's default
        H = args.hidden
        for name, p in model.rnn.named_parameters():
            if name.startswith('bias'):
                p.data[H:2 * H] = args.forget_bias / 2
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay, betas=(args.beta1, args.beta2))
    B, T = args.batch, args.seq_len
    step, spent, tokens = 0, 0.0, 0
    pos, L_stream, carried = 0, (len(tr) - 1) // B, None
    while (args.steps > 0 and step < args.steps) or (args.steps == 0 and spent < args.time):
        t0 = time.perf_counter()
        progress = min(1.0, step / args.steps) if args.steps > 0 else min(1.0, spent / args.time)
        warm = min(1.0, (step + 1) / args.warmup) if args.warmup > 0 else 1.0
        floor = args.lr * args.min_lr_ratio
        lr = warm * (floor + (args.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g['lr'] = lr
        if args.stateful:
            # unfold's StreamBatcher: B contiguous streams of L predictions, read in chunks of T,
            # the state carried (detached) from chunk to chunk and reset at each epoch's start.
            if pos >= L_stream:
                pos = 0
            n = min(T, L_stream - pos)
            x = torch.stack([tr[b * L_stream + pos: b * L_stream + pos + n] for b in range(B)])
            y = torch.stack([tr[b * L_stream + pos + 1: b * L_stream + pos + n + 1] for b in range(B)])
            if pos == 0:
                carried = None
            pos += n
        else:
            n = T
            ix = torch.randint(len(tr) - T, (B,))
            x = torch.stack([tr[i:i + T] for i in ix])
            y = torch.stack([tr[i + 1:i + T + 1] for i in ix])
        logits, state = model(x, carried if args.stateful else None)
        if args.stateful:
            carried = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        loss = nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        step += 1
        tokens += B * n
        spent += time.perf_counter() - t0
    # Validation: 16 contiguous streams, state carried across 128-step chunks, as unfold's evaluate().
    model.eval()
    S = 16
    L = (len(va) - 1) // S
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for p in range(0, L, 128):
            n = min(128, L - p)
            x = torch.stack([va[b * L + p: b * L + p + n] for b in range(S)])
            y = torch.stack([va[b * L + p + 1: b * L + p + n + 1] for b in range(S)])
            logits, state = model(x, state)
            total += nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1), reduction='sum').item()
            count += S * n
    print(json.dumps({'torch': torch.__version__, 'threads': args.threads, 'blas_threads': args.blas_threads or os.cpu_count(), 'steps': step, 'seconds': round(spent, 1),
                      'tokens_per_sec': round(tokens / spent), 'val_nats_per_char': round(total / count, 4)}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    f = sub.add_parser('fixture')
    f.add_argument('out_dir')
    t = sub.add_parser('train')
    t.add_argument('corpus')
    t.add_argument('--time', type=float, default=600)
    t.add_argument('--steps', type=int, default=0, help='stop after this many steps instead (the cosine then runs over steps)')
    t.add_argument('--cell', default='lstm')
    t.add_argument('--hidden', type=int, default=256)
    t.add_argument('--layers', type=int, default=1)
    t.add_argument('--embedding', type=int, default=64)
    t.add_argument('--dropout', type=float, default=0.0)
    t.add_argument('--forget-bias', type=float, default=1.0)
    t.add_argument('--seq-len', type=int, default=64)
    t.add_argument('--batch', type=int, default=16)
    t.add_argument('--lr', type=float, default=8e-3)
    t.add_argument('--clip', type=float, default=5.0)
    t.add_argument('--min-lr-ratio', type=float, default=0.1)
    t.add_argument('--weight-decay', type=float, default=0.1)
    t.add_argument('--beta1', type=float, default=0.9)
    t.add_argument('--beta2', type=float, default=0.99)
    t.add_argument('--warmup', type=int, default=20)
    t.add_argument('--threads', type=int, default=1, help="torch's threads (torch.set_num_threads)")
    t.add_argument('--blas-threads', type=int, default=0, help="OpenBLAS's threads (default: its own, one per core)")
    t.add_argument('--seed', type=int, default=1)
    t.add_argument('--stateful', action='store_true', help='truncated BPTT over contiguous streams, as unfold --stateful')
    a = ap.parse_args()
    fixture(a.out_dir) if a.cmd == 'fixture' else train(a)


if __name__ == '__main__':
    main()
