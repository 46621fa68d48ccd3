#!/usr/bin/python3
"""Makes the ONNX fixtures of test/interop/onnx_import.test.ts: small recurrent models exported by
PyTorch itself (torch.onnx.export, opset 14) with fixed seeds, and PyTorch's outputs on fixed inputs.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/make_onnx_fixtures.py
Writes test/interop/fixtures/<name>.onnx and <name>.json ({"inputs": {name: {shape, data}},
"outputs": {name: {shape, data}}}); the test needs neither Python nor torch.
"""
import json
import os
import warnings

import torch

warnings.filterwarnings('ignore')  # torch.onnx's shape-inference notes
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'interop', 'fixtures')


class CharModel(torch.nn.Module):
    """Embedding -> recurrent layers -> Linear, batch-first: unfold's character model."""

    def __init__(self, cell, vocab=11, emb=5, hidden=6, layers=2):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, emb)
        self.rnn = getattr(torch.nn, cell)(emb, hidden, num_layers=layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, ids, *state):
        y, h = self.rnn(self.embedding(ids), *state)
        return (self.head(y), h) if state else self.head(y)


class Bare(torch.nn.Module):
    """A recurrent layer alone, returning its outputs and final states."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x, *state):
        y, h = self.rnn(x, *state)
        return (y, *h) if isinstance(h, tuple) else (y, h)


class Classifier(torch.nn.Module):
    """GRU (bidirectional, batch-first) read at the last step, then Linear and Softmax."""

    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.GRU(3, 4, batch_first=True, bidirectional=True)
        self.head = torch.nn.Linear(8, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return torch.softmax(self.head(y[:, -1]), dim=-1)


class Tagger(torch.nn.Module):
    """Two different layers in a row (LSTM then relu RNN), time-major, a head at every step."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 4)
        self.rnn = torch.nn.RNN(4, 5, nonlinearity='relu')
        self.head = torch.nn.Linear(5, 2)

    def forward(self, x):
        y, _ = self.lstm(x)
        y, _ = self.rnn(y)
        return self.head(y)


def tensor_json(t):
    return {'shape': list(t.shape), 'data': t.detach().reshape(-1).tolist()}


def fixture(name, model, inputs, input_names, output_names, dynamic_axes=None):
    model.eval()
    path = os.path.join(OUT, name + '.onnx')
    torch.onnx.export(model, tuple(inputs), path, opset_version=14, input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes)
    with torch.no_grad():
        outs = model(*inputs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    flat = []
    for o in outs:
        flat.extend(o if isinstance(o, tuple) else (o,))
    data = {
        'inputs': {n: tensor_json(t) for n, t in zip(input_names, flat_inputs(inputs))},
        'outputs': {n: tensor_json(t) for n, t in zip(output_names, flat)},
    }
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(data, f)
    print(name, os.path.getsize(path), 'bytes')


def flat_inputs(inputs):
    for t in inputs:
        if isinstance(t, tuple):
            yield from t
        else:
            yield t


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    ids = torch.randint(0, 11, (2, 4))
    fixture('char_lstm', CharModel('LSTM'), [ids], ['ids'], ['logits'],
            dynamic_axes={'ids': {0: 'batch', 1: 'time'}, 'logits': {0: 'batch', 1: 'time'}})
    torch.manual_seed(1)
    h0 = torch.randn(2, 2, 6)
    fixture('char_gru_state', CharModel('GRU'), [ids, h0], ['ids', 'h0'], ['logits', 'h_n'])
    torch.manual_seed(2)
    x = torch.randn(5, 2, 3)
    h0, c0 = torch.randn(4, 2, 4), torch.randn(4, 2, 4)
    fixture('lstm_bidirectional', Bare(torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)), [x, (h0, c0)],
            ['input', 'h0', 'c0'], ['output', 'h_n', 'c_n'],
            dynamic_axes={'input': {0: 'time', 1: 'batch'}, 'h0': {1: 'batch'}, 'c0': {1: 'batch'}})
    torch.manual_seed(3)
    fixture('rnn_relu', Bare(torch.nn.RNN(3, 5, num_layers=2, nonlinearity='relu', batch_first=True)),
            [torch.randn(2, 6, 3)], ['input'], ['output', 'h_n'])
    torch.manual_seed(4)
    fixture('gru_classifier', Classifier(), [torch.randn(3, 5, 3)], ['input'], ['probabilities'],
            dynamic_axes={'input': {0: 'batch', 1: 'time'}})
    torch.manual_seed(5)
    fixture('lstm_rnn_tagger', Tagger(), [torch.randn(4, 2, 3)], ['input'], ['logits'])


if __name__ == '__main__':
    main()
