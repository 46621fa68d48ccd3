#!/usr/bin/python3
"""Exports the sampling benchmark's model to ONNX for onnxruntime-node (bench/ort_sample.mjs): the same
character model as bench/torch_sample.py (scripts/torch_charlm.py's CharModel: embedding 64 -> 2-layer
LSTM, H = 512 -> linear, V = 65) as a one-step graph, ids [1, 1] and the state (h0, c0 [2, 1, 512]) in,
logits [1, 1, 65] and the new state out, with Debian's torch.onnx.export at opset 14.

  /usr/bin/python3 bench/ort_export.py OUT.onnx [--hidden 512] [--layers 2]

Prints one JSON line: {exported, opset, bytes}.
"""
import argparse, json, os, sys

ap = argparse.ArgumentParser()
ap.add_argument('out')
ap.add_argument('--cell', default='lstm', choices=['lstm'])
ap.add_argument('--hidden', type=int, default=512)
ap.add_argument('--layers', type=int, default=2)
ap.add_argument('--embedding', type=int, default=64)
ap.add_argument('--vocab', type=int, default=65)
a = ap.parse_args()

os.environ['OMP_NUM_THREADS'] = '1'
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from torch_charlm import CharModel


class Step(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids, h0, c0):
        logits, (h, c) = self.model(ids, (h0, c0))
        return logits, h, c


torch.manual_seed(2)
model = CharModel(a.vocab, a.cell, a.hidden, a.layers, a.embedding, 0.0).eval()
ids = torch.zeros((1, 1), dtype=torch.long)
h0 = torch.zeros((a.layers, 1, a.hidden))
c0 = torch.zeros((a.layers, 1, a.hidden))
with torch.no_grad():
    torch.onnx.export(Step(model), (ids, h0, c0), a.out, opset_version=14,
                      input_names=['ids', 'h0', 'c0'], output_names=['logits', 'hn', 'cn'])
print(json.dumps({'exported': a.out, 'opset': 14, 'bytes': os.path.getsize(a.out)}))
